/* Every rule against its fixtures (rules/<ID>/fixtures.json): each case is stored in a real database, evaluated as
 * of its date, and must have exactly the findings of that rule the fixture expects (and, where the fixture gives
 * one, the message). One test (one TAP line) per fixture case, in a test case named by the rule; a rule's fixtures
 * must hold a case that fires, one that does not, and a message to check. The clean example case must have no
 * finding of any rule. CASEAUDIT_RULES_ONLY=P01,P02 limits the run to those rules. CASEAUDIT_FIXTURE_MESSAGES=FILE
 * writes the messages of every firing case to FILE (rule, case, key, zh, en; tab-separated), to write a fixture's
 * "message" from. */
#include <check.h>
#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "testlib.h"

#define RULES_DIR CASEAUDIT_SOURCE_ROOT "/rules"

static char conninfo[1024];
static char pack_id[65];
static PGconn *pg;

/* Once, in the runner's process (an unchecked fixture): the database and the pack every test uses. */
static void setup_database(void)
{
  if (conninfo[0] != '\0')
    return;
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
}

/* Per test, in its own process: a connection of its own. */
static void setup(void)
{
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

/* Writes the messages of a firing case to $CASEAUDIT_FIXTURE_MESSAGES, when set. */
static void record_messages(const char *rule, size_t index, const char *id)
{
  const char *file = getenv("CASEAUDIT_FIXTURE_MESSAGES");
  if (file == NULL || file[0] == '\0')
    return;
  const char *p[] = {id, rule};
  PGresult *res = query("SELECT key, message_zh, message_en FROM findings "
                        "WHERE case_id = $1::uuid AND rule_id = $2 AND status = 'open' ORDER BY key",
                        2, p);
  FILE *f = fopen(file, "a");
  ck_assert_msg(f != NULL, "%s: cannot append", file);
  for (int r = 0; r < PQntuples(res); r++)
    fprintf(f, "%s\t%zu\t%s\t%s\t%s\n", rule, index, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1),
            PQgetvalue(res, r, 2));
  fclose(f);
  PQclear(res);
}

/* A fixture expectation's "message": {"zh", "en"} (either may be left out) against the finding's texts. */
static bool message_matches(const json_t *want, const char *zh, const char *en)
{
  const char *wzh = json_string_value(json_object_get(want, "zh"));
  const char *wen = json_string_value(json_object_get(want, "en"));
  return (wzh == NULL || strcmp(wzh, zh) == 0) && (wen == NULL || strcmp(wen, en) == 0);
}

/* Runs one fixture case; returns 1 and describes it in failures when the findings are not the expected ones. */
static int run_case(const char *rule, json_t *kase, size_t index, char *failures, size_t flen)
{
  char where[512];
  snprintf(where, sizeof where, "%s case %zu (%s)", rule, index,
           json_string_value(json_object_get(kase, "name")) ? json_string_value(json_object_get(kase, "name")) : "?");
  const char *as_of = json_string_value(json_object_get(kase, "as_of"));
  if (as_of == NULL)
    as_of = "2022-06-30";
  int n = (int)index;
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
  record_messages(rule, index, id);

  const char *p[] = {id, rule};
  PGresult *res = query("SELECT key, severity, veto::text, evidence::text, message_zh, message_en FROM findings "
                        "WHERE case_id = $1::uuid AND rule_id = $2 AND status = 'open' ORDER BY key",
                        2, p);
  json_t *expect = json_object_get(kase, "expect");
  int bad = 0;
  char got[2048] = "";
  for (int r = 0; r < PQntuples(res); r++) {
    size_t used = strlen(got);
    snprintf(got + used, sizeof got - used, " [key '%s' %s veto=%s %.300s message %.300s | %.300s]",
             PQgetvalue(res, r, 0), PQgetvalue(res, r, 1), PQgetvalue(res, r, 2), PQgetvalue(res, r, 3),
             PQgetvalue(res, r, 4), PQgetvalue(res, r, 5));
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
      json_t *msg = json_object_get(e, "message");
      if (msg != NULL && !message_matches(msg, PQgetvalue(res, row, 4), PQgetvalue(res, row, 5)))
        bad = 1;
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

/* The fixture cases of every selected rule folder, in rule order: one test each. */
struct fixture_case {
  char rule[4];
  size_t index; /* in its file */
  json_t *kase;
};
static struct fixture_case *all_cases;
static size_t ncases;

/* A rule's fixture set: where its cases are in all_cases, and what the set as a whole must have. */
struct fixture_set {
  char rule[4];
  char path[1024];
  size_t first, count;
  bool fires, quiet, message;
};
static struct fixture_set *sets;
static size_t nsets;

static int rule_folder(const struct dirent *d) { return strlen(d->d_name) == 3 && d->d_name[0] != '.'; }

/* Reads every selected rules/<ID>/fixtures.json; exits on an unreadable one (before any test runs). */
static void load_fixtures(void)
{
  struct dirent **names;
  int n = scandir(RULES_DIR, &names, rule_folder, alphasort);
  if (n < 0) {
    fprintf(stderr, "%s: cannot read the folder\n", RULES_DIR);
    exit(1);
  }
  sets = calloc((size_t)n + 1, sizeof *sets);
  for (int f = 0; f < n; f++) {
    struct fixture_set *s = &sets[nsets];
    snprintf(s->rule, sizeof s->rule, "%.3s", names[f]->d_name);
    free(names[f]);
    if (!selected(s->rule))
      continue;
    snprintf(s->path, sizeof s->path, "%s/%s/fixtures.json", RULES_DIR, s->rule);
    json_error_t jerr;
    json_t *doc = json_load_file(s->path, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL) {
      fprintf(stderr, "%s: %s (line %d)\n", s->path, jerr.text, jerr.line);
      exit(1);
    }
    json_t *list = json_object_get(doc, "cases");
    s->first = ncases;
    s->count = json_array_size(list);
    all_cases = realloc(all_cases, (ncases + s->count + 1) * sizeof *all_cases);
    size_t i;
    json_t *kase;
    json_array_foreach(list, i, kase)
    {
      json_t *expect = json_object_get(kase, "expect");
      s->fires |= json_array_size(expect) > 0;
      s->quiet |= json_is_array(expect) && json_array_size(expect) == 0;
      size_t k;
      json_t *e;
      json_array_foreach(expect, k, e) s->message |= json_object_get(e, "message") != NULL;
      struct fixture_case *c = &all_cases[ncases++];
      memcpy(c->rule, s->rule, sizeof c->rule);
      c->index = i;
      c->kase = json_incref(kase);
    }
    /* "rule" names the folder; checked with the set so that a wrong one is one failing test, not a crash */
    if (!json_is_string(json_object_get(doc, "rule")) ||
        strcmp(json_string_value(json_object_get(doc, "rule")), s->rule) != 0)
      s->count = (size_t)-1;
    json_decref(doc);
    nsets++;
  }
  free(names);
}

START_TEST(fixture_case)
{
  const struct fixture_case *c = &all_cases[_i];
  const char *name = json_string_value(json_object_get(c->kase, "name"));
  /* a TAP comment before the test's own line, so that the log names every case that ran */
  printf("# %s case %zu: %s\n", c->rule, c->index, name ? name : "?");
  fflush(stdout);
  static char failures[1 << 14];
  failures[0] = '\0';
  if (run_case(c->rule, c->kase, c->index, failures, sizeof failures)) {
    fprintf(stderr, "%s", failures);
    ck_abort_msg("%.1000s", failures);
  }
}
END_TEST

START_TEST(fixture_set_is_complete)
{
  const struct fixture_set *s = &sets[_i];
  ck_assert_msg(s->count != (size_t)-1, "%s: \"rule\" must be %s", s->path, s->rule);
  ck_assert_msg(s->fires && s->quiet, "%s: rule %s needs a case that fires and one that must not", s->path, s->rule);
  ck_assert_msg(s->message, "%s: rule %s needs a firing case whose expectation gives the \"message\" ({\"zh\", \"en\"})",
                s->path, s->rule);
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
  load_fixtures();
  Suite *s = suite_create("db_rules");
  TCase *tc = tcase_create("rules");
  tcase_set_timeout(tc, 600);
  tcase_add_unchecked_fixture(tc, setup_database, NULL);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, clean_example_has_no_finding);
  tcase_add_loop_test(tc, fixture_set_is_complete, 0, (int)nsets);
  suite_add_tcase(s, tc);
  for (size_t f = 0; f < nsets; f++) {
    if (sets[f].count == (size_t)-1)
      continue;
    TCase *rc = tcase_create(sets[f].rule);
    tcase_set_timeout(rc, 120);
    tcase_add_unchecked_fixture(rc, setup_database, NULL);
    tcase_add_checked_fixture(rc, setup, teardown);
    tcase_add_loop_test(rc, fixture_case, (int)sets[f].first, (int)(sets[f].first + sets[f].count));
    suite_add_tcase(s, rc);
  }
  return testlib_run(s);
}
