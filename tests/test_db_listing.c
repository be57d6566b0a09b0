/* The listing statements (db_sql.h by_filters): one prepared variant per set of filters in use, each keeping one
 * plan; the variant text itself; and a connection that cycles through more variants than it keeps. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_internal.h"
#include "db_review.h"
#include <jansson.h>
#include "testlib.h"

static size_t count_of(const char *hay, const char *needle)
{
  size_t n = 0;
  for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
    n++;
  return n;
}

START_TEST(variant_folds_each_null_test_to_a_constant)
{
  const struct db_stmt *s = &db_statements[STMT_FINDING_LIST];
  ck_assert(db_statement_by_filters[STMT_FINDING_LIST]);
  char out[8192];
  /* $1 (scope), $3 (case_id) and $9 (after_id) NULL; the others set */
  unsigned long mask = 1ul << 0 | 1ul << 2 | 1ul << 8;
  int n = db_sql_variant(s, mask, out, sizeof out);
  ck_assert_int_gt(n, 0);
  ck_assert_int_eq((int)strlen(out), n);
  ck_assert_msg(strstr(out, "(($1::text[] IS NULL OR true) OR f.agency_code = ANY ($1::text[]))") != NULL, "%s", out);
  ck_assert_msg(strstr(out, "(($2::text IS NULL AND false) OR f.agency_code = $2)") != NULL, "%s", out);
  ck_assert_msg(strstr(out, "(($3::uuid IS NULL OR true) OR f.case_id = $3::uuid)") != NULL, "%s", out);
  ck_assert_msg(strstr(out, "(($9::uuid IS NULL OR true) OR f.id > $9::uuid)") != NULL, "%s", out);
  ck_assert_msg(strstr(out, "LIMIT (SELECT $10::int)") != NULL, "%s", out);
  /* every test of the statement is folded, and nothing else changed */
  size_t tests = count_of(s->sql, " IS NULL");
  ck_assert_uint_eq(tests, 9);
  ck_assert_uint_eq(count_of(out, " IS NULL OR true)") + count_of(out, " IS NULL AND false)"), tests);
  ck_assert_uint_eq(count_of(out, " IS NULL OR true)"), 3);
  ck_assert_uint_eq(strlen(out), strlen(s->sql) + 3 * strlen("( OR true)") + 6 * strlen("( AND false)"));
}
END_TEST

START_TEST(variant_of_the_case_filter_folds_the_shared_exists_test)
{
  /* $6..$8 (rule, system, severity) guard one EXISTS together: with all three NULL the whole term folds to true */
  const struct db_stmt *s = &db_statements[STMT_CASE_COUNT];
  char out[8192];
  ck_assert_int_gt(db_sql_variant(s, 0x7fful, out, sizeof out), 0);
  ck_assert_msg(strstr(out, "((($6::text IS NULL OR true) AND ($7::text IS NULL OR true) AND ($8::text IS NULL OR "
                            "true)) OR EXISTS") != NULL, "%s", out);
  ck_assert_int_gt(db_sql_variant(s, 0x7fful & ~(1ul << 6), out, sizeof out), 0);
  ck_assert_msg(strstr(out, "($7::text IS NULL AND false)") != NULL, "%s", out);
  ck_assert_msg(strstr(out, "(($7::text IS NULL AND false) OR f.system = $7)") != NULL, "%s", out);
  /* flagged=true: a plain "open_findings > 0", which the partial index of flagged cases answers */
  ck_assert_int_gt(db_sql_variant(s, 0x7fful & ~(1ul << 2), out, sizeof out), 0);
  ck_assert_msg(strstr(out, "(($3::boolean IS NULL AND false) OR c.open_findings > 0)") != NULL, "%s", out);
  ck_assert_msg(strstr(out, "(($4::boolean IS NULL OR true) OR c.open_findings = 0)") != NULL, "%s", out);
}
END_TEST

START_TEST(variant_refuses_a_buffer_too_small)
{
  const struct db_stmt *s = &db_statements[STMT_FINDING_LIST];
  char out[64];
  memset(out, 'x', sizeof out);
  ck_assert_int_eq(db_sql_variant(s, 0, out, sizeof out), -1);
  char exact[8192];
  int n = db_sql_variant(s, 0, exact, sizeof exact);
  ck_assert_int_gt(n, 0);
  char *tight = malloc((size_t)n); /* one byte short of the terminator */
  ck_assert_int_eq(db_sql_variant(s, 0, tight, (size_t)n), -1);
  free(tight);
  tight = malloc((size_t)n + 1);
  ck_assert_int_eq(db_sql_variant(s, 0, tight, (size_t)n + 1), n);
  ck_assert_str_eq(tight, exact);
  free(tight);
}
END_TEST

START_TEST(allocated_variant_equals_the_buffered_one)
{
  char want[8192];
  for (int id = 0; id < STMT__COUNT; id++) {
    if (!db_statement_by_filters[id])
      continue;
    const unsigned long masks[] = {0, ~0ul, 0x5ul};
    for (size_t m = 0; m < sizeof masks / sizeof masks[0]; m++) {
      ck_assert_int_gt(db_sql_variant(&db_statements[id], masks[m], want, sizeof want), 0);
      char *got = db_sql_variant_new(&db_statements[id], masks[m]);
      ck_assert_ptr_nonnull(got);
      ck_assert_str_eq(got, want);
      free(got);
    }
  }
}
END_TEST

static struct db_conn *open_db(const char *conninfo)
{
  char err[512];
  struct db_conn *c = db_connect(conninfo, "test", "Asia/Shanghai", 5, 0, err, sizeof err);
  ck_assert_msg(c != NULL, "%s", err);
  return c;
}

/* generic_plans of the prepared statement `name` on c; -1 when c has no such statement. */
static int generic_plans(struct db_conn *c, const char *name)
{
  const char *p[] = {name};
  PGresult *res =
    PQexecParams(c->pg, "SELECT generic_plans FROM pg_prepared_statements WHERE name = $1", 1, NULL, p, NULL, NULL, 0);
  ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
  int n = PQntuples(res) == 1 ? atoi(PQgetvalue(res, 0, 0)) : -1;
  PQclear(res);
  return n;
}

static int prepared_count(struct db_conn *c)
{
  PGresult *res = PQexec(c->pg, "SELECT count(*) FROM pg_prepared_statements");
  ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
  int n = atoi(PQgetvalue(res, 0, 0));
  PQclear(res);
  return n;
}

static void count_row(void *arg, const char *json, const char *id)
{
  (void)json;
  (void)id;
  (*(int *)arg)++;
}

static void count_case(void *arg, const char *json, const char *id, const char *score)
{
  (void)json;
  (void)id;
  (void)score;
  (*(int *)arg)++;
}

START_TEST(each_filter_set_is_prepared_once_and_keeps_one_plan)
{
  const char *ci = testdb_create("listing", true);
  /* 5,000 findings of one case: enough rows that a plan made for a page of 51 looks cheaper than a reusable one,
   * which is what made PostgreSQL plan every page anew */
  json_error_t e;
  json_t *rec = json_load_file(fixture("example-case.json"), 0, &e);
  ck_assert_msg(rec != NULL, "%s", e.text);
  json_t *batch = json_pack("[o]", rec);
  testdb_store_unevaluated(ci, batch);
  json_decref(batch);
  testdb_exec(ci, "INSERT INTO findings (case_id, rule_id, key, id, agency_code, rule_version, system, severity,"
                  " points, veto, status, message_zh, message_en, evidence, pack_id, first_seen_at, last_seen_at)"
                  " SELECT c.id, 'D01', g::text, gen_random_uuid(), c.agency_code, 1, 'documents', 'error', 1,"
                  " false, 'open', '-', '-', '{}', 'test', now(), now()"
                  " FROM cases c CROSS JOIN generate_series(1, 5000) g");
  testdb_exec(ci, "ANALYZE findings");
  struct db_conn *c = open_db(ci);
  struct finding_filter all = {.limit = "51"};
  for (int i = 0; i < 8; i++) {
    int rows = 0;
    ck_assert_int_eq(db_finding_list(c, &all, count_row, &rows), DB_OK);
    ck_assert_int_eq(rows, 51);
  }
  /* every parameter but the page size ($10) NULL */
  ck_assert_int_ge(generic_plans(c, "finding_list_1ff"), 1);
  ck_assert_int_eq(generic_plans(c, "finding_list"), -1); /* the unfolded statement is never prepared */

  struct finding_filter one_case = {.case_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7", .limit = "51"};
  int rows = 0;
  ck_assert_int_eq(db_finding_list(c, &one_case, count_row, &rows), DB_OK);
  ck_assert_int_eq(rows, 0); /* no such case */
  ck_assert_int_ge(generic_plans(c, "finding_list_1fb"), 0); /* a second variant beside the first */
  ck_assert_int_ge(generic_plans(c, "finding_list_1ff"), 1);

  long long n = -1;
  ck_assert_int_eq(db_finding_count(c, &one_case, &n), DB_OK);
  ck_assert_int_eq(n, 0);
  ck_assert_int_ge(generic_plans(c, "finding_count_fb"), 0);
  db_close(c);
}
END_TEST

START_TEST(a_connection_cycling_through_many_filter_sets_starts_over)
{
  const char *ci = testdb_create("listing", true);
  struct db_conn *c = open_db(ci);
  /* 2^7 combinations of seven filters: twice as many variants as a connection keeps */
  const char *values[7] = {"{XQ-XK}", "XQ-XK", "true", "pass", "D01", "documents", "error"};
  for (unsigned combo = 0; combo < 128; combo++) {
    const char *v[7];
    for (int i = 0; i < 7; i++)
      v[i] = combo >> i & 1u ? values[i] : NULL;
    struct case_filter f = {.scope = v[0], .agency = v[1], .flagged = v[2], .grade = v[3], .rule = v[4],
                            .system = v[5], .severity = v[6], .limit = "51"};
    int rows = 0;
    ck_assert_msg(db_case_list(c, &f, count_case, &rows) == DB_OK, "combination %u", combo);
    ck_assert_int_eq(rows, 0);
    ck_assert_int_le(c->nvariants, DB_VARIANTS_MAX);
    ck_assert_int_le(prepared_count(c), DB_VARIANTS_MAX + STMT__COUNT);
  }
  /* the reusable plan of flagged=true reads the partial index of the flagged cases (it can: the variant says
   * "open_findings > 0"; a plan for "(open_findings > 0) = $3" could not) */
  struct case_filter flagged = {.flagged = "true", .limit = "51"};
  int rows = 0;
  ck_assert_int_eq(db_case_list(c, &flagged, count_case, &rows), DB_OK);
  PGresult *res = PQexec(c->pg, "SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off");
  PQclear(res);
  res = PQexec(c->pg, "EXPLAIN EXECUTE case_list_by_id_ffb (NULL, NULL, 'true', NULL, NULL, NULL, NULL, NULL, NULL,"
                      " NULL, NULL, NULL, 51)");
  ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
  bool partial = false;
  for (int i = 0; i < PQntuples(res); i++)
    partial |= strstr(PQgetvalue(res, i, 0), "cases_flagged_id_idx") != NULL;
  ck_assert_msg(partial, "%s", PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "no plan");
  PQclear(res);
  res = PQexec(c->pg, "RESET plan_cache_mode; RESET enable_seqscan");
  PQclear(res);

  /* statements prepared before a reset are prepared again when next used */
  int version = -1;
  ck_assert_int_eq(db_schema_version(c, &version), DB_OK);
  ck_assert_int_eq(version, db_schema_required());
  struct case_filter none = {.limit = "51"};
  ck_assert_int_eq(db_case_list(c, &none, count_case, &rows), DB_OK);
  db_close(c);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("db_listing");
  TCase *unit = tcase_create("variant");
  tcase_add_test(unit, variant_folds_each_null_test_to_a_constant);
  tcase_add_test(unit, variant_of_the_case_filter_folds_the_shared_exists_test);
  tcase_add_test(unit, variant_refuses_a_buffer_too_small);
  tcase_add_test(unit, allocated_variant_equals_the_buffered_one);
  suite_add_tcase(s, unit);
  TCase *tc = tcase_create("db");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, each_filter_set_is_prepared_once_and_keeps_one_plan);
  tcase_add_test(tc, a_connection_cycling_through_many_filter_sets_starts_over);
  suite_add_tcase(s, tc);
  return testlib_run(s);
}
