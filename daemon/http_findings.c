/* /api/v1/findings: what reviewers work through and the supervision platform pulls. */
#include "http_findings.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cursor.h"
#include "db_review.h"
#include "listing.h"
#include "params.h"
#include "validate.h"

static const char *const finding_columns[] = {
  "id",       "case_id",  "agency", "agency_name", "case_no", "rule",        "rule_version", "system", "severity",
  "points",   "veto",     "status", "key",     "message_zh",  "message_en",   "evidence", "first_seen_at",
  "last_seen_at", "resolved_at", "waived_until", NULL};

struct finding_source {
  struct finding_filter f;
  struct db_conn *db;
  bool owns_db;
  char limit[16]; /* the page size: lives as long as the source (a CSV stream outlives the handler) */
  char after_id[40];
  char *scope;
  json_t *rows;            /* CSV: the rows as objects */
  struct json_page *page;  /* JSON: the rows as text */
};

static void finding_row(void *arg, const char *json, const char *id)
{
  struct finding_source *s = arg;
  if (s->page != NULL) {
    if (json_page_add(s->page, json))
      snprintf(s->after_id, sizeof s->after_id, "%s", id);
    return;
  }
  json_error_t jerr;
  json_t *row = json_loads(json, 0, &jerr);
  /* flat message columns for CSV; JSON keeps {zh, en} */
  json_t *msg = json_object_get(row, "message");
  json_object_set(row, "message_zh", json_object_get(msg, "zh"));
  json_object_set(row, "message_en", json_object_get(msg, "en"));
  json_array_append_new(s->rows, row);
  snprintf(s->after_id, sizeof s->after_id, "%s", id);
}

static int finding_fetch(void *arg, json_t *rows)
{
  struct finding_source *s = arg;
  s->rows = rows;
  size_t before = json_array_size(rows);
  if (s->after_id[0] != '\0')
    s->f.after_id = s->after_id;
  if (db_finding_list(s->db, &s->f, finding_row, s) != DB_OK)
    return -1;
  return (int)(json_array_size(rows) - before);
}

static void finding_source_free(void *arg)
{
  struct finding_source *s = arg;
  if (s->owns_db)
    db_pool_release(s->db);
  free(s->scope);
  free(s);
}

void handle_finding_list(struct request *r)
{
  static const char *const params[] = {"agency", "case_id", "rule",  "system", "severity", "status", "since",
                                       "limit",  "cursor",  "count", "format", NULL};
  static const char *const systems[] = {"publicity", "recording", "review", "documents", "archive", NULL};
  static const char *const severities[] = {"error", "warning", NULL};
  static const char *const statuses[] = {"open", "acknowledged", "waived", "resolved", NULL};
  struct finding_source *s = calloc(1, sizeof *s);
  json_t *pos = NULL;
  char limit[8];
  bool csv = false, count = false;
  if (s == NULL) {
    reply_error(r, ERR_INTERNAL, "out of memory");
    return;
  }
  struct finding_filter *f = &s->f;
  if (req_only_params(r, params) != 0 || param_agency(r, "agency", &f->agency) != 0 ||
      param_uuid(r, "case_id", &f->case_id) != 0 || param_rule(r, "rule", &f->rule) != 0 ||
      param_enum(r, "system", systems, &f->system) != 0 || param_enum(r, "severity", severities, &f->severity) != 0 ||
      param_enum(r, "status", statuses, &f->status) != 0 || param_instant(r, "since", &f->since) != 0 ||
      param_limit(r, limit) != 0 || param_count(r, &count) != 0 || listing_wants_csv(r, &csv) != 0 ||
      param_scope(r, f->agency, &s->scope) != 0)
    goto out;
  f->scope = s->scope;
  char scope[2048];
  snprintf(scope, sizeof scope, "findings\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", f->scope ? f->scope : "",
           f->agency ? f->agency : "", f->case_id ? f->case_id : "", f->rule ? f->rule : "",
           f->system ? f->system : "", f->severity ? f->severity : "", f->status ? f->status : "",
           f->since ? f->since : "");
  if (listing_cursor(r, scope, &pos) != 0)
    goto out;
  if (pos != NULL)
    snprintf(s->after_id, sizeof s->after_id, "%s", json_string_value(json_object_get(pos, "id")));
  if (csv) {
    enum db_status why;
    s->db = db_pool_acquire(app_config()->db_acquire_timeout_ms, &why);
    if (s->db == NULL) {
      reply_error(r, why == DB_RETRY ? ERR_DB_BUSY : ERR_DB_UNAVAILABLE, NULL);
      goto out;
    }
    s->owns_db = true;
    snprintf(s->limit, sizeof s->limit, "500");
    f->limit = s->limit;
    listing_stream_csv(r, finding_columns, finding_fetch, s, finding_source_free);
    s = NULL;
    goto out;
  }
  if ((s->db = req_db(r)) == NULL)
    goto out;
  struct json_page page = {.want = atoi(limit)};
  char plus_one[16];
  snprintf(plus_one, sizeof plus_one, "%d", page.want + 1);
  f->limit = plus_one;
  s->page = &page;
  if (s->after_id[0] != '\0')
    f->after_id = s->after_id;
  enum db_status st = db_finding_list(s->db, f, finding_row, s);
  long long total = -1;
  if (st == DB_OK && count)
    st = db_finding_count(s->db, f, &total);
  if (st != DB_OK) {
    buf_free(&page.out);
    reply_db_error(r, st);
    goto out;
  }
  json_t *last = json_pack("{s:s}", "id", s->after_id);
  json_page_reply(r, &page, last, scope, total);
  json_decref(last);
out:
  if (s != NULL)
    finding_source_free(s);
  json_decref(pos);
}

static bool uuid_ok(const char *s)
{
  if (strlen(s) != 36)
    return false;
  for (int i = 0; i < 36; i++) {
    char ch = s[i];
    bool ok = (i == 8 || i == 13 || i == 18 || i == 23) ? ch == '-'
                                                        : ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
                                                           (ch >= 'A' && ch <= 'F'));
    if (!ok)
      return false;
  }
  return true;
}

/* Loads the finding and checks the token may see it; replies 404 otherwise. */
static json_t *load_finding(struct request *r, struct db_conn *c, const char *id)
{
  if (!uuid_ok(id)) {
    reply_error(r, ERR_NOT_FOUND, "no finding %s (finding ids are UUIDs)", id);
    return NULL;
  }
  json_t *f = NULL;
  char *agency = NULL;
  enum db_status st = db_finding_get(c, id, &f, &agency);
  if (st == DB_NO_ROW || (st == DB_OK && !principal_may_agency(req_principal(r), agency) &&
                          req_principal(r)->role == ROLE_REVIEWER)) {
    reply_error(r, ERR_NOT_FOUND, "no finding %s", id);
    json_decref(f);
    f = NULL;
  } else if (st != DB_OK) {
    reply_db_error(r, st);
  }
  free(agency);
  return f;
}

void handle_finding_get(struct request *r)
{
  static const char *const params[] = {NULL};
  if (req_only_params(r, params) != 0)
    return;
  struct db_conn *c = req_db(r);
  if (c == NULL)
    return;
  json_t *f = load_finding(r, c, req_param(r, 0));
  if (f != NULL)
    reply_json(r, 200, f);
}

static const char *const review_actions[] = {"acknowledge", "waive", "reopen", NULL};
static const struct vspec review_members[] = {
  {.name = "action", .kind = VK_ENUM, .flags = V_REQUIRED, .choices = review_actions},
  {.name = "comment", .kind = VK_STRING, .max = 4000},
  {.name = "until", .kind = VK_DATE},
  {.name = NULL},
};
static const struct vspec review_spec = {.kind = VK_OBJECT, .flags = V_REQUIRED, .members = review_members};

void handle_review_post(struct request *r)
{
  static const char *const params[] = {NULL};
  if (req_only_params(r, params) != 0)
    return;
  json_t *in = req_json_body(r, &review_spec, false);
  if (in == NULL)
    return;
  struct db_conn *c = req_db(r);
  if (c == NULL)
    goto out;
  const char *id = req_param(r, 0);
  json_t *before = load_finding(r, c, id);
  if (before == NULL)
    goto out;
  json_decref(before);
  char status[16], err[512];
  enum review_outcome outcome;
  enum db_status st = db_review(c, id, json_string_value(json_object_get(in, "action")),
                                json_string_value(json_object_get(in, "comment")),
                                json_string_value(json_object_get(in, "until")), req_principal(r)->name, NULL, status,
                                sizeof status, &outcome, err, sizeof err);
  switch (outcome) {
  case REVIEW_DONE:
    break;
  case REVIEW_NOT_ALLOWED:
    reply_error(r, ERR_CONFLICT, "%s", err);
    goto out;
  case REVIEW_INVALID:
    reply_error(r, ERR_UNPROCESSABLE, "%s", err);
    goto out;
  case REVIEW_NO_FINDING:
    reply_error(r, ERR_NOT_FOUND, "%s", err);
    goto out;
  case REVIEW_FAILED:
    reply_db_error(r, st);
    goto out;
  }
  json_t *after = load_finding(r, c, id);
  if (after != NULL)
    reply_json(r, 200, after);
out:
  json_decref(in);
}
