/* POST /api/v1/audits runs the same audit as `caseaudit audit` (audit.c) on a thread of its own with its own
 * database connection (an audit takes minutes: it must not hold a pool connection); the scope lock is shared with
 * the CLI, so a second audit of the scope gets 409 wherever it was started. */
#include "http_audits.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "audit.h"
#include "log.h"
#include "params.h"
#include "validate.h"

struct audit_job {
  struct db_conn *db;
  char *agency;
  struct rule_pack *pack_copy; /* the pack in force when the audit started */
  struct audit_report rep;
};

static void *audit_thread(void *arg)
{
  struct audit_job *j = arg;
  char err[1024];
  log_set_request_id("audit");
  enum audit_result ar = audit_execute(&j->db, 1, j->agency, j->pack_copy, AUDIT_CHUNK_DEFAULT, &j->rep, NULL, NULL, err, sizeof err);
  if (ar == AUDIT_DONE)
    log_info("audit run %lld completed: %lld cases in %.1fs, %lld opened, %lld resolved", j->rep.run_id, j->rep.done,
             j->rep.seconds, j->rep.counts.opened, j->rep.counts.resolved);
  else
    log_error("audit run %lld failed: %s", j->rep.run_id, err);
  db_close(j->db);
  free(j->agency);
  rules_free(j->pack_copy);
  free(j);
  return NULL;
}

static const struct vspec audit_members[] = {
  {.name = "agency", .kind = VK_STRING, .min = 1, .max = 64},
  {.name = "as_of", .kind = VK_DATE},
  {.name = NULL},
};
static const struct vspec audit_spec = {.kind = VK_OBJECT, .flags = V_REQUIRED, .members = audit_members};

static struct rule_pack *copy_pack(const struct rule_pack *p)
{
  struct rule_pack *c = calloc(1, sizeof *c);
  if (c == NULL)
    return NULL;
  memcpy(c->id, p->id, sizeof c->id);
  c->version = strdup(p->version);
  c->body = json_incref(p->body);
  c->nrules = p->nrules;
  return c;
}

void handle_audit_post(struct request *r)
{
  static const char *const params[] = {NULL};
  if (req_only_params(r, params) != 0)
    return;
  json_t *in = req_json_body(r, &audit_spec, true);
  struct audit_job *j = NULL;
  if (in == NULL)
    return;
  const struct rule_pack *pack = req_pack(r);
  if (pack == NULL)
    goto out;
  const struct config *cfg = app_config();
  char err[1024];
  j = calloc(1, sizeof *j);
  if (j == NULL || (j->pack_copy = copy_pack(pack)) == NULL) {
    reply_error(r, ERR_INTERNAL, "out of memory");
    goto out;
  }
  const char *agency = json_string_value(json_object_get(in, "agency"));
  j->agency = agency ? strdup(agency) : NULL;
  j->db = db_connect(cfg->db, "caseauditd audit", cfg->timezone, cfg->db_connect_timeout_s, 0, err, sizeof err);
  if (j->db == NULL) {
    reply_error(r, ERR_DB_UNAVAILABLE, NULL);
    goto out;
  }
  char host[256] = "?", holder[512];
  gethostname(host, sizeof host);
  snprintf(holder, sizeof holder, "caseauditd on %s pid %d (token %s)", host, (int)getpid(), req_principal(r)->name);
  enum audit_result ar = audit_begin(j->db, j->agency, json_string_value(json_object_get(in, "as_of")), false,
                                     j->pack_copy, holder, &j->rep, err, sizeof err);
  if (ar == AUDIT_BUSY) {
    reply_error(r, ERR_CONFLICT, "%s", err);
    goto out;
  }
  if (ar != AUDIT_DONE) {
    reply_error(r, ERR_DB_UNAVAILABLE, "%s", err);
    goto out;
  }
  long long id = j->rep.run_id;
  char as_of[16];
  snprintf(as_of, sizeof as_of, "%s", j->rep.as_of);
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (pthread_create(&t, &attr, audit_thread, j) != 0) {
    pthread_attr_destroy(&attr);
    reply_error(r, ERR_INTERNAL, "cannot start the audit thread");
    goto out;
  }
  pthread_attr_destroy(&attr);
  j = NULL; /* the thread owns it */
  reply_json(r, 202, json_pack("{s:I, s:s, s:s?, s:s}", "id", (json_int_t)id, "status", "running", "agency", agency,
                               "as_of", as_of));
out:
  if (j != NULL) {
    db_close(j->db);
    free(j->agency);
    rules_free(j->pack_copy);
    free(j);
  }
  json_decref(in);
}

void handle_audit_list(struct request *r)
{
  static const char *const params[] = {NULL};
  if (req_only_params(r, params) != 0)
    return;
  struct db_conn *c = req_db(r);
  if (c == NULL)
    return;
  json_t *runs = NULL;
  enum db_status st = db_audit_list(c, &runs);
  if (st != DB_OK) {
    reply_db_error(r, st);
    return;
  }
  reply_json(r, 200, json_pack("{s:o, s:n}", "items", runs, "next_cursor"));
}

void handle_audit_get(struct request *r)
{
  static const char *const params[] = {NULL};
  if (req_only_params(r, params) != 0)
    return;
  const char *id = req_param(r, 0);
  bool digits = id[0] != '\0' && strlen(id) <= 18;
  for (const char *p = id; digits && *p; p++)
    digits = *p >= '0' && *p <= '9';
  if (!digits) {
    reply_error(r, ERR_NOT_FOUND, "no audit run %s", id);
    return;
  }
  struct db_conn *c = req_db(r);
  if (c == NULL)
    return;
  json_t *run = NULL;
  enum db_status st = db_audit_get(c, id, &run);
  if (st == DB_NO_ROW)
    reply_error(r, ERR_NOT_FOUND, "no audit run %s", id);
  else if (st != DB_OK)
    reply_db_error(r, st);
  else
    reply_json(r, 200, run);
}
