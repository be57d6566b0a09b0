/* /api/v1/cases: parse → validate → store (with the rules, in one transaction) → reply. The work is in ingest.c;
 * this file maps it onto HTTP. */
#include "http_cases.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db_cases.h"
#include "ingest.h"
#include "log.h"
#include "metrics.h"
#include "ndjson.h"
#include "privacy.h"
#include "cursor.h"
#include "db_review.h"
#include "listing.h"
#include "params.h"
#include "rules.h"
#include "standards.h"

static const char *const no_params[] = {NULL};

/* ---- POST /api/v1/cases ---- */

struct single {
  bool done;
  enum ingest_status status;
  char case_id[37];
  json_t *error;
  unsigned http_status;
};

static void single_outcome(void *arg, const struct ingest_outcome *o)
{
  struct single *s = arg;
  s->done = true;
  s->status = o->status;
  snprintf(s->case_id, sizeof s->case_id, "%s", o->case_id);
  if (o->error != NULL) {
    s->error = json_deep_copy(o->error);
    s->http_status = o->http_status;
  }
}

void handle_case_post(struct request *r)
{
  if (req_only_params(r, no_params) != 0)
    return;
  size_t len;
  const char *body = req_body(r, &len);
  struct single s = {0};
  const struct rule_pack *pack = rules_current();
  struct ingest *g = ingest_new(req_principal(r), pack ? pack->id : NULL, 1, (size_t)-1, single_outcome, &s);
  if (g == NULL || ingest_add(g, 1, body, len) != 0) {
    reply_error(r, ERR_INTERNAL, "out of memory");
    goto out;
  }
  if (!s.done) {
    struct db_conn *c = req_db(r);
    if (c == NULL)
      goto out; /* replied 503 */
    ingest_flush(g, c, DB_OK);
  }
  if (s.status == ING_REJECTED) {
    reply_json(r, s.http_status, s.error);
    s.error = NULL;
    if (s.http_status == 503)
      reply_header(r, "Retry-After", "1");
    goto out;
  }
  if (s.status != ING_UNCHANGED)
    metrics_cases_ingested(1);
  json_t *summary = NULL;
  enum db_status st = db_case_summary(req_db(r), s.case_id, &summary);
  if (st != DB_OK) {
    reply_db_error(r, st);
    goto out;
  }
  if (s.status == ING_UNCHANGED)
    json_object_set_new(summary, "unchanged", json_true());
  json_object_set_new(summary, "status", json_string(ingest_status_name(s.status)));
  reply_json(r, s.status == ING_CREATED ? 201 : 200, summary);
out:
  json_decref(s.error);
  ingest_free(g);
}

/* ---- POST /api/v1/cases/bulk ---- */

#define BULK_MAX_RESULTS 10000
#define BULK_BATCH_BYTES (4u << 20)

enum results_mode { RESULTS_ERRORS, RESULTS_ALL, RESULTS_NONE };

struct bulk {
  struct request *r;
  struct ndjson nd;
  struct ingest *g;
  enum results_mode mode;
  size_t accepted, unchanged, rejected;
  json_t *results;
  bool truncated;
};

static void bulk_free(void *arg)
{
  struct bulk *b = arg;
  ndjson_free(&b->nd);
  ingest_free(b->g);
  json_decref(b->results);
  free(b);
}

static void bulk_outcome(void *arg, const struct ingest_outcome *o)
{
  struct bulk *b = arg;
  if (o->status == ING_CREATED || o->status == ING_UPDATED)
    b->accepted++;
  else if (o->status == ING_UNCHANGED)
    b->unchanged++;
  else
    b->rejected++;
  bool listed = b->mode == RESULTS_ALL || (b->mode == RESULTS_ERRORS && o->status == ING_REJECTED);
  if (!listed)
    return;
  if (json_array_size(b->results) >= BULK_MAX_RESULTS) {
    b->truncated = true;
    return;
  }
  json_t *entry = json_pack("{s:I, s:s}", "line", (json_int_t)o->line, "status", ingest_status_name(o->status));
  if (o->case_id[0] != '\0')
    json_object_set_new(entry, "id", json_string(o->case_id));
  if (o->error != NULL)
    json_object_set(entry, "error", json_object_get(o->error, "error"));
  json_array_append_new(b->results, entry);
}

/* Each batch takes a pool connection only for its own transaction: a slow upload never pins one. */
static int bulk_flush(struct bulk *b)
{
  enum db_status why = DB_OK;
  struct db_conn *c = db_pool_acquire(app_config()->db_acquire_timeout_ms, &why);
  size_t before = b->accepted;
  ingest_flush(b->g, c, why == DB_RETRY ? DB_UNAVAILABLE : why);
  db_pool_release(c);
  metrics_cases_ingested((unsigned)(b->accepted - before));
  return 0;
}

static int bulk_line(void *arg, size_t line_no, const char *data, size_t len)
{
  struct bulk *b = arg;
  if (ingest_add(b->g, line_no, data, len) != 0)
    return -1;
  if (ingest_full(b->g))
    return bulk_flush(b);
  return 0;
}

static int bulk_overlong(void *arg, size_t line_no, size_t len)
{
  struct bulk *b = arg;
  char msg[200];
  snprintf(msg, sizeof msg, "line %zu is %zu bytes long; the limit is %ld (bulk_line_max_bytes)", line_no, len,
           app_config()->bulk_line_max_bytes);
  json_t *body = err_body(ERR_BODY_TOO_LARGE, msg, NULL);
  struct ingest_outcome o = {.line = line_no, .status = ING_REJECTED, .case_id = "", .error = body};
  bulk_outcome(b, &o);
  json_decref(body);
  return 0;
}

static struct bulk *bulk_begin(struct request *r)
{
  static const char *const params[] = {"results", NULL};
  if (req_only_params(r, params) != 0)
    return NULL;
  enum results_mode mode = RESULTS_ERRORS;
  const char *results = req_query(r, "results");
  if (results != NULL) {
    if (strcmp(results, "errors") == 0)
      mode = RESULTS_ERRORS;
    else if (strcmp(results, "all") == 0)
      mode = RESULTS_ALL;
    else if (strcmp(results, "none") == 0)
      mode = RESULTS_NONE;
    else {
      reply_error_details(r, ERR_INVALID_PARAMETER,
                          json_pack("[{s:s, s:s}]", "path", "results", "message", "must be errors, all or none"),
                          "results must be errors, all or none");
      return NULL;
    }
  }
  struct bulk *b = calloc(1, sizeof *b);
  if (b == NULL)
    return NULL;
  const struct config *cfg = app_config();
  b->r = r;
  b->mode = mode;
  b->results = json_array();
  const struct rule_pack *pack = rules_current();
  b->g = ingest_new(req_principal(r), pack ? pack->id : NULL, (size_t)cfg->bulk_batch_size, BULK_BATCH_BYTES,
                    bulk_outcome, b);
  ndjson_init(&b->nd, (size_t)cfg->bulk_line_max_bytes, bulk_line, bulk_overlong, b);
  if (b->g == NULL || b->results == NULL) {
    bulk_free(b);
    return NULL;
  }
  req_set_state(r, b, bulk_free);
  return b;
}

int bulk_chunk(struct request *r, const char *data, size_t len)
{
  struct bulk *b = req_state(r);
  if (b == NULL && (b = bulk_begin(r)) == NULL) {
    if (!req_replied(r))
      reply_error(r, ERR_INTERNAL, "out of memory");
    return -1;
  }
  if (data == NULL)
    return 0; /* end of body: handle_bulk_post finishes */
  if (ndjson_feed(&b->nd, data, len) != 0) {
    reply_error(r, ERR_INTERNAL, "out of memory");
    return -1;
  }
  return 0;
}

static int by_line(const void *a, const void *b)
{
  json_int_t la = json_integer_value(json_object_get(*(json_t *const *)a, "line"));
  json_int_t lb = json_integer_value(json_object_get(*(json_t *const *)b, "line"));
  return (la > lb) - (la < lb);
}

/* Refused records are reported as they are read, stored ones after their batch commits: sort by line. */
static void sort_results(json_t *results)
{
  size_t n = json_array_size(results);
  json_t **items = malloc(n * sizeof *items);
  if (items == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    items[i] = json_incref(json_array_get(results, i));
  qsort(items, n, sizeof *items, by_line);
  json_array_clear(results);
  for (size_t i = 0; i < n; i++)
    json_array_append_new(results, items[i]);
  free(items);
}

void handle_bulk_post(struct request *r)
{
  struct bulk *b = req_state(r);
  if (b == NULL)
    return; /* bulk_chunk replied */
  if (ndjson_finish(&b->nd) != 0) {
    reply_error(r, ERR_INTERNAL, "out of memory");
    return;
  }
  bulk_flush(b);
  sort_results(b->results);
  json_t *reply = json_pack("{s:I, s:I, s:I, s:O}", "accepted", (json_int_t)b->accepted, "unchanged",
                            (json_int_t)b->unchanged, "rejected", (json_int_t)b->rejected, "results", b->results);
  if (b->truncated)
    json_object_set_new(reply, "results_truncated", json_true());
  reply_json(r, 200, reply);
}

/* ---- GET /api/v1/cases/{id} ---- */

static bool is_uuid(const char *s)
{
  if (strlen(s) != 36)
    return false;
  for (int i = 0; i < 36; i++) {
    char ch = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (ch != '-')
        return false;
    } else if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'))) {
      return false;
    }
  }
  return true;
}

void handle_case_get(struct request *r)
{
  static const char *const params[] = {"standard", NULL};
  if (req_only_params(r, params) != 0)
    return;
  const char *id = req_param(r, 0), *standard = req_query(r, "standard");
  if (!is_uuid(id)) {
    reply_error(r, ERR_NOT_FOUND, "no case %s (case ids are UUIDs)", id);
    return;
  }
  const struct rule_pack *pack = req_pack(r);
  if (pack == NULL)
    return;
  if (standard != NULL && json_object_get(json_object_get(pack->body, "standards"), standard) == NULL) {
    reply_error_details(r, ERR_INVALID_PARAMETER,
                        json_pack("[{s:s, s:s}]", "path", "standard", "message",
                                  "not a standard of the rule pack in force (GET /api/v1/standards)"),
                        "unknown standard '%s'", standard);
    return;
  }
  struct db_conn *c = req_db(r);
  if (c == NULL)
    return;
  json_t *kase = NULL, *scored = NULL;
  char *agency = NULL;
  enum db_status st = db_case_get(c, id, &kase, &agency);
  if (st == DB_NO_ROW) {
    reply_error(r, ERR_NOT_FOUND, "no case %s", id);
    goto out;
  } else if (st != DB_OK) {
    reply_db_error(r, st);
    goto out;
  } else if (!principal_may_agency(req_principal(r), agency)) {
    /* Not 403: a reviewer of another agency learns nothing, not even that the case exists. */
    reply_error(r, ERR_NOT_FOUND, "no case %s", id);
    goto out;
  }
  /* The score by section under the standard asked for, else the agency's (whose score and grade are stored). */
  const char *sid = standard ? standard : standards_for_agency(pack->body, agency);
  st = db_case_standard(c, pack->id, sid, id, &scored);
  if (st != DB_OK) {
    reply_db_error(r, st);
    goto out;
  }
  json_object_set_new(kase, "standard", json_string(sid));
  json_object_set(kase, "sections", json_object_get(scored, "sections"));
  if (standard != NULL) {
    json_object_set(kase, "score", json_object_get(scored, "score"));
    json_object_set(kase, "grade", json_object_get(scored, "grade"));
  }
  if (!may_see_personal(req_principal(r), agency))
    mask_record(json_object_get(kase, "record"));
  reply_json(r, 200, kase);
  kase = NULL;
out:
  json_decref(scored);
  json_decref(kase);
  free(agency);
}

/* ---- GET /api/v1/cases ---- */

static const char *const case_columns[] = {"id",       "agency",     "agency_name", "case_no",  "category", "procedure",
                                           "sector",   "party_name", "filed_on", "decided_on", "closed_on",
                                           "version",  "score",      "grade",    "open_findings", NULL};

struct case_source {
  struct case_filter f;
  struct db_conn *db;
  bool owns_db; /* a CSV stream holds its own connection; a JSON page borrows the request's */
  char limit[16]; /* the page size: lives as long as the source (a CSV stream outlives the handler) */
  char after_id[40], after_score[16];
  char *scope, *q;
  json_t *rows;            /* CSV: the rows as objects */
  struct json_page *page;  /* JSON: the rows as text */
};

static void case_row(void *arg, const char *json, const char *id, const char *score)
{
  struct case_source *s = arg;
  if (s->page != NULL && !json_page_add(s->page, json))
    return; /* the row after the page: the cursor stays on the page's last row */
  if (s->page == NULL) {
    json_error_t jerr;
    json_array_append_new(s->rows, json_loads(json, 0, &jerr));
  }
  snprintf(s->after_id, sizeof s->after_id, "%s", id);
  snprintf(s->after_score, sizeof s->after_score, "%s", score);
}

static int case_fetch(void *arg, json_t *rows)
{
  struct case_source *s = arg;
  s->rows = rows;
  size_t before = json_array_size(rows);
  if (s->after_id[0] != '\0') {
    s->f.after_id = s->after_id;
    s->f.after_score = s->after_score;
  }
  if (db_case_list(s->db, &s->f, case_row, s) != DB_OK)
    return -1;
  return (int)(json_array_size(rows) - before);
}

static void case_source_free(void *arg)
{
  struct case_source *s = arg;
  if (s->owns_db)
    db_pool_release(s->db);
  free(s->scope);
  free(s->q);
  free(s);
}

void handle_case_list(struct request *r)
{
  static const char *const params[] = {"agency",   "flagged", "grade", "rule",   "system", "severity", "filed_from",
                                       "filed_to", "q",       "sort",  "limit",  "cursor", "count",    "format",
                                       NULL};
  static const char *const grades[] = {"excellent", "good", "pass", "fail", NULL};
  static const char *const systems[] = {"publicity", "recording", "review", "documents", "archive", NULL};
  static const char *const severities[] = {"error", "warning", NULL};
  static const char *const sorts[] = {"id", "score", NULL};
  struct case_source *s = calloc(1, sizeof *s);
  json_t *pos = NULL;
  char limit[8];
  const char *q = NULL, *sort = NULL;
  bool csv = false, count = false;
  if (s == NULL) {
    reply_error(r, ERR_INTERNAL, "out of memory");
    return;
  }
  struct case_filter *f = &s->f;
  if (req_only_params(r, params) != 0 || param_agency(r, "agency", &f->agency) != 0 ||
      param_bool(r, "flagged", &f->flagged) != 0 || param_enum(r, "grade", grades, &f->grade) != 0 ||
      param_rule(r, "rule", &f->rule) != 0 || param_enum(r, "system", systems, &f->system) != 0 ||
      param_enum(r, "severity", severities, &f->severity) != 0 || param_date(r, "filed_from", &f->filed_from) != 0 ||
      param_date(r, "filed_to", &f->filed_to) != 0 || param_text(r, "q", 200, &q) != 0 ||
      param_enum(r, "sort", sorts, &sort) != 0 || param_limit(r, limit) != 0 || param_count(r, &count) != 0 ||
      listing_wants_csv(r, &csv) != 0 || param_scope(r, f->agency, &s->scope) != 0)
    goto out;
  f->scope = s->scope;
  f->by_score = sort != NULL && strcmp(sort, "score") == 0;
  if (q != NULL)
    f->q = s->q = like_escape(q);
  char scope[2048];
  snprintf(scope, sizeof scope, "cases\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d",
           f->scope ? f->scope : "", f->agency ? f->agency : "", f->flagged ? f->flagged : "",
           f->grade ? f->grade : "", f->rule ? f->rule : "", f->system ? f->system : "",
           f->severity ? f->severity : "", f->filed_from ? f->filed_from : "", f->filed_to ? f->filed_to : "",
           q ? q : "", f->by_score);
  if (listing_cursor(r, scope, &pos) != 0)
    goto out;
  if (pos != NULL) {
    snprintf(s->after_id, sizeof s->after_id, "%s", json_string_value(json_object_get(pos, "id")));
    snprintf(s->after_score, sizeof s->after_score, "%lld", (long long)json_integer_value(json_object_get(pos, "score")));
  }
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
    listing_stream_csv(r, case_columns, case_fetch, s, case_source_free);
    s = NULL;
    goto out;
  }
  struct db_conn *c = req_db(r);
  if (c == NULL)
    goto out;
  s->db = c;
  struct json_page page = {.want = atoi(limit)};
  char plus_one[16];
  snprintf(plus_one, sizeof plus_one, "%d", page.want + 1);
  f->limit = plus_one;
  s->page = &page;
  if (s->after_id[0] != '\0') {
    f->after_id = s->after_id;
    f->after_score = s->after_score;
  }
  enum db_status st = db_case_list(c, f, case_row, s);
  long long total = -1;
  if (st == DB_OK && count)
    st = db_case_count(c, f, &total);
  if (st != DB_OK) {
    buf_free(&page.out);
    reply_db_error(r, st);
    goto out;
  }
  json_t *last = json_pack("{s:s, s:I}", "id", s->after_id, "score", (json_int_t)atoll(s->after_score));
  json_page_reply(r, &page, last, scope, total);
  json_decref(last);
out:
  if (s != NULL)
    case_source_free(s);
  json_decref(pos);
}
