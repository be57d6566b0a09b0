/* Batch audits: chunks of case ids in id order, each evaluated by ca_audit_chunk in its own transaction, so that
 * ingest and queries go on meanwhile and an interrupted run leaves consistent data. With several connections
 * (caseaudit audit --jobs N) the chunks are handed out in order to one thread per connection: chunks touch
 * disjoint cases, so they never wait for each other. */
#include "audit.h"

#include <pthread.h>
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

enum audit_result audit_begin(struct db_conn *c, const char *agency, const char *as_of, bool full,
                              const struct rule_pack *p, const char *holder, struct audit_report *rep, char *err,
                              size_t errlen)
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
  if (full && db_audit_forget(c, agency) != DB_OK) {
    snprintf(err, errlen, "cannot prepare the full audit: the database is unavailable");
    db_audit_unlock(c, agency);
    return AUDIT_FAILED;
  }
  if (db_audit_start(c, agency, as_of, p->id, p->version, holder, &rep->run_id, &rep->total, rep->as_of,
                     sizeof rep->as_of) != DB_OK) {
    snprintf(err, errlen, "cannot record the audit run");
    db_audit_unlock(c, agency);
    return AUDIT_FAILED;
  }
  return AUDIT_DONE;
}

/* The chunks of one run, handed out in id order to the run's connections (one thread each). */
struct audit_work {
  pthread_mutex_t mu;
  struct db_conn *const *conns;
  const char *agency;
  const struct rule_pack *pack;
  int chunk;
  struct audit_report *rep;
  void (*progress)(void *arg, const struct audit_report *r);
  void *progress_arg;
  double start;
  char last[40];   /* the highest id handed out so far */
  bool stop;       /* no more chunks, or a chunk failed */
  bool failed;
  char *err;
  size_t errlen;
};

struct audit_worker {
  struct audit_work *w;
  struct db_conn *c;
};

static void fail_locked(struct audit_work *w, const char *why)
{
  if (!w->failed) /* the first failure is the one reported */
    snprintf(w->err, w->errlen, "%s", why);
  w->failed = true;
  w->stop = true;
}

static void *audit_worker_run(void *arg)
{
  struct audit_worker *me = arg;
  struct audit_work *w = me->w;
  for (;;) {
    char *ids = NULL, first_after[40], next_last[40];
    int n = 0;
    pthread_mutex_lock(&w->mu);
    if (w->stop) {
      pthread_mutex_unlock(&w->mu);
      break;
    }
    if (db_audit_next_ids(me->c, w->agency, w->last[0] ? w->last : NULL, w->chunk, &ids, &n, next_last,
                          sizeof next_last) != DB_OK) {
      fail_locked(w, "reading the next cases failed (database unavailable?)");
      pthread_mutex_unlock(&w->mu);
      break;
    }
    if (n == 0) {
      w->stop = true;
      pthread_mutex_unlock(&w->mu);
      free(ids);
      break;
    }
    snprintf(first_after, sizeof first_after, "%s", w->last[0] ? w->last : "the first");
    snprintf(w->last, sizeof w->last, "%s", next_last);
    pthread_mutex_unlock(&w->mu);

    struct audit_counts k = {0};
    enum db_status st = db_audit_chunk(me->c, w->rep->run_id, w->pack->id, ids, w->rep->as_of, &k);
    free(ids);

    pthread_mutex_lock(&w->mu);
    if (st != DB_OK) {
      char why[160];
      snprintf(why, sizeof why, "evaluating the cases after %s failed: %s", first_after,
               st == DB_UNAVAILABLE ? "the database became unavailable" : "see the log");
      fail_locked(w, why);
      pthread_mutex_unlock(&w->mu);
      break;
    }
    struct audit_report *rep = w->rep;
    rep->done += n;
    rep->counts.opened += k.opened;
    rep->counts.resolved += k.resolved;
    rep->counts.reopened += k.reopened;
    rep->counts.changed += k.changed;
    rep->counts.unchanged += k.unchanged;
    rep->counts.drift_cases += k.drift_cases;
    rep->seconds = now_s() - w->start;
    if (w->progress != NULL)
      w->progress(w->progress_arg, rep);
    pthread_mutex_unlock(&w->mu);
  }
  return NULL;
}

enum audit_result audit_execute(struct db_conn *const *conns, int nconns, const char *agency,
                                const struct rule_pack *p, int chunk, struct audit_report *rep,
                                void (*progress)(void *arg, const struct audit_report *r), void *arg, char *err,
                                size_t errlen)
{
  struct audit_work w = {.conns = conns, .agency = agency, .pack = p,
                         .chunk = chunk > 0 ? chunk : AUDIT_CHUNK_DEFAULT, .rep = rep, .progress = progress,
                         .progress_arg = arg, .start = now_s(), .err = err, .errlen = errlen};
  pthread_mutex_init(&w.mu, NULL);
  if (nconns < 1)
    nconns = 1;
  struct audit_worker workers[AUDIT_JOBS_MAX];
  pthread_t threads[AUDIT_JOBS_MAX];
  bool started[AUDIT_JOBS_MAX] = {false};
  if (nconns > AUDIT_JOBS_MAX)
    nconns = AUDIT_JOBS_MAX;
  /* connections 1.. run in their own threads; connection 0 (the lock holder) works in this one */
  for (int i = 1; i < nconns; i++) {
    workers[i] = (struct audit_worker){.w = &w, .c = conns[i]};
    started[i] = pthread_create(&threads[i], NULL, audit_worker_run, &workers[i]) == 0;
  }
  workers[0] = (struct audit_worker){.w = &w, .c = conns[0]};
  audit_worker_run(&workers[0]);
  for (int i = 1; i < nconns; i++)
    if (started[i])
      pthread_join(threads[i], NULL);
  pthread_mutex_destroy(&w.mu);

  enum audit_result result = w.failed ? AUDIT_FAILED : AUDIT_DONE;
  rep->seconds = now_s() - w.start;
  struct db_conn *c = conns[0];
  if (db_conn_ok(c)) {
    db_audit_finish(c, rep->run_id, result == AUDIT_DONE ? "completed" : "failed", result == AUDIT_DONE ? NULL : err);
    db_audit_unlock(c, agency);
  }
  /* when the connection broke, the run stays "running": the next audit of the scope marks it interrupted */
  return result;
}
