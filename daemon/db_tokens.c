/* Token storage: one named statement per function. */
#include "db_tokens.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

enum db_status db_token_insert(struct db_conn *c, const char *id, const char *name, const char *role,
                               const char *agencies_pg, const char *secret_hash_hex)
{
  const char *p[] = {id, name, role, agencies_pg, secret_hash_hex};
  enum db_status st;
  PGresult *res = db_exec(c, STMT_TOKEN_INSERT, 5, p, &st);
  PQclear(res);
  return st == DB_NO_ROW ? DB_OK : st;
}

enum db_status db_token_lookup(struct db_conn *c, const char *id, struct token_row *out)
{
  const char *p[] = {id};
  enum db_status st;
  memset(out, 0, sizeof *out);
  PGresult *res = db_exec(c, STMT_TOKEN_LOOKUP, 1, p, &st);
  if (res == NULL || st != DB_OK) {
    PQclear(res);
    return st;
  }
  snprintf(out->name, sizeof out->name, "%s", PQgetvalue(res, 0, 0));
  snprintf(out->role, sizeof out->role, "%s", PQgetvalue(res, 0, 1));
  out->agencies_json = strdup(PQgetvalue(res, 0, 2));
  snprintf(out->secret_hash_hex, sizeof out->secret_hash_hex, "%s", PQgetvalue(res, 0, 3));
  out->revoked = PQgetvalue(res, 0, 4)[0] == 't';
  PQclear(res);
  return out->agencies_json != NULL ? DB_OK : DB_HARD_ERROR;
}

enum db_status db_token_list(struct db_conn *c,
                             void (*row)(void *arg, const char *name, const char *role, const char *agencies,
                                         const char *created_at, const char *revoked_at),
                             void *arg)
{
  enum db_status st;
  PGresult *res = db_exec(c, STMT_TOKEN_LIST, 0, NULL, &st);
  if (res == NULL)
    return st;
  for (int i = 0; i < PQntuples(res); i++)
    row(arg, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
        PQgetvalue(res, i, 4));
  PQclear(res);
  return DB_OK;
}

enum db_status db_token_revoke(struct db_conn *c, const char *name)
{
  const char *p[] = {name};
  enum db_status st;
  PGresult *res = db_exec(c, STMT_TOKEN_REVOKE, 1, p, &st);
  PQclear(res);
  return st;
}
