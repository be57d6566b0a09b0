/* Numbered migrations (sql/NNNN_*.sql: tables, indexes, data), applied in order and recorded in schema_migrations;
 * then the engine files (functions), applied when their checksum changes and recorded in schema_engine. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "embedded.h"
#include "log.h"

/* An arbitrary constant: the advisory lock that serialises concurrent `caseaudit migrate` runs. */
#define MIGRATE_LOCK_KEY 7242019001LL

static int migration_number(const struct embedded_file *f) { return atoi(f->name); }

int db_schema_required(void)
{
  int newest = 0;
  for (size_t i = 0; i < embedded_migrations_count; i++)
    if (migration_number(&embedded_migrations[i]) > newest)
      newest = migration_number(&embedded_migrations[i]);
  return newest;
}

static enum db_status run_sql(struct db_conn *c, const char *sql, char *err, size_t errlen, const char *what)
{
  PGresult *res = PQexec(c->pg, sql);
  ExecStatusType rs = PQresultStatus(res);
  /* PGRES_EMPTY_QUERY: a migration whose functions moved to sql/engine/ may hold only its comments */
  if (rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK || rs == PGRES_EMPTY_QUERY) {
    PQclear(res);
    return DB_OK;
  }
  enum db_status st = db_classify(c, res);
  snprintf(err, errlen, "%s: %s", what, res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg));
  size_t n = strlen(err);
  while (n > 0 && err[n - 1] == '\n')
    err[--n] = '\0';
  PQclear(res);
  return st == DB_OK ? DB_HARD_ERROR : st;
}

/* ---- engine files ---- */

#define ENGINE_TABLE                                                                                            \
  "CREATE TABLE IF NOT EXISTS schema_engine ("                                                                  \
  " name text PRIMARY KEY, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"

static void engine_checksum(const struct embedded_file *f, char hex[65])
{
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, (const unsigned char *)f->data, f->len);
  sodium_bin2hex(hex, 65, digest, sizeof digest);
}

/* The checksum recorded for name in res (name, sha256 rows), or NULL. */
static const char *recorded(PGresult *res, const char *name)
{
  for (int i = 0; i < PQntuples(res); i++)
    if (strcmp(PQgetvalue(res, i, 0), name) == 0)
      return PQgetvalue(res, i, 1);
  return NULL;
}

static bool in_build(const char *name)
{
  for (size_t i = 0; i < embedded_engine_count; i++)
    if (strcmp(embedded_engine[i].name, name) == 0)
      return true;
  return false;
}

/* The recorded checksums (name, sha256; none before the table exists), or NULL with *st set. */
static PGresult *engine_recorded(struct db_conn *c, enum db_status *st)
{
  PGresult *res = PQexec(c->pg, "SELECT to_regclass('schema_engine') IS NOT NULL");
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    *st = db_classify(c, res);
    PQclear(res);
    if (*st == DB_OK)
      *st = DB_HARD_ERROR;
    return NULL;
  }
  bool exists = PQgetvalue(res, 0, 0)[0] == 't';
  PQclear(res);
  if (exists)
    res = PQexec(c->pg, "SELECT name, sha256 FROM schema_engine ORDER BY name");
  else
    res = PQexec(c->pg, "SELECT NULL::text, NULL::text WHERE false");
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    *st = db_classify(c, res);
    PQclear(res);
    if (*st == DB_OK)
      *st = DB_HARD_ERROR;
    return NULL;
  }
  return res;
}

enum db_status db_engine_stale(struct db_conn *c, int *stale, char *first, size_t firstlen)
{
  enum db_status st = DB_OK;
  *stale = 0;
  if (first != NULL && firstlen > 0)
    first[0] = '\0';
  if (sodium_init() < 0)
    return DB_HARD_ERROR;
  PGresult *res = engine_recorded(c, &st);
  if (res == NULL)
    return st;
  for (size_t i = 0; i < embedded_engine_count; i++) {
    char hex[65];
    engine_checksum(&embedded_engine[i], hex);
    const char *have = recorded(res, embedded_engine[i].name);
    if (have == NULL || strcmp(have, hex) != 0) {
      if ((*stale)++ == 0 && first != NULL)
        snprintf(first, firstlen, "%s", embedded_engine[i].name);
    }
  }
  for (int i = 0; i < PQntuples(res); i++)
    if (!in_build(PQgetvalue(res, i, 0)) && (*stale)++ == 0 && first != NULL)
      snprintf(first, firstlen, "%s", PQgetvalue(res, i, 0));
  PQclear(res);
  return DB_OK;
}

/* Applies the engine files whose checksum differs from the recorded one, in the build's order, and records them;
 * forgets the files this build no longer has. One transaction: the functions change together or not at all. */
static enum db_status engine_apply(struct db_conn *c, int *applied, char *err, size_t errlen)
{
  enum db_status st;
  PGresult *have = NULL;
  *applied = 0;
  if (sodium_init() < 0) {
    snprintf(err, errlen, "libsodium did not initialise");
    return DB_HARD_ERROR;
  }
  if ((st = run_sql(c, ENGINE_TABLE, err, errlen, "creating schema_engine")) != DB_OK)
    return st;
  if ((st = run_sql(c, "BEGIN", err, errlen, "engine files")) != DB_OK)
    return st;
  if ((have = engine_recorded(c, &st)) == NULL) {
    snprintf(err, errlen, "reading schema_engine failed");
    goto rollback;
  }
  for (size_t i = 0; i < embedded_engine_count; i++) {
    const struct embedded_file *f = &embedded_engine[i];
    char hex[65];
    engine_checksum(f, hex);
    const char *old = recorded(have, f->name);
    if (old != NULL && strcmp(old, hex) == 0)
      continue;
    if ((st = run_sql(c, f->data, err, errlen, f->name)) != DB_OK)
      goto rollback;
    const char *params[] = {f->name, hex};
    PGresult *res = PQexecParams(c->pg,
                                 "INSERT INTO schema_engine (name, sha256) VALUES ($1, $2) ON CONFLICT (name) "
                                 "DO UPDATE SET sha256 = EXCLUDED.sha256, applied_at = now()",
                                 2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
      st = db_classify(c, res);
      snprintf(err, errlen, "%s: recording it: %s", f->name, PQresultErrorMessage(res));
      PQclear(res);
      if (st == DB_OK)
        st = DB_HARD_ERROR;
      goto rollback;
    }
    PQclear(res);
    log_info("applied engine file %s", f->name);
    (*applied)++;
  }
  for (int i = 0; i < PQntuples(have); i++) {
    if (in_build(PQgetvalue(have, i, 0)))
      continue;
    const char *params[] = {PQgetvalue(have, i, 0)};
    PGresult *res = PQexecParams(c->pg, "DELETE FROM schema_engine WHERE name = $1", 1, NULL, params, NULL, NULL, 0);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok) {
      st = DB_HARD_ERROR;
      snprintf(err, errlen, "forgetting the engine file %s failed", params[0]);
      goto rollback;
    }
  }
  PQclear(have);
  return run_sql(c, "COMMIT", err, errlen, "engine files");
rollback:
  PQclear(have);
  PQclear(PQexec(c->pg, "ROLLBACK"));
  *applied = 0;
  return st == DB_OK ? DB_HARD_ERROR : st;
}

/* ---- migrations ---- */

enum db_status db_migrate(struct db_conn *c, int *applied, int *engine_applied, char *err, size_t errlen)
{
  char sql[256];
  int engine = 0;
  *applied = 0;
  if (engine_applied != NULL)
    *engine_applied = 0;
  snprintf(sql, sizeof sql, "SELECT pg_advisory_lock(%lld)", MIGRATE_LOCK_KEY);
  /* The lock comes first: even CREATE TABLE IF NOT EXISTS fails when two sessions race on it. */
  enum db_status st = run_sql(c, sql, err, errlen, "taking the migration lock");
  if (st != DB_OK)
    return st;
  st = run_sql(c,
               "CREATE TABLE IF NOT EXISTS schema_migrations ("
               " version int PRIMARY KEY, name text NOT NULL,"
               " applied_at timestamptz NOT NULL DEFAULT now())",
               err, errlen, "creating schema_migrations");
  if (st != DB_OK)
    goto unlock;

  int current;
  if ((st = db_schema_version(c, &current)) != DB_OK) {
    snprintf(err, errlen, "reading the schema version failed");
    goto unlock;
  }
  for (size_t i = 0; i < embedded_migrations_count; i++) {
    const struct embedded_file *m = &embedded_migrations[i];
    int n = migration_number(m);
    if (n <= current)
      continue;
    if ((st = run_sql(c, "BEGIN", err, errlen, m->name)) != DB_OK)
      goto unlock;
    if ((st = run_sql(c, m->data, err, errlen, m->name)) != DB_OK) {
      PQclear(PQexec(c->pg, "ROLLBACK"));
      goto unlock;
    }
    char num[16];
    snprintf(num, sizeof num, "%d", n);
    const char *params[] = {num, m->name};
    PGresult *res = PQexecParams(c->pg, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", 2, NULL,
                                 params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
      st = db_classify(c, res);
      snprintf(err, errlen, "%s: recording it: %s", m->name, PQresultErrorMessage(res));
      PQclear(res);
      PQclear(PQexec(c->pg, "ROLLBACK"));
      if (st == DB_OK)
        st = DB_HARD_ERROR;
      goto unlock;
    }
    PQclear(res);
    if ((st = run_sql(c, "COMMIT", err, errlen, m->name)) != DB_OK)
      goto unlock;
    log_info("applied migration %s", m->name);
    (*applied)++;
  }
  st = engine_apply(c, &engine, err, errlen);
  if (engine_applied != NULL)
    *engine_applied = engine;
unlock:
  if (!c->broken) {
    char unlock_err[256];
    snprintf(sql, sizeof sql, "SELECT pg_advisory_unlock(%lld)", MIGRATE_LOCK_KEY);
    run_sql(c, sql, unlock_err, sizeof unlock_err, "releasing the migration lock");
  }
  return st;
}
