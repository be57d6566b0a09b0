/* Database tests of migrations, engine files and tokens: a fresh database, a re-run, concurrent runs, a stale schema
 * or changed engine functions refused, and re-applied by migrate. */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "daemon.h"
#include "db.h"
#include "db_tokens.h"
#include "embedded.h"
#include "testlib.h"

static struct db_conn *open_db(const char *conninfo)
{
  char err[512];
  struct db_conn *c = db_connect(conninfo, "test", "Asia/Shanghai", 5, 0, err, sizeof err);
  ck_assert_msg(c != NULL, "%s", err);
  return c;
}

START_TEST(fresh_database_then_rerun_is_a_noop)
{
  const char *ci = testdb_create("migrate", false);
  struct db_conn *c = open_db(ci);
  int version = -1, applied = -1, engine = -1, stale = -1;
  char err[512], first[128];
  ck_assert_int_eq(db_schema_version(c, &version), DB_OK);
  ck_assert_int_eq(version, 0);
  ck_assert_int_eq(db_engine_stale(c, &stale, first, sizeof first), DB_OK);
  ck_assert_int_eq(stale, (int)embedded_engine_count);
  ck_assert_msg(db_migrate(c, &applied, &engine, err, sizeof err) == DB_OK, "%s", err);
  ck_assert_int_gt(applied, 0);
  ck_assert_int_eq(engine, (int)embedded_engine_count);
  ck_assert_int_eq(db_schema_version(c, &version), DB_OK);
  ck_assert_int_eq(version, db_schema_required());
  ck_assert_int_eq(db_engine_stale(c, &stale, first, sizeof first), DB_OK);
  ck_assert_int_eq(stale, 0);
  ck_assert_msg(db_migrate(c, &applied, &engine, err, sizeof err) == DB_OK, "%s", err);
  ck_assert_int_eq(applied, 0);
  ck_assert_int_eq(engine, 0);
  char *n = testdb_value(ci, "SELECT count(*) FROM schema_migrations");
  ck_assert_int_eq(atoi(n), db_schema_required());
  free(n);
  n = testdb_value(ci, "SELECT count(*) FROM schema_engine");
  ck_assert_int_eq(atoi(n), (int)embedded_engine_count);
  free(n);
  db_close(c);
}
END_TEST

struct runner {
  const char *conninfo;
  int applied, engine;
  enum db_status st;
};

static void *migrate_thread(void *arg)
{
  struct runner *r = arg;
  char err[512];
  struct db_conn *c = db_connect(r->conninfo, "test", "Asia/Shanghai", 5, 0, err, sizeof err);
  if (c == NULL) {
    r->st = DB_UNAVAILABLE;
    return NULL;
  }
  r->st = db_migrate(c, &r->applied, &r->engine, err, sizeof err);
  db_close(c);
  return NULL;
}

START_TEST(concurrent_migrations_apply_each_file_once)
{
  char ci[1024];
  snprintf(ci, sizeof ci, "%s", testdb_create("migrate_conc", false));
  struct runner r[4];
  pthread_t t[4];
  for (int i = 0; i < 4; i++) {
    r[i] = (struct runner){.conninfo = ci};
    pthread_create(&t[i], NULL, migrate_thread, &r[i]);
  }
  int total = 0, engine = 0;
  for (int i = 0; i < 4; i++) {
    pthread_join(t[i], NULL);
    ck_assert_int_eq(r[i].st, DB_OK);
    total += r[i].applied;
    engine += r[i].engine;
  }
  ck_assert_int_eq(total, db_schema_required());
  ck_assert_int_eq(engine, (int)embedded_engine_count);
}
END_TEST

/* The daemon against db must not start; its reason is left in err. */
static void daemon_start_fails(const char *db, char *err, size_t errlen)
{
  struct config *cfg = config_new();
  config_set(cfg, "db", db, err, errlen);
  config_set(cfg, "listen", "127.0.0.1:0", err, errlen);
  config_set(cfg, "log_level", "error", err, errlen);
  ck_assert_ptr_null(daemon_start(cfg, err, errlen));
}

START_TEST(daemon_refuses_a_stale_schema)
{
  const char *ci = testdb_create("stale", false);
  char err[512];
  daemon_start_fails(ci, err, sizeof err);
  ck_assert_msg(strstr(err, "caseaudit migrate") != NULL, "%s", err);
}
END_TEST

/* An engine file whose recorded checksum is not this build's (another build migrated the database, or someone
 * replaced a function by hand): the daemon refuses to start and names the command; migrate applies that file
 * again, and only that one; a recorded file this build does not have is forgotten. */
START_TEST(daemon_refuses_changed_engine_functions_until_migrate)
{
  char ci[1024];
  snprintf(ci, sizeof ci, "%s", testdb_create("engine_stale", true));
  const char *name = embedded_engine[embedded_engine_count / 2].name;
  char sql[512];
  snprintf(sql, sizeof sql, "UPDATE schema_engine SET sha256 = repeat('0', 64) WHERE name = '%s' RETURNING 1", name);
  free(testdb_value(ci, sql));
  free(testdb_value(ci, "INSERT INTO schema_engine (name, sha256) VALUES ('sql/engine/gone.sql', 'x') RETURNING 1"));
  char err[512];
  daemon_start_fails(ci, err, sizeof err);
  ck_assert_msg(strstr(err, "engine functions differ") != NULL && strstr(err, "2 files") != NULL &&
                  strstr(err, "caseaudit migrate") != NULL,
                "%s", err);
  struct db_conn *c = open_db(ci);
  int applied = -1, engine = -1, stale = -1;
  ck_assert_msg(db_migrate(c, &applied, &engine, err, sizeof err) == DB_OK, "%s", err);
  ck_assert_int_eq(applied, 0);
  ck_assert_int_eq(engine, 1);
  ck_assert_int_eq(db_engine_stale(c, &stale, NULL, 0), DB_OK);
  ck_assert_int_eq(stale, 0);
  db_close(c);
}
END_TEST

START_TEST(daemon_refuses_an_unreachable_database)
{
  char err[512];
  daemon_start_fails("host=/nonexistent-socket-dir dbname=x", err, sizeof err);
  ck_assert_msg(strstr(err, "cannot connect to the database") != NULL, "%s", err);
}
END_TEST

START_TEST(token_round_trip_and_revocation)
{
  const char *ci = testdb_create("tokens", true);
  struct db_conn *c = open_db(ci);
  char token[TOKEN_MAX], id[13], hash[65];
  ck_assert_int_eq(token_new(token, id, hash), 0);
  ck_assert_int_eq(db_token_insert(c, id, "rev-a", "reviewer", "{A1,B2}", hash), DB_OK);
  /* the same name again is refused by the unique constraint */
  char token2[TOKEN_MAX], id2[13], hash2[65];
  token_new(token2, id2, hash2);
  ck_assert_int_eq(db_token_insert(c, id2, "rev-a", "admin", "{}", hash2), DB_HARD_ERROR);

  char header[256];
  snprintf(header, sizeof header, "Bearer %s", token);
  struct principal p;
  ck_assert_int_eq(auth_check(c, header, &p), AUTH_OK);
  ck_assert_str_eq(p.name, "rev-a");
  ck_assert_int_eq(p.role, ROLE_REVIEWER);
  ck_assert_int_eq(p.nagencies, 2);
  ck_assert(principal_may_agency(&p, "B2"));
  ck_assert(!principal_may_agency(&p, "C3"));
  principal_clear(&p);

  /* a token with the right id and a wrong secret */
  char forged[TOKEN_MAX + 16];
  snprintf(forged, sizeof forged, "Bearer %s", token);
  forged[strlen(forged) - 1] = forged[strlen(forged) - 1] == 'A' ? 'B' : 'A';
  ck_assert_int_eq(auth_check(c, forged, &p), AUTH_INVALID);
  ck_assert_int_eq(auth_check(c, NULL, &p), AUTH_MISSING);
  ck_assert_int_eq(auth_check(c, "Basic abc", &p), AUTH_INVALID);
  ck_assert_int_eq(auth_check(c, "Bearer ca_short", &p), AUTH_INVALID);

  ck_assert_int_eq(db_token_revoke(c, "rev-a"), DB_OK);
  ck_assert_int_eq(db_token_revoke(c, "rev-a"), DB_NO_ROW);
  ck_assert_int_eq(db_token_revoke(c, "nobody"), DB_NO_ROW);
  ck_assert_int_eq(auth_check(c, header, &p), AUTH_REVOKED);
  /* nothing but the hash is stored */
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM tokens WHERE position('%s' in secret_hash::text) > 0", token + 16);
  char *n = testdb_value(ci, sql);
  ck_assert_str_eq(n, "0");
  free(n);
  db_close(c);
}
END_TEST

struct bad_token {
  const char *token;
};
static const struct bad_token bad_tokens[] = {
  {""}, {"ca_"}, {"xx_abcdefghijkl_0123456789012345678901234567890123456789012"},
  {"ca_ABCDEFGHIJKL_0123456789012345678901234567890123456789012"}, /* upper-case id */
  {"ca_abcdefghijkl_012345678901234567890123456789012345678901"},  /* secret one short */
  {"ca_abcdefghijkl_01234567890123456789012345678901234567890123"}, /* one long */
  {"ca_abcdefghijkl_0123456789012345678901234567890123456789 12"},  /* a space */
  {"ca_abcdefghijkl-0123456789012345678901234567890123456789012"},
};

START_TEST(malformed_tokens_are_refused_before_any_lookup)
{
  char id[13], hash[65];
  ck_assert_int_eq(token_split(bad_tokens[_i].token, id, hash), -1);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("db_migrate");
  TCase *tc = tcase_create("migrate");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, fresh_database_then_rerun_is_a_noop);
  tcase_add_test(tc, concurrent_migrations_apply_each_file_once);
  tcase_add_test(tc, daemon_refuses_a_stale_schema);
  tcase_add_test(tc, daemon_refuses_changed_engine_functions_until_migrate);
  tcase_add_test(tc, daemon_refuses_an_unreachable_database);
  tcase_add_test(tc, token_round_trip_and_revocation);
  tcase_add_loop_test(tc, malformed_tokens_are_refused_before_any_lookup, 0,
                      sizeof bad_tokens / sizeof bad_tokens[0]);
  suite_add_tcase(s, tc);
  return testlib_run(s);
}
