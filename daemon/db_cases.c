/* Case storage: one named statement per function; the work itself is in sql/ (ca_store_batch, ca_case_json). */
#include "db_cases.h"

#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "log.h"

struct store_args {
  const char *json_array;
  const char *pack_id;
  size_t n;
  struct stored_case *out;
};

static enum db_status store_tx(struct db_conn *c, void *arg)
{
  struct store_args *a = arg;
  const char *p[] = {a->json_array, a->pack_id};
  enum db_status st;
  PGresult *res = db_exec(c, STMT_CASES_STORE, 2, p, &st);
  if (res == NULL)
    return st;
  if ((size_t)PQntuples(res) != a->n) {
    log_error("ca_store_batch returned %d rows for %zu records", PQntuples(res), a->n);
    PQclear(res);
    return DB_HARD_ERROR;
  }
  stored_cases_free(a->out, a->n); /* a retried attempt replaces the earlier one's outcomes */
  for (int i = 0; i < PQntuples(res); i++) {
    int ord = atoi(PQgetvalue(res, i, 0));
    if (ord < 1 || (size_t)ord > a->n)
      continue;
    struct stored_case *o = &a->out[ord - 1];
    snprintf(o->case_id, sizeof o->case_id, "%s", PQgetvalue(res, i, 1));
    snprintf(o->status, sizeof o->status, "%s", PQgetvalue(res, i, 2));
    o->version = PQgetisnull(res, i, 3) ? -1 : atoi(PQgetvalue(res, i, 3));
    o->stored_version = PQgetisnull(res, i, 4) ? -1 : atoi(PQgetvalue(res, i, 4));
    o->error = PQgetisnull(res, i, 5) ? NULL : strdup(PQgetvalue(res, i, 5));
  }
  PQclear(res);
  return DB_OK;
}

enum db_status db_cases_store(struct db_conn *c, const char *json_array, size_t n, const char *pack_id,
                              struct stored_case *out)
{
  memset(out, 0, n * sizeof *out);
  struct store_args a = {json_array, pack_id, n, out};
  enum db_status st = db_transact(c, store_tx, &a, 5);
  if (st != DB_OK)
    stored_cases_free(out, n);
  return st;
}

void stored_cases_free(struct stored_case *out, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free(out[i].error);
    memset(&out[i], 0, sizeof out[i]);
  }
}

static enum db_status one_json(struct db_conn *c, enum stmt_id id, const char *case_id, json_t **out,
                               char **agency_out)
{
  const char *p[] = {case_id};
  enum db_status st;
  *out = NULL;
  PGresult *res = db_exec(c, id, 1, p, &st);
  if (res == NULL || st != DB_OK) {
    PQclear(res);
    return st;
  }
  json_error_t jerr;
  *out = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
  if (agency_out != NULL)
    *agency_out = strdup(PQgetvalue(res, 0, 1));
  PQclear(res);
  if (*out == NULL) {
    log_error("case %s: unreadable JSON from the database: %s", case_id, jerr.text);
    return DB_HARD_ERROR;
  }
  return DB_OK;
}

enum db_status db_case_get(struct db_conn *c, const char *case_id, json_t **out, char **agency_out)
{
  return one_json(c, STMT_CASE_GET, case_id, out, agency_out);
}

enum db_status db_case_summary(struct db_conn *c, const char *case_id, json_t **out)
{
  return one_json(c, STMT_CASE_SUMMARY, case_id, out, NULL);
}

enum db_status db_case_standard(struct db_conn *c, const char *pack_id, const char *standard, const char *case_id,
                                json_t **out)
{
  const char *p[] = {pack_id, standard, case_id};
  return db_exec_json(c, STMT_CASE_STANDARD, 3, p, out);
}
