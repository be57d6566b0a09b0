/* Every rule against its fixtures (tests/rules/<ID>.json): each case is stored in a real database, evaluated as of
 * its date, and must have exactly the findings of that rule the fixture expects. The clean example case must have
 * no finding of any rule. CASEAUDIT_RULES_ONLY=P01,P02 limits the run to those fixtures. */
#include <check.h>
#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "testlib.h"

#define RULES_DIR CASEAUDIT_SOURCE_ROOT "/rules"
#define FIXTURE_DIR CASEAUDIT_SOURCE_ROOT "/tests/rules"

static char conninfo[1024];
static char pack_id[65];
static PGconn *pg;

static void setup(void)
{
  snprintf(conninfo, sizeof conninfo, "%s", testdb_create("rules", true));
  char err[16384];
  struct rule_pack *p = rules_load(RULES_DIR, err, sizeof err);
  ck_assert_msg(p != NULL, "the rule pack is invalid:\n%s", err);
  struct db_conn *c = db_connect(conninfo, "test", "Asia/Shanghai", 5, 0, err, sizeof err);
  ck_assert_msg(c != NULL, "%s", err);
  ck_assert_msg(rules_register(c, p, err, sizeof err) == DB_OK, "%s", err);
  db_close(c);
  snprintf(pack_id, sizeof pack_id, "%s", p->id);
  rules_free(p);
  pg = PQconnectdb(conninfo);
  ck_assert_int_eq(PQstatus(pg), CONNECTION_OK);
  PQclear(PQexec(pg, "SET TimeZone = 'Asia/Shanghai'"));
}

static void teardown(void) { PQfinish(pg); }

static json_t *example(void)
{
  json_error_t e;
  json_t *j = json_load_file(fixture("example-case.json"), 0, &e);
  ck_assert_msg(j != NULL, "%s", e.text);
  return j;
}

/* RFC 6901 pointer set: a value replaces (creating missing objects), null removes, a final "-" appends. */
static void pointer_set(json_t *doc, const char *pointer, json_t *value, const char *where)
{
  ck_assert_msg(pointer[0] == '/', "%s: '%s' is not a JSON pointer", where, pointer);
  char *copy = strdup(pointer + 1);
  json_t *node = doc;
  char *save = NULL;
  char *tok = strtok_r(copy, "/", &save);
  while (tok != NULL) {
    char *next = strtok_r(NULL, "/", &save);
    /* unescape ~1 and ~0 */
    char key[256];
    size_t k = 0;
    for (const char *s = tok; *s && k < sizeof key - 1; s++) {
      if (s[0] == '~' && s[1] == '1') {
        key[k++] = '/';
        s++;
      } else if (s[0] == '~' && s[1] == '0') {
        key[k++] = '~';
        s++;
      } else {
        key[k++] = *s;
      }
    }
    key[k] = '\0';
    if (json_is_array(node)) {
      if (next == NULL && strcmp(key, "-") == 0) {
        ck_assert_msg(!json_is_null(value), "%s: cannot append null at %s", where, pointer);
        json_array_append(node, value);
        break;
      }
      char *end;
      long idx = strtol(key, &end, 10);
      ck_assert_msg(*end == '\0' && idx >= 0 && (size_t)idx < json_array_size(node), "%s: %s: no index %s", where,
                    pointer, key);
      if (next == NULL) {
        if (json_is_null(value))
          json_array_remove(node, (size_t)idx);
        else
          json_array_set(node, (size_t)idx, value);
        break;
      }
      node = json_array_get(node, (size_t)idx);
    } else {
      ck_assert_msg(json_is_object(node), "%s: %s: '%s' is inside a non-container", where, pointer, key);
      if (next == NULL) {
        if (json_is_null(value))
          json_object_del(node, key);
        else
          json_object_set(node, key, value);
        break;
      }
      json_t *child = json_object_get(node, key);
      if (child == NULL || json_is_null(child)) {
        child = json_object();
        json_object_set_new(node, key, child);
      }
      node = child;
    }
    tok = next;
  }
  free(copy);
}

static json_t *build_record(json_t *kase, const char *case_no, const char *where)
{
  json_t *rec = json_object_get(kase, "record") ? json_deep_copy(json_object_get(kase, "record")) : example();
  const char *pointer;
  json_t *value;
  json_object_foreach(json_object_get(kase, "set"), pointer, value) pointer_set(rec, pointer, value, where);
  json_object_set_new(rec, "case_no", json_string(case_no));
  return rec;
}

static PGresult *query(const char *sql, int n, const char *const *params)
{
  PGresult *res = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
  ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK, "%s: %s", sql,
                PQresultErrorMessage(res));
  return res;
}

/* Stores the record (without evaluating) and returns its case id (static). An "also" case may already be stored
 * by an earlier fixture case with the same number and content: unchanged is fine for those. */
static const char *store_as(json_t *rec, const char *where, bool may_exist)
{
  static char id[40];
  json_t *arr = json_pack("[O]", rec);
  char *text = json_dumps(arr, JSON_COMPACT);
  const char *p[] = {text};
  PGresult *res = query("SELECT case_id, status, error FROM ca_store_batch($1::jsonb, NULL)", 1, p);
  const char *status = PQgetvalue(res, 0, 1);
  ck_assert_msg(strcmp(status, "created") == 0 || strcmp(status, "updated") == 0 ||
                  (may_exist && strcmp(status, "unchanged") == 0),
                "%s: the record was not stored: %s %s", where, status, PQgetvalue(res, 0, 2));
  snprintf(id, sizeof id, "%s", PQgetvalue(res, 0, 0));
  PQclear(res);
  free(text);
  json_decref(arr);
  return id;
}

static const char *store(json_t *rec, const char *where) { return store_as(rec, where, false); }

static void evaluate(const char *id, const char *as_of)
{
  char ids[64];
  snprintf(ids, sizeof ids, "{%s}", id);
  const char *p[] = {pack_id, ids, as_of};
  PQclear(query("SELECT * FROM ca_evaluate($1, $2::uuid[], $3::date)", 3, p));
}

static bool selected(const char *rule)
{
  const char *only = getenv("CASEAUDIT_RULES_ONLY");
  if (only == NULL || only[0] == '\0')
    return true;
  char buf[1024];
  snprintf(buf, sizeof buf, ",%s,", only);
  char needle[16];
  snprintf(needle, sizeof needle, ",%s,", rule);
  return strstr(buf, needle) != NULL;
}

static int fixture_file(const struct dirent *d)
{
  size_t n = strlen(d->d_name);
  return n == 8 && strcmp(d->d_name + 3, ".json") == 0;
}

static int case_counter;

static int run_case(const char *rule, json_t *kase, size_t index, char *failures, size_t flen)
{
  char where[512];
  snprintf(where, sizeof where, "%s case %zu (%s)", rule, index,
           json_string_value(json_object_get(kase, "name")) ? json_string_value(json_object_get(kase, "name")) : "?");
  const char *as_of = json_string_value(json_object_get(kase, "as_of"));
  if (as_of == NULL)
    as_of = "2022-06-30";
  int n = ++case_counter;
  /* each fixture case stands alone: cases of earlier fixtures (e.g. D14's other cases) must not meet it */
  PQclear(query("TRUNCATE cases CASCADE", 0, NULL));
  size_t i;
  json_t *also;
  json_array_foreach(json_object_get(kase, "also"), i, also)
  {
    const char *no = json_string_value(json_object_get(also, "case_no"));
    char case_no[128];
    snprintf(case_no, sizeof case_no, "%s-%d-also-%zu", no ? no : "X", n, i);
    json_t *other = build_record(also, case_no, where);
    if (no != NULL)
      json_object_set_new(other, "case_no", json_string(no));
    store_as(other, where, true);
    json_decref(other);
  }
  char case_no[64];
  snprintf(case_no, sizeof case_no, "T-%s-%d", rule, n);
  json_t *rec = build_record(kase, case_no, where);
  if (json_object_get(kase, "case_no"))
    json_object_set(rec, "case_no", json_object_get(kase, "case_no"));
  char id[40];
  snprintf(id, sizeof id, "%s", store(rec, where));
  evaluate(id, as_of);
  json_decref(rec);

  const char *p[] = {id, rule};
  PGresult *res = query("SELECT key, severity, veto::text, evidence::text FROM findings "
                        "WHERE case_id = $1::uuid AND rule_id = $2 AND status = 'open' ORDER BY key",
                        2, p);
  json_t *expect = json_object_get(kase, "expect");
  int bad = 0;
  char got[2048] = "";
  for (int r = 0; r < PQntuples(res); r++) {
    size_t used = strlen(got);
    snprintf(got + used, sizeof got - used, " [key '%s' %s veto=%s %.300s]", PQgetvalue(res, r, 0),
             PQgetvalue(res, r, 1), PQgetvalue(res, r, 2), PQgetvalue(res, r, 3));
  }
  if ((size_t)PQntuples(res) != json_array_size(expect)) {
    bad = 1;
  } else {
    json_t *e;
    json_array_foreach(expect, i, e)
    {
      const char *key = json_string_value(json_object_get(e, "key"));
      int row = -1;
      for (int r = 0; r < PQntuples(res); r++)
        if (key != NULL && strcmp(PQgetvalue(res, r, 0), key) == 0)
          row = r;
      if (row < 0) {
        bad = 1;
        break;
      }
      const char *sev = json_string_value(json_object_get(e, "severity"));
      if (sev != NULL && strcmp(sev, PQgetvalue(res, row, 1)) != 0)
        bad = 1;
      json_t *veto = json_object_get(e, "veto");
      if (veto != NULL && json_is_true(veto) != (strcmp(PQgetvalue(res, row, 2), "true") == 0))
        bad = 1;
      json_error_t jerr;
      json_t *ev = json_loads(PQgetvalue(res, row, 3), 0, &jerr);
      const char *ek;
      json_t *ev_want;
      json_object_foreach(json_object_get(e, "evidence"), ek, ev_want) if (!json_equal(json_object_get(ev, ek), ev_want))
        bad = 1;
      json_decref(ev);
    }
  }
  PQclear(res);
  if (bad) {
    char *want = json_dumps(expect, JSON_COMPACT);
    size_t used = strlen(failures);
    snprintf(failures + used, flen - used, "%s as of %s:\n    expected %s\n    got     %s\n", where, as_of, want,
             got[0] ? got : " nothing");
    free(want);
  }
  return bad;
}

START_TEST(every_fixture)
{
  struct dirent **names;
  int n = scandir(FIXTURE_DIR, &names, fixture_file, alphasort);
  ck_assert_int_ge(n, 0);
  static char failures[1 << 16];
  failures[0] = '\0';
  int cases = 0, failed = 0, files = 0;
  for (int f = 0; f < n; f++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", FIXTURE_DIR, names[f]->d_name);
    char rule[4];
    snprintf(rule, sizeof rule, "%.3s", names[f]->d_name);
    free(names[f]);
    if (!selected(rule))
      continue;
    json_error_t jerr;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    ck_assert_msg(doc != NULL, "%s: %s (line %d)", path, jerr.text, jerr.line);
    ck_assert_msg(json_is_string(json_object_get(doc, "rule")) &&
                    strcmp(json_string_value(json_object_get(doc, "rule")), rule) == 0,
                  "%s: \"rule\" must be %s", path, rule);
    json_t *list = json_object_get(doc, "cases");
    ck_assert_msg(json_array_size(list) >= 2, "%s: a rule needs at least a firing and a non-firing case", path);
    size_t i;
    json_t *kase;
    bool fires = false, quiet = false;
    json_array_foreach(list, i, kase)
    {
      fires |= json_array_size(json_object_get(kase, "expect")) > 0;
      quiet |= json_array_size(json_object_get(kase, "expect")) == 0;
      cases++;
      failed += run_case(rule, kase, i, failures, sizeof failures);
    }
    ck_assert_msg(fires && quiet, "%s: needs a case that fires and one that must not", path);
    files++;
    json_decref(doc);
  }
  free(names);
  /* the details go to stderr (meson keeps them in the log): Check's message pipe is no place for 64 KiB */
  fprintf(stderr, "%srule fixtures: %d files, %d cases, %d failed\n", failures, files, cases, failed);
  ck_assert_msg(failed == 0, "%d of %d rule fixture cases failed (details above, in the test's log)", failed, cases);
}
END_TEST

START_TEST(clean_example_has_no_finding)
{
  json_t *rec = example();
  char id[40];
  snprintf(id, sizeof id, "%s", store(rec, "example"));
  static const char *const dates[] = {"2022-05-06", "2022-06-30", "2023-12-31", "2026-06-30"};
  for (size_t d = 0; d < sizeof dates / sizeof dates[0]; d++) {
    evaluate(id, dates[d]);
    const char *p[] = {id};
    PGresult *res = query("SELECT coalesce(string_agg(rule_id || ':' || key || ' ' || message_en, '; '), ''), "
                          "(SELECT score || '/' || grade FROM cases WHERE id = $1::uuid) "
                          "FROM findings WHERE case_id = $1::uuid AND status = 'open'",
                          1, p);
    ck_assert_msg(PQgetvalue(res, 0, 0)[0] == '\0', "the clean example has findings as of %s: %s", dates[d],
                  PQgetvalue(res, 0, 0));
    ck_assert_str_eq(PQgetvalue(res, 0, 1), "100/excellent");
    PQclear(res);
  }
  json_decref(rec);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("db_rules");
  TCase *tc = tcase_create("rules");
  tcase_set_timeout(tc, 600);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, clean_example_has_no_finding);
  tcase_add_test(tc, every_fixture);
  suite_add_tcase(s, tc);
  return testlib_run(s);
}
