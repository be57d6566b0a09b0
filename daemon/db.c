/* Connections, the connection pool and the transaction runner: how caseaudit talks to PostgreSQL. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_internal.h"
#include "log.h"

static void notice_to_log(void *arg, const char *message)
{
  (void)arg;
  log_debug("postgres: %s", message);
}

struct db_conn *db_connect(const char *conninfo, const char *application_name, const char *timezone,
                           long connect_timeout_s, long statement_timeout_ms, char *err, size_t errlen)
{
  char timeout[32], stmt_timeout[32];
  snprintf(timeout, sizeof timeout, "%ld", connect_timeout_s);
  snprintf(stmt_timeout, sizeof stmt_timeout, "%ld", statement_timeout_ms);
  /* dbname is expanded as a full conninfo first; the keywords after it fill what it leaves unset. */
  const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
  const char *vals[] = {conninfo, timeout, application_name, NULL};
  struct db_conn *c = NULL;
  PGresult *res = NULL;

  PGconn *pg = PQconnectdbParams(keys, vals, 1);
  if (pg == NULL) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  if (PQstatus(pg) != CONNECTION_OK) {
    snprintf(err, errlen, "%s", PQerrorMessage(pg));
    size_t n = strlen(err);
    while (n > 0 && err[n - 1] == '\n')
      err[--n] = '\0';
    goto fail;
  }
  PQsetNoticeProcessor(pg, notice_to_log, NULL);
  const char *params[] = {timezone, stmt_timeout};
  res = PQexecParams(pg,
                     "SELECT set_config('TimeZone', $1, false), "
                     "set_config('statement_timeout', $2, false), set_config('DateStyle', 'ISO, YMD', false)",
                     2, NULL, params, NULL, NULL, 0);
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    snprintf(err, errlen, "session setup: %s", PQresultErrorMessage(res));
    goto fail;
  }
  PQclear(res);
  c = calloc(1, sizeof *c);
  if (c == NULL) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  c->pg = pg;
  c->slot = -1;
  return c;
fail:
  PQclear(res);
  PQfinish(pg);
  return NULL;
}

void db_close(struct db_conn *c)
{
  if (c == NULL)
    return;
  PQfinish(c->pg);
  free(c);
}

bool db_conn_ok(struct db_conn *c) { return c != NULL && !c->broken && PQstatus(c->pg) == CONNECTION_OK; }

enum db_status db_classify(struct db_conn *c, const PGresult *res)
{
  if (PQstatus(c->pg) != CONNECTION_OK) {
    c->broken = true;
    return DB_UNAVAILABLE;
  }
  const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
  if (state == NULL)
    return DB_HARD_ERROR;
  if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
    return DB_RETRY;
  /* Class 08 (connection exception), 57P01..57P03 (admin shutdown, crash shutdown, cannot connect now). */
  if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0) {
    c->broken = true;
    return DB_UNAVAILABLE;
  }
  return DB_HARD_ERROR;
}

/* text: a statement of db_sql.c, or a variant of one (db_sql_variant). */
static bool prepare(struct db_conn *c, const char *name, const char *text, enum db_status *st)
{
  PGresult *prep = PQprepare(c->pg, name, text, 0, NULL);
  if (PQresultStatus(prep) != PGRES_COMMAND_OK) {
    *st = db_classify(c, prep);
    log_error("prepare %s: %s", name, PQresultErrorMessage(prep));
    PQclear(prep);
    return false;
  }
  PQclear(prep);
  return true;
}

/* The name of the variant of a by_filters statement for the NULL parameters of this call, prepared on c if it is
 * not yet; NULL on failure. When c holds DB_VARIANTS_MAX variants already, every prepared statement of c is
 * dropped first (they are prepared again as they are used). */
static const char *prepare_variant(struct db_conn *c, enum stmt_id id, int nparams, const char *const *params,
                                   char name[64], enum db_status *st)
{
  const struct db_stmt *s = &db_statements[id];
  unsigned long mask = 0;
  for (int i = 0; i < nparams && i < (int)(8 * sizeof mask); i++)
    if (params[i] == NULL)
      mask |= 1ul << i;
  snprintf(name, 64, "%s_%lx", s->name, mask);
  for (int i = 0; i < c->nvariants; i++)
    if (c->variants[i].id == id && c->variants[i].mask == mask)
      return name;
  if (c->nvariants == DB_VARIANTS_MAX) {
    PGresult *res = PQexec(c->pg, "DEALLOCATE ALL");
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok) {
      *st = db_classify(c, res);
      log_error("DEALLOCATE ALL: %s", PQresultErrorMessage(res));
    }
    PQclear(res);
    if (!ok)
      return NULL;
    memset(c->prepared, 0, sizeof c->prepared);
    c->nvariants = 0;
  }
  char *text = db_sql_variant_new(s, mask);
  if (text == NULL) {
    *st = DB_HARD_ERROR;
    log_error("prepare %s: out of memory", name);
    return NULL;
  }
  bool ok = prepare(c, name, text, st);
  free(text);
  if (!ok)
    return NULL;
  c->variants[c->nvariants].id = id;
  c->variants[c->nvariants].mask = mask;
  c->nvariants++;
  return name;
}

PGresult *db_exec(struct db_conn *c, enum stmt_id id, int nparams, const char *const *params, enum db_status *st)
{
  const struct db_stmt *s = &db_statements[id];
  if (c->broken) {
    *st = DB_UNAVAILABLE;
    return NULL;
  }
  char variant[64];
  const char *name = s->name;
  if (db_statement_by_filters[id]) {
    if ((name = prepare_variant(c, id, nparams, params, variant, st)) == NULL)
      return NULL;
  } else if (!c->prepared[id]) {
    if (!prepare(c, s->name, s->sql, st))
      return NULL;
    c->prepared[id] = true;
  }
  PGresult *res = PQexecPrepared(c->pg, name, nparams, params, NULL, NULL, 0);
  ExecStatusType rs = PQresultStatus(res);
  if (rs == PGRES_TUPLES_OK || rs == PGRES_COMMAND_OK) {
    *st = (rs == PGRES_TUPLES_OK && PQntuples(res) == 0) ? DB_NO_ROW : DB_OK;
    return res;
  }
  *st = db_classify(c, res);
  const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  snprintf(c->last_sqlstate, sizeof c->last_sqlstate, "%s", state ? state : "");
  snprintf(c->last_error, sizeof c->last_error, "%s", primary ? primary : PQerrorMessage(c->pg));
  if (state != NULL && strncmp(state, "CA", 2) == 0)
    log_debug("%s: %s", s->name, c->last_error);
  else if (*st == DB_HARD_ERROR)
    log_error("%s: %s", s->name, PQresultErrorMessage(res));
  else
    log_warn("%s: %s", s->name, res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg));
  PQclear(res);
  return NULL;
}

enum db_status db_exec_json(struct db_conn *c, enum stmt_id id, int n, const char *const *p, json_t **out)
{
  enum db_status st;
  *out = NULL;
  PGresult *res = db_exec(c, id, n, p, &st);
  if (res == NULL || st != DB_OK) {
    PQclear(res);
    return st;
  }
  json_error_t jerr;
  *out = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
  PQclear(res);
  return *out ? DB_OK : DB_HARD_ERROR;
}

/* BEGIN, COMMIT and ROLLBACK carry no data, so they go through PQexec rather than the statement table. */
static enum db_status simple(struct db_conn *c, const char *command)
{
  PGresult *res = PQexec(c->pg, command);
  enum db_status st = PQresultStatus(res) == PGRES_COMMAND_OK ? DB_OK : db_classify(c, res);
  if (st != DB_OK)
    log_warn("%s: %s", command, res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg));
  PQclear(res);
  return st;
}

enum db_status db_transact(struct db_conn *c, enum db_status (*fn)(struct db_conn *c, void *arg), void *arg,
                           int max_tries)
{
  enum db_status st = DB_RETRY;
  for (int attempt = 0; attempt < max_tries && st == DB_RETRY; attempt++) {
    if (c->broken)
      return DB_UNAVAILABLE;
    st = simple(c, "BEGIN");
    if (st != DB_OK)
      return st;
    st = fn(c, arg);
    if (st == DB_OK || st == DB_NO_ROW) {
      enum db_status cst = simple(c, "COMMIT");
      if (cst != DB_OK)
        st = cst;
    } else if (!c->broken) {
      simple(c, "ROLLBACK");
    }
    if (st == DB_RETRY)
      log_info("transaction retried after a serialization failure or deadlock (attempt %d)", attempt + 1);
  }
  return st;
}

/* ---- the pool ---- */

static struct {
  pthread_mutex_t lock;
  pthread_cond_t freed;
  char *conninfo;
  char *timezone;
  long connect_timeout_s, statement_timeout_ms;
  int size;
  struct db_conn **conns; /* one per slot, NULL until first used */
  bool *busy;
  int in_use;
  unsigned generation;     /* bumped when a broken connection is found: every older connection is replaced */
  struct timespec down_until; /* after a failed connect, fail fast until then */
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER, .freed = PTHREAD_COND_INITIALIZER};

int db_pool_init(const char *conninfo, int size, const char *timezone, long connect_timeout_s,
                 long statement_timeout_ms)
{
  pool.conninfo = strdup(conninfo);
  pool.timezone = strdup(timezone);
  pool.connect_timeout_s = connect_timeout_s;
  pool.statement_timeout_ms = statement_timeout_ms;
  pool.size = size;
  pool.conns = calloc((size_t)size, sizeof *pool.conns);
  pool.busy = calloc((size_t)size, sizeof *pool.busy);
  if (!pool.conninfo || !pool.timezone || !pool.conns || !pool.busy)
    return -1;
  return 0;
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
  return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

struct db_conn *db_pool_acquire(long timeout_ms, enum db_status *why)
{
  struct timespec now, deadline;
  clock_gettime(CLOCK_REALTIME, &now);
  deadline = now;
  deadline.tv_sec += timeout_ms / 1000;
  deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
  if (deadline.tv_nsec >= 1000000000L) {
    deadline.tv_sec++;
    deadline.tv_nsec -= 1000000000L;
  }

  pthread_mutex_lock(&pool.lock);
  int slot = -1;
  for (;;) {
    for (int i = 0; i < pool.size; i++)
      if (!pool.busy[i]) {
        slot = i;
        break;
      }
    if (slot >= 0)
      break;
    if (pthread_cond_timedwait(&pool.freed, &pool.lock, &deadline) == ETIMEDOUT) {
      pthread_mutex_unlock(&pool.lock);
      *why = DB_RETRY;
      return NULL;
    }
  }
  pool.busy[slot] = true;
  pool.in_use++;
  struct db_conn *c = pool.conns[slot];
  unsigned generation = pool.generation;
  bool down = ts_before(&now, &pool.down_until);
  pool.conns[slot] = NULL;
  pthread_mutex_unlock(&pool.lock);

  if (c != NULL && (c->broken || c->generation != generation || PQstatus(c->pg) != CONNECTION_OK)) {
    db_close(c);
    c = NULL;
  }
  if (c == NULL && !down) {
    char err[512];
    c = db_connect(pool.conninfo, "caseauditd", pool.timezone, pool.connect_timeout_s, pool.statement_timeout_ms,
                   err, sizeof err);
    if (c == NULL) {
      log_warn("database connection failed: %s", err);
      pthread_mutex_lock(&pool.lock);
      clock_gettime(CLOCK_REALTIME, &pool.down_until);
      pool.down_until.tv_sec += 1;
      pthread_mutex_unlock(&pool.lock);
    } else {
      c->generation = generation;
    }
  }
  if (c == NULL) {
    pthread_mutex_lock(&pool.lock);
    pool.busy[slot] = false;
    pool.in_use--;
    pthread_cond_signal(&pool.freed);
    pthread_mutex_unlock(&pool.lock);
    *why = DB_UNAVAILABLE;
    return NULL;
  }
  c->slot = slot;
  *why = DB_OK;
  return c;
}

void db_pool_release(struct db_conn *c)
{
  if (c == NULL)
    return;
  if (!c->broken && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
    log_error("a connection came back to the pool inside a transaction: rolled back (this is a bug)");
    PGresult *res = PQexec(c->pg, "ROLLBACK");
    PQclear(res);
  }
  pthread_mutex_lock(&pool.lock);
  if (c->broken && c->generation == pool.generation)
    pool.generation++; /* the server probably restarted: replace every connection made before now */
  int slot = c->slot;
  pool.conns[slot] = c;
  pool.busy[slot] = false;
  pool.in_use--;
  pthread_cond_signal(&pool.freed);
  pthread_mutex_unlock(&pool.lock);
}

void db_pool_usage(int *in_use, int *size)
{
  pthread_mutex_lock(&pool.lock);
  *in_use = pool.in_use;
  *size = pool.size;
  pthread_mutex_unlock(&pool.lock);
}

void db_pool_shutdown(void)
{
  for (int i = 0; i < pool.size; i++)
    db_close(pool.conns[i]);
  free(pool.conns);
  free(pool.busy);
  free(pool.conninfo);
  free(pool.timezone);
  pool.conns = NULL;
  pool.busy = NULL;
  pool.conninfo = pool.timezone = NULL;
  pool.size = 0;
}

/* ---- schema version ---- */

enum db_status db_schema_version(struct db_conn *c, int *version)
{
  *version = 0;
  /* Before the first migration there is no schema_migrations table: that is version 0, not an error. */
  PGresult *probe = PQexec(c->pg, "SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (PQresultStatus(probe) != PGRES_TUPLES_OK) {
    enum db_status st = db_classify(c, probe);
    PQclear(probe);
    return st;
  }
  bool exists = PQgetvalue(probe, 0, 0)[0] == 't';
  PQclear(probe);
  if (!exists)
    return DB_OK;
  enum db_status st;
  PGresult *res = db_exec(c, STMT_SCHEMA_VERSION, 0, NULL, &st);
  if (res == NULL)
    return st;
  *version = atoi(PQgetvalue(res, 0, 0));
  PQclear(res);
  return DB_OK;
}
