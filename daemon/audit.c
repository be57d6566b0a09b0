/* Batch audits: chunks of case ids in id order, each evaluated by ca_audit_chunk in its own transaction, so that
 * ingest and queries go on meanwhile and an interrupted run leaves consistent data. */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum audit_result audit_begin(struct db_conn *c, const char *agency, const char *as_of, const struct rule_pack *p,
                              const char *holder, struct audit_report *rep, char *err, size_t errlen)
{
  memset(rep, 0, sizeof *rep);
  bool got = false;
  if (db_audit_lock(c, agency, &got) != DB_OK) {
    snprintf(err, errlen, "cannot take the audit lock: the database is unavailable");
    return AUDIT_FAILED;
  }
  if (!got) {
    char who[512];
    db_audit_holder(c, agency, who, sizeof who);
    snprintf(err, errlen, "an audit of %s is already running (%s)", agency ? agency : "every agency",
             who[0] ? who : "holder unknown");
    return AUDIT_BUSY;
  }
  if (db_audit_start(c, agency, as_of, p->id, p->version, holder, &rep->run_id, &rep->total, rep->as_of,
                     sizeof rep->as_of) != DB_OK) {
    snprintf(err, errlen, "cannot record the audit run");
    db_audit_unlock(c, agency);
    return AUDIT_FAILED;
  }
  return AUDIT_DONE;
}

enum audit_result audit_execute(struct db_conn *c, const char *agency, const struct rule_pack *p, int chunk,
                                struct audit_report *rep, void (*progress)(void *arg, const struct audit_report *r),
                                void *arg, char *err, size_t errlen)
{
  double start = now_s();
  char last[40] = "";
  enum audit_result result = AUDIT_DONE;
  for (;;) {
    char *ids = NULL;
    int n = 0;
    char next_last[40];
    if (db_audit_next_ids(c, agency, last[0] ? last : NULL, chunk > 0 ? chunk : AUDIT_CHUNK_DEFAULT, &ids, &n, next_last, sizeof next_last) !=
        DB_OK) {
      snprintf(err, errlen, "reading the next cases failed (database unavailable?)");
      result = AUDIT_FAILED;
      break;
    }
    if (n == 0) {
      free(ids);
      break;
    }
    struct audit_counts k = {0};
    enum db_status st = db_audit_chunk(c, rep->run_id, p->id, ids, rep->as_of, &k);
    free(ids);
    if (st != DB_OK) {
      snprintf(err, errlen, "evaluating the cases after %s failed: %s", last[0] ? last : "the first",
               st == DB_UNAVAILABLE ? "the database became unavailable" : "see the log");
      result = AUDIT_FAILED;
      break;
    }
    rep->done += n;
    rep->counts.opened += k.opened;
    rep->counts.resolved += k.resolved;
    rep->counts.reopened += k.reopened;
    rep->counts.changed += k.changed;
    rep->counts.unchanged += k.unchanged;
    rep->counts.drift_cases += k.drift_cases;
    rep->seconds = now_s() - start;
    snprintf(last, sizeof last, "%s", next_last);
    if (progress != NULL)
      progress(arg, rep);
  }
  rep->seconds = now_s() - start;
  if (db_conn_ok(c)) {
    db_audit_finish(c, rep->run_id, result == AUDIT_DONE ? "completed" : "failed", result == AUDIT_DONE ? NULL : err);
    db_audit_unlock(c, agency);
  }
  /* when the connection broke, the run stays "running": the next audit of the scope marks it interrupted */
  return result;
}
