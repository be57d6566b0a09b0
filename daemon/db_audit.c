/* Audit storage: one named statement per function; the evaluation itself is ca_audit_chunk (sql/0012). */
#include "db_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

enum db_status db_audit_lock(struct db_conn *c, const char *agency, bool *got)
{
  const char *p[] = {agency};
  enum db_status st;
  PGresult *res = db_exec(c, STMT_AUDIT_LOCK, 1, p, &st);
  if (res == NULL)
    return st;
  *got = PQgetvalue(res, 0, 0)[0] == 't';
  PQclear(res);
  return DB_OK;
}

enum db_status db_audit_unlock(struct db_conn *c, const char *agency)
{
  const char *p[] = {agency};
  enum db_status st;
  PQclear(db_exec(c, STMT_AUDIT_UNLOCK, 1, p, &st));
  return st;
}

enum db_status db_audit_forget(struct db_conn *c, const char *agency)
{
  const char *p[] = {agency};
  enum db_status st;
  PQclear(db_exec(c, STMT_AUDIT_FORGET, 1, p, &st));
  return st;
}

enum db_status db_audit_holder(struct db_conn *c, const char *agency, char *out, size_t outlen)
{
  const char *p[] = {agency};
  enum db_status st;
  out[0] = '\0';
  PGresult *res = db_exec(c, STMT_AUDIT_HOLDER, 1, p, &st);
  if (res == NULL)
    return st;
  if (PQntuples(res) > 0)
    snprintf(out, outlen, "%s", PQgetvalue(res, 0, 0));
  PQclear(res);
  return DB_OK;
}

struct start_args {
  const char *const *p;
  long long *run_id, *total;
  char *as_of_out;
  size_t as_of_len;
};

static enum db_status start_tx(struct db_conn *c, void *arg)
{
  struct start_args *a = arg;
  enum db_status st;
  PQclear(db_exec(c, STMT_AUDIT_INTERRUPTED, 1, a->p, &st));
  if (st != DB_OK && st != DB_NO_ROW)
    return st;
  PGresult *res = db_exec(c, STMT_AUDIT_START, 5, a->p, &st);
  if (res == NULL)
    return st;
  *a->run_id = atoll(PQgetvalue(res, 0, 0));
  *a->total = atoll(PQgetvalue(res, 0, 1));
  snprintf(a->as_of_out, a->as_of_len, "%s", PQgetvalue(res, 0, 2));
  PQclear(res);
  return DB_OK;
}

enum db_status db_audit_start(struct db_conn *c, const char *agency, const char *as_of, const char *pack_id,
                              const char *pack_version, const char *holder, long long *run_id, long long *total,
                              char *as_of_out, size_t as_of_len)
{
  const char *p[] = {agency, as_of, pack_id, pack_version, holder};
  struct start_args a = {p, run_id, total, as_of_out, as_of_len};
  return db_transact(c, start_tx, &a, 3);
}

enum db_status db_audit_next_ids(struct db_conn *c, const char *agency, const char *after, int limit, char **ids,
                                 int *n, char *last, size_t lastlen)
{
  char lim[16];
  snprintf(lim, sizeof lim, "%d", limit);
  const char *p[] = {agency, after, lim};
  enum db_status st;
  PGresult *res = db_exec(c, STMT_AUDIT_NEXT_IDS, 3, p, &st);
  if (res == NULL)
    return st;
  *n = atoi(PQgetvalue(res, 0, 1));
  *ids = strdup(PQgetvalue(res, 0, 0));
  snprintf(last, lastlen, "%s", PQgetisnull(res, 0, 2) ? "" : PQgetvalue(res, 0, 2));
  PQclear(res);
  return *ids ? DB_OK : DB_HARD_ERROR;
}

struct chunk_args {
  const char *const *p;
  struct audit_counts *out;
};

static enum db_status chunk_tx(struct db_conn *c, void *arg)
{
  struct chunk_args *a = arg;
  enum db_status st;
  PGresult *res = db_exec(c, STMT_AUDIT_CHUNK, 4, a->p, &st);
  if (res == NULL)
    return st;
  a->out->opened = atoll(PQgetvalue(res, 0, 0));
  a->out->resolved = atoll(PQgetvalue(res, 0, 1));
  a->out->reopened = atoll(PQgetvalue(res, 0, 2));
  a->out->changed = atoll(PQgetvalue(res, 0, 3));
  a->out->unchanged = atoll(PQgetvalue(res, 0, 4));
  a->out->drift_cases = atoll(PQgetvalue(res, 0, 5));
  PQclear(res);
  return DB_OK;
}

enum db_status db_audit_chunk(struct db_conn *c, long long run_id, const char *pack_id, const char *ids,
                              const char *as_of, struct audit_counts *out)
{
  char run[32];
  snprintf(run, sizeof run, "%lld", run_id);
  const char *p[] = {run, pack_id, ids, as_of};
  struct chunk_args a = {p, out};
  return db_transact(c, chunk_tx, &a, 5);
}

enum db_status db_audit_finish(struct db_conn *c, long long run_id, const char *status, const char *error)
{
  char run[32];
  snprintf(run, sizeof run, "%lld", run_id);
  const char *p[] = {run, status, error};
  enum db_status st;
  PQclear(db_exec(c, STMT_AUDIT_FINISH, 3, p, &st));
  return st == DB_NO_ROW ? DB_OK : st;
}

enum db_status db_audit_get(struct db_conn *c, const char *run_id, json_t **out)
{
  const char *p[] = {run_id};
  return db_exec_json(c, STMT_AUDIT_GET, 1, p, out);
}

enum db_status db_audit_list(struct db_conn *c, json_t **out) { return db_exec_json(c, STMT_AUDIT_LIST, 0, NULL, out); }

enum db_status db_agency_list(struct db_conn *c, void (*row)(void *arg, const char *code), void *arg)
{
  enum db_status st;
  PGresult *res = db_exec(c, STMT_AGENCY_LIST, 0, NULL, &st);
  if (res == NULL)
    return st;
  for (int i = 0; i < PQntuples(res); i++)
    row(arg, PQgetvalue(res, i, 0));
  PQclear(res);
  return DB_OK;
}

enum db_status db_report(struct db_conn *c, const char *pack_id, const char *agency, const char *from,
                         const char *to, json_t **out)
{
  const char *p[] = {pack_id, agency, from, to};
  return db_exec_json(c, STMT_REPORT, 4, p, out);
}
