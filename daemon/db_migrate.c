/* Numbered migrations: the SQL files of sql/, compiled in, applied in order and recorded in schema_migrations. */
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
  if (rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK) {
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

enum db_status db_migrate(struct db_conn *c, int *applied, char *err, size_t errlen)
{
  char sql[256];
  *applied = 0;
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
  st = DB_OK;
unlock:
  if (!c->broken) {
    char unlock_err[256];
    snprintf(sql, sizeof sql, "SELECT pg_advisory_unlock(%lld)", MIGRATE_LOCK_KEY);
    run_sql(c, sql, unlock_err, sizeof unlock_err, "releasing the migration lock");
  }
  return st;
}
