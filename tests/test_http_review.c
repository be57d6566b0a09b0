/* HTTP tests of the reviewers' and supervisors' API: listings (filters, keyset paging across inserts, counts,
 * tampered cursors), CSV export (quoting, formula neutralisation, BOM), reviews (every transition, the log and its
 * verification), the change feed under concurrent writers, and statistics checked against the listings. */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

static const char *base;
static char conninfo[1024];
static char ingest_tok[96], rev_tok[96], other_tok[96], sup_tok[96], admin_tok[96];

static json_t *example(void)
{
  json_error_t e;
  json_t *j = json_load_file(fixture("example-case.json"), 0, &e);
  ck_assert_msg(j != NULL, "%s", e.text);
  return j;
}

static void call(struct http_reply *r, const char *method, const char *path, const char *token, const char *body)
{
  char url[2048], auth[160];
  snprintf(url, sizeof url, "%s%s", base, path);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  const char *headers[] = {auth, "Content-Type: application/json", NULL};
  http_do(r, method, url, headers, body, body ? strlen(body) : 0);
}

/* Makes rec another case of its agency: its number, and the decision number everywhere it appears. */
static void variant(json_t *rec, const char *case_no, int n)
{
  char decision[64];
  snprintf(decision, sizeof decision, "津西青辛综执罚〔2022〕%d号", n);
  json_object_set_new(rec, "case_no", json_string(case_no));
  json_t *docs = json_object_get(rec, "documents");
  json_object_set_new(json_array_get(docs, 13), "number", json_string(decision));
  json_object_set_new(json_object_get(json_array_get(docs, 14), "fields"), "document_number", json_string(decision));
  if (json_object_get(rec, "publication"))
    json_object_set_new(json_object_get(rec, "publication"), "document_number", json_string(decision));
}

static char *post_case(json_t *rec)
{
  char *text = json_dumps(rec, JSON_COMPACT);
  struct http_reply r;
  call(&r, "POST", "/api/v1/cases", ingest_tok, text);
  ck_assert_msg(r.status == 201 || r.status == 200, "%s", r.body);
  char *id = strdup(json_string_value(json_object_get(r.json, "id")));
  http_reply_free(&r);
  free(text);
  return id;
}

/* Three cases of XQ-XK (clean, unpublished, unpublished with a hostile case number) and one of OTHER. */
static char *clean_id, *flagged_id, *hostile_id, *other_id;
#define HOSTILE_NO "=HYPERLINK(\"http://x\",\"点我\"),含逗号\n第二行"
#define XK_NAME "天津市西青区辛口镇人民政府"
#define OTHER_NAME "天津市西青区市场监督管理局"

static void setup(void)
{
  snprintf(conninfo, sizeof conninfo, "%s", testdb_create("review", true));
  snprintf(ingest_tok, sizeof ingest_tok, "%s", testdb_token(conninfo, "ing", "ingest", NULL));
  snprintf(rev_tok, sizeof rev_tok, "%s", testdb_token(conninfo, "rev", "reviewer", "{XQ-XK}"));
  snprintf(other_tok, sizeof other_tok, "%s", testdb_token(conninfo, "rev-other", "reviewer", "{OTHER}"));
  snprintf(sup_tok, sizeof sup_tok, "%s", testdb_token(conninfo, "sup", "supervisor", NULL));
  snprintf(admin_tok, sizeof admin_tok, "%s", testdb_token(conninfo, "adm", "admin", NULL));
  base = testd_start(conninfo, NULL);
  json_t *rec = example();
  clean_id = post_case(rec);
  json_object_del(rec, "publication");
  variant(rec, "津西青辛综执罚〔2022〕16号", 16);
  flagged_id = post_case(rec);
  variant(rec, HOSTILE_NO, 17);
  hostile_id = post_case(rec);
  variant(rec, "OTHER-1", 18);
  json_object_set_new(json_object_get(rec, "agency"), "code", json_string("OTHER"));
  json_object_set_new(json_object_get(rec, "agency"), "name", json_string(OTHER_NAME));
  other_id = post_case(rec);
  json_decref(rec);
}

static void teardown(void)
{
  testd_stop();
  free(clean_id);
  free(flagged_id);
  free(hostile_id);
  free(other_id);
}

static size_t items(const struct http_reply *r) { return json_array_size(json_object_get(r->json, "items")); }

START_TEST(case_filters)
{
  struct {
    const char *query, *token;
    long status;
    size_t n;
  } cases[] = {
    {"", NULL, 200, 4},
    {"?flagged=true", NULL, 200, 3},
    {"?flagged=false", NULL, 200, 1},
    {"?agency=OTHER", NULL, 200, 1},
    {"?grade=excellent", NULL, 200, 1},
    {"?rule=P01", NULL, 200, 3},
    {"?system=publicity", NULL, 200, 3},
    {"?system=publicity&severity=error", NULL, 200, 3},
    {"?q=" "%E5%90%AB%E9%80%97%E5%8F%B7", NULL, 200, 1}, /* 含逗号 */
    {"?q=%25", NULL, 200, 0},                              /* a literal %, not a wildcard */
    {"?filed_from=2022-03-08&filed_to=2022-03-08", NULL, 200, 4},
    {"?filed_from=2022-03-09", NULL, 200, 0},
    {"", "rev", 200, 3},
    {"?agency=OTHER", "rev", 403, 0},
    {"?grade=great", NULL, 400, 0},
    {"?flagged=yes", NULL, 400, 0},
    {"?filed_from=2022-02-30", NULL, 400, 0},
    {"?limit=0", NULL, 400, 0},
    {"?limit=501", NULL, 400, 0},
    {"?rule=p01", NULL, 400, 0},
    {"?colour=red", NULL, 400, 0},
    {"?q=%FF", NULL, 400, 0},
    {"?q=%E0%80%AF", NULL, 400, 0},    /* overlong '/': found by the params fuzzer (was 503 from PostgreSQL) */
    {"?q=%ED%A0%80", NULL, 400, 0},    /* a UTF-16 surrogate */
    {"?q=%F4%90%80%80", NULL, 400, 0}, /* above U+10FFFF */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char path[256];
    snprintf(path, sizeof path, "/api/v1/cases%s", cases[i].query);
    struct http_reply r;
    call(&r, "GET", path, cases[i].token && strcmp(cases[i].token, "rev") == 0 ? rev_tok : sup_tok, NULL);
    ck_assert_msg(r.status == cases[i].status, "%s: %ld %s", path, r.status, r.body);
    if (r.status == 200)
      ck_assert_msg(items(&r) == cases[i].n, "%s: %zu items, expected %zu", path, items(&r), cases[i].n);
    else
      assert_error(&r, cases[i].status, cases[i].status == 403 ? "agency_forbidden" : "invalid_parameter");
    http_reply_free(&r);
  }
}
END_TEST

START_TEST(paging_is_stable_across_inserts)
{
  /* walk with limit=1, inserting a case between pages: every case that existed at the start is seen exactly once */
  char seen[16][40];
  size_t nseen = 0;
  char path[1024] = "/api/v1/cases?limit=1&count=true";
  json_t *rec = example();
  for (int page = 0; page < 12; page++) {
    struct http_reply r;
    call(&r, "GET", path, sup_tok, NULL);
    ck_assert_msg(r.status == 200, "%s", r.body);
    if (page == 0)
      ck_assert_int_eq(json_integer_value(json_object_get(r.json, "total")), 4);
    ck_assert_uint_le(items(&r), 1);
    if (items(&r) == 1)
      snprintf(seen[nseen++], 40, "%s", json_string_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id")));
    char no[32];
    snprintf(no, sizeof no, "NEW-%d", page);
    variant(rec, no, 100 + page);
    free(post_case(rec));
    json_t *next = json_object_get(r.json, "next_cursor");
    if (json_is_null(next)) {
      http_reply_free(&r);
      break;
    }
    snprintf(path, sizeof path, "/api/v1/cases?limit=1&cursor=%s", json_string_value(next));
    http_reply_free(&r);
  }
  json_decref(rec);
  const char *originals[] = {clean_id, flagged_id, hostile_id, other_id};
  for (int o = 0; o < 4; o++) {
    int found = 0;
    for (size_t i = 0; i < nseen; i++)
      found += strcmp(seen[i], originals[o]) == 0;
    ck_assert_msg(found == 1, "case %s seen %d times", originals[o], found);
  }
  for (size_t i = 1; i < nseen; i++)
    ck_assert_msg(strcmp(seen[i - 1], seen[i]) < 0, "pages are not in id order");
}
END_TEST

START_TEST(tampered_or_foreign_cursors_are_refused)
{
  struct http_reply r;
  call(&r, "GET", "/api/v1/cases?limit=1", sup_tok, NULL);
  const char *cur = json_string_value(json_object_get(r.json, "next_cursor"));
  ck_assert_ptr_nonnull(cur);
  char path[1024], tampered[512];
  snprintf(tampered, sizeof tampered, "%s", cur);
  tampered[2] = tampered[2] == 'A' ? 'B' : 'A';
  snprintf(path, sizeof path, "/api/v1/cases?limit=1&cursor=%s", tampered);
  struct http_reply t;
  call(&t, "GET", path, sup_tok, NULL);
  assert_error(&t, 400, "invalid_parameter");
  http_reply_free(&t);
  snprintf(path, sizeof path, "/api/v1/cases?limit=1&flagged=true&cursor=%s", cur); /* other filters */
  call(&t, "GET", path, sup_tok, NULL);
  assert_error(&t, 400, "invalid_parameter");
  http_reply_free(&t);
  call(&t, "GET", "/api/v1/cases?cursor=garbage", sup_tok, NULL);
  assert_error(&t, 400, "invalid_parameter");
  http_reply_free(&t);
  http_reply_free(&r);
}
END_TEST

START_TEST(finding_filters_match_the_table)
{
  /* each filter and some combinations (each a statement variant of its own, db_sql.h), against the table */
  char by_case[128], by_case_rule[160];
  snprintf(by_case, sizeof by_case, "?case_id=%s", flagged_id);
  snprintf(by_case_rule, sizeof by_case_rule, "?case_id=%s&rule=P01&status=open", flagged_id);
  char where_case[128], where_case_rule[200];
  snprintf(where_case, sizeof where_case, "case_id = '%s'", flagged_id);
  snprintf(where_case_rule, sizeof where_case_rule, "case_id = '%s' AND rule_id = 'P01' AND status = 'open'",
           flagged_id);
  struct {
    const char *query, *token, *where;
  } cases[] = {
    {"", sup_tok, "true"},
    {"?agency=OTHER", sup_tok, "agency_code = 'OTHER'"},
    {"?rule=P01", sup_tok, "rule_id = 'P01'"},
    {"?system=publicity&severity=error", sup_tok, "system = 'publicity' AND severity = 'error'"},
    {"?status=open", sup_tok, "status = 'open'"},
    {"?status=resolved", sup_tok, "status = 'resolved'"},
    {by_case, sup_tok, where_case},
    {by_case_rule, sup_tok, where_case_rule},
    {"?since=2000-01-01T00:00:00Z", sup_tok, "first_seen_at >= '2000-01-01T00:00:00Z'"},
    {"?since=2999-01-01T00:00:00Z", sup_tok, "first_seen_at >= '2999-01-01T00:00:00Z'"},
    {"", rev_tok, "agency_code = 'XQ-XK'"},
    {"?rule=P01", rev_tok, "agency_code = 'XQ-XK' AND rule_id = 'P01'"},
  };
  size_t nonempty = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char path[256], sql[512];
    snprintf(path, sizeof path, "/api/v1/findings%s%slimit=500", cases[i].query, cases[i].query[0] ? "&" : "?");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM findings WHERE %s", cases[i].where);
    char *want = testdb_value(conninfo, sql);
    struct http_reply r;
    call(&r, "GET", path, cases[i].token, NULL);
    ck_assert_msg(r.status == 200, "%s: %ld %s", path, r.status, r.body);
    ck_assert_msg(items(&r) == (size_t)atol(want), "%s: %zu items, the table has %s", path, items(&r), want);
    nonempty += items(&r) > 0;
    http_reply_free(&r);
    free(want);
  }
  ck_assert_uint_ge(nonempty, 8); /* the data exercises the filters, not only empty pages */
}
END_TEST

static char *first_finding(const char *case_id, const char *rule)
{
  char path[256];
  snprintf(path, sizeof path, "/api/v1/findings?case_id=%s&rule=%s&status=open", case_id, rule);
  struct http_reply r;
  call(&r, "GET", path, rev_tok, NULL);
  ck_assert_msg(r.status == 200 && items(&r) >= 1, "no open %s finding of %s: %s", rule, case_id, r.body);
  char *id = strdup(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id")));
  http_reply_free(&r);
  return id;
}

START_TEST(csv_export_quotes_and_neutralises)
{
  struct http_reply r;
  call(&r, "GET", "/api/v1/findings?format=csv&rule=P01", sup_tok, NULL);
  ck_assert_int_eq(r.status, 200);
  ck_assert_msg(strncmp(http_header(&r, "Content-Type"), "text/csv", 8) == 0, "%s", http_header(&r, "Content-Type"));
  ck_assert_msg(strncmp(r.body, "\xEF\xBB\xBF" "id,case_id,agency,agency_name,case_no,rule,", 46) == 0, "%.80s",
                r.body);
  /* the hostile case number: quoted (comma, newline, quotes doubled) and prefixed with ' */
  ck_assert_msg(strstr(r.body, "\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\"),含逗号\n第二行\"") != NULL, "%s", r.body);
  ck_assert_msg(strstr(r.body, ",=HYPERLINK") == NULL, "an unneutralised formula cell");
  size_t rows = 0;
  for (const char *p = r.body; (p = strstr(p, "\r\n")) != NULL; p += 2)
    rows++;
  ck_assert_int_eq(rows, 1 + 3); /* header + three P01 findings */
  http_reply_free(&r);

  /* Accept: text/csv works too, and the reviewer's export is scoped to its agency */
  char url[256], auth[160];
  snprintf(url, sizeof url, "%s/api/v1/cases?flagged=true", base);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", rev_tok);
  const char *headers[] = {auth, "Accept: text/csv", NULL};
  http_do(&r, "GET", url, headers, NULL, 0);
  ck_assert_int_eq(r.status, 200);
  ck_assert_msg(strstr(r.body, "OTHER-1") == NULL, "another agency's case in the reviewer's export");
  ck_assert_msg(strstr(r.body, "津西青辛综执罚〔2022〕16号") != NULL, "%s", r.body);
  http_reply_free(&r);
  call(&r, "GET", "/api/v1/findings?format=xml", sup_tok, NULL);
  assert_error(&r, 400, "invalid_parameter");
  http_reply_free(&r);
}
END_TEST

static long review(const char *finding, const char *body, const char *token, struct http_reply *out)
{
  char path[256];
  snprintf(path, sizeof path, "/api/v1/findings/%s/reviews", finding);
  call(out, "POST", path, token, body);
  return out->status;
}

static long score_of(const char *case_id)
{
  char path[128];
  snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
  struct http_reply r;
  call(&r, "GET", path, admin_tok, NULL);
  long s = (long)json_integer_value(json_object_get(r.json, "score"));
  http_reply_free(&r);
  return s;
}

START_TEST(review_transitions_and_log)
{
  char *f = first_finding(flagged_id, "P01");
  long before = score_of(flagged_id);
  struct http_reply r;
  struct {
    const char *body;
    long status;
    const char *to; /* expected status after, or the error code */
  } steps[] = {
    {"{\"action\":\"acknowledge\",\"comment\":\"已知晓，责令整改\"}", 200, "acknowledged"},
    {"{\"action\":\"acknowledge\"}", 409, "conflict"},
    {"{\"action\":\"waive\"}", 422, "unprocessable"},
    {"{\"action\":\"waive\",\"comment\":\"   \"}", 422, "unprocessable"},
    {"{\"action\":\"waive\",\"comment\":\"x\",\"until\":\"2020-01-01\"}", 422, "unprocessable"},
    {"{\"action\":\"waive\",\"comment\":\"涉密案件依法不公开\",\"until\":\"2099-12-31\"}", 200, "waived"},
    {"{\"action\":\"waive\",\"comment\":\"again\"}", 409, "conflict"},
    {"{\"action\":\"reopen\",\"comment\":\"解密后应公开\"}", 200, "open"},
    {"{\"action\":\"reopen\"}", 409, "conflict"},
    {"{\"action\":\"approve\"}", 400, "invalid_input"},
    {"{\"action\":\"acknowledge\",\"extra\":1}", 400, "invalid_input"},
    {"{\"action\":", 400, "invalid_json"},
    {"{\"action\":\"acknowledge\",\"until\":\"2099-01-01\"}", 422, "unprocessable"},
  };
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    review(f, steps[i].body, rev_tok, &r);
    if (steps[i].status == 200) {
      ck_assert_msg(r.status == 200, "step %zu: %s", i, r.body);
      ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), steps[i].to);
      if (strcmp(steps[i].to, "waived") == 0)
        ck_assert_int_eq(score_of(flagged_id), before + (long)json_integer_value(json_object_get(r.json, "points")));
    } else {
      assert_error(&r, steps[i].status, steps[i].to);
    }
    http_reply_free(&r);
  }
  ck_assert_int_eq(score_of(flagged_id), before);

  /* others may not review it: a reviewer of another agency does not see it; a supervisor may not review */
  review(f, "{\"action\":\"acknowledge\"}", other_tok, &r);
  assert_error(&r, 404, "not_found");
  http_reply_free(&r);
  review(f, "{\"action\":\"acknowledge\"}", sup_tok, &r);
  assert_error(&r, 403, "forbidden");
  http_reply_free(&r);
  review("00000000-0000-0000-0000-000000000000", "{\"action\":\"acknowledge\"}", rev_tok, &r);
  assert_error(&r, 404, "not_found");
  http_reply_free(&r);

  /* the history: three entries, chained */
  char path[128];
  snprintf(path, sizeof path, "/api/v1/findings/%s", f);
  call(&r, "GET", path, sup_tok, NULL);
  json_t *reviews = json_object_get(r.json, "reviews");
  ck_assert_int_eq(json_array_size(reviews), 3);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(reviews, 1), "comment")), "涉密案件依法不公开");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(reviews, 1), "by")), "rev");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(reviews, 1), "until")), "2099-12-31");
  http_reply_free(&r);

  /* caseaudit log verify: intact, then an edited entry is named */
  char cmd[2048], out[1024] = "";
  snprintf(cmd, sizeof cmd, "%s/daemon/caseaudit --db '%s' log verify", CASEAUDIT_BUILD_ROOT, conninfo);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(fgets(out, sizeof out, p));
  ck_assert_int_eq(WEXITSTATUS(pclose(p)), 0);
  ck_assert_msg(strstr(out, "intact: 3 entries") != NULL, "%s", out);
  testdb_exec(conninfo, "UPDATE review_log SET payload = replace(payload, '涉密', '普通') WHERE seq = 2");
  p = popen(cmd, "r");
  ck_assert_ptr_nonnull(fgets(out, sizeof out, p));
  ck_assert_int_eq(WEXITSTATUS(pclose(p)), 1);
  ck_assert_msg(strstr(out, "BROKEN at entry 2") != NULL, "%s", out);
  testdb_exec(conninfo, "DELETE FROM review_log WHERE seq = 2");
  p = popen(cmd, "r");
  ck_assert_ptr_nonnull(fgets(out, sizeof out, p));
  pclose(p);
  ck_assert_msg(strstr(out, "BROKEN at entry 3") != NULL, "%s", out);
  free(f);
}
END_TEST

START_TEST(resolved_findings_cannot_be_reviewed)
{
  char *f = first_finding(flagged_id, "P01");
  /* the case is fixed: a new version with the publication back resolves the finding */
  json_t *rec = example();
  variant(rec, "津西青辛综执罚〔2022〕16号", 16);
  json_object_set_new(json_object_get(rec, "source"), "version", json_integer(4));
  free(post_case(rec));
  json_decref(rec);
  struct http_reply r;
  review(f, "{\"action\":\"acknowledge\"}", rev_tok, &r);
  assert_error(&r, 409, "conflict");
  http_reply_free(&r);
  ck_assert_int_eq(score_of(flagged_id), 100);
  free(f);
}
END_TEST

static atomic_bool writers_done;

static void *writer(void *arg)
{
  long n = (long)arg;
  json_t *rec = example();
  json_object_del(rec, "publication");
  for (int i = 0; i < 15; i++) {
    char no[64];
    snprintf(no, sizeof no, "FEED-%ld-%d", n, i);
    variant(rec, no, (int)(1000 + n * 100 + i));
    char *text = json_dumps(rec, JSON_COMPACT);
    struct http_reply r;
    call(&r, "POST", "/api/v1/cases", ingest_tok, text);
    http_reply_free(&r);
    free(text);
  }
  json_decref(rec);
  return NULL;
}

START_TEST(change_feed_never_skips_under_concurrent_writers)
{
  pthread_t t[4];
  atomic_store(&writers_done, false);
  for (long i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, writer, (void *)i);
  /* poll while the writers run, then until caught up */
  char *cursor = NULL;
  size_t cap = 1 << 14, n = 0;
  long long *ids = calloc(cap, sizeof *ids);
  /* Poll while the writers run; after they finish, poll until every change in the table has arrived (or 300 s).
   * A change can arrive late, never be skipped: xmin is cluster-wide, so a long transaction of another test's
   * database (an audit chunk, a rule fixture run on a loaded machine) holds the feed back for a while. */
  int joined = 0, empty_after_join = 0;
  long long want = -1, distinct = 0;
  for (int polls = 0; polls < 20000; polls++) {
    char path[1024];
    snprintf(path, sizeof path, "/api/v1/changes?limit=7%s%s", cursor ? "&since=" : "", cursor ? cursor : "");
    struct http_reply r;
    call(&r, "GET", path, sup_tok, NULL);
    ck_assert_msg(r.status == 200, "%s", r.body);
    json_t *changes = json_object_get(r.json, "changes");
    size_t i;
    json_t *c;
    json_array_foreach(changes, i, c)
    {
      long long id = (long long)json_integer_value(json_object_get(c, "id"));
      bool dup = false;
      for (size_t j = 0; j < n && !dup; j++)
        dup = ids[j] == id;
      if (!dup) {
        ck_assert_uint_lt(n, cap);
        ids[n++] = id;
      }
    }
    const char *next = json_string_value(json_object_get(r.json, "next_cursor"));
    if (json_array_size(changes) == 0 && cursor != NULL)
      ck_assert_str_eq(next, cursor); /* an empty poll answers the same cursor */
    free(cursor);
    cursor = strdup(next);
    bool empty = json_array_size(changes) == 0;
    http_reply_free(&r);
    if (!joined && empty) {
      for (int k = 0; k < 4; k++)
        pthread_join(t[k], NULL);
      joined = 1;
      char *total = testdb_value(conninfo, "SELECT count(*) FROM changes");
      want = atoll(total);
      free(total);
    }
    distinct = (long long)n;
    if (joined && distinct >= want)
      break;
    if (joined && empty) {
      if (++empty_after_join > 2500)
        break; /* 300 s at most */
      usleep(120 * 1000);
    }
  }
  ck_assert_msg(want > 60 * 2, "only %lld changes written", want);
  ck_assert_msg(distinct == want, "received %lld distinct changes of %lld", distinct, want);
  free(ids);
  free(cursor);

  struct http_reply r;
  call(&r, "GET", "/api/v1/changes?since=bogus", sup_tok, NULL);
  assert_error(&r, 400, "invalid_parameter");
  http_reply_free(&r);
  call(&r, "GET", "/api/v1/changes", rev_tok, NULL);
  assert_error(&r, 403, "forbidden");
  http_reply_free(&r);
}
END_TEST

START_TEST(stats_agree_with_the_listings)
{
  /* independent figures: from the case listing of each agency */
  struct http_reply r;
  call(&r, "GET", "/api/v1/stats", sup_tok, NULL);
  ck_assert_msg(r.status == 200, "%s", r.body);
  json_t *agencies = json_object_get(r.json, "agencies");
  ck_assert_int_eq(json_array_size(agencies), 2);
  size_t i;
  json_t *a;
  json_array_foreach(agencies, i, a)
  {
    const char *code = json_string_value(json_object_get(a, "agency"));
    char path[256];
    snprintf(path, sizeof path, "/api/v1/cases?agency=%s&limit=500", code);
    struct http_reply l;
    call(&l, "GET", path, sup_tok, NULL);
    long total = 0, flagged = 0, sum = 0, excellent = 0, fail = 0;
    size_t j;
    json_t *c;
    json_array_foreach(json_object_get(l.json, "items"), j, c)
    {
      total++;
      flagged += json_integer_value(json_object_get(c, "open_findings")) > 0;
      sum += (long)json_integer_value(json_object_get(c, "score"));
      excellent += strcmp(json_string_value(json_object_get(c, "grade")), "excellent") == 0;
      fail += strcmp(json_string_value(json_object_get(c, "grade")), "fail") == 0;
    }
    ck_assert_int_eq(json_integer_value(json_object_get(a, "cases")), total);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "flagged_cases")), flagged);
    double avg = json_number_value(json_object_get(a, "average_score"));
    ck_assert_msg(avg > (double)sum / (double)total - 0.01 && avg < (double)sum / (double)total + 0.01, "%s avg %f",
                  code, avg);
    json_t *grades = json_object_get(a, "grades");
    ck_assert_int_eq(json_integer_value(json_object_get(grades, "excellent")), excellent);
    ck_assert_int_eq(json_integer_value(json_object_get(grades, "fail")), fail);
    /* every flagged case here lacks publication: on-time publication = clean cases / decided cases */
    json_t *pub = json_object_get(a, "publication_on_time");
    ck_assert_int_eq(json_integer_value(json_object_get(pub, "decisions")), total);
    ck_assert_int_eq(json_integer_value(json_object_get(pub, "on_time")), total - flagged);
    ck_assert_int_eq(json_array_size(json_object_get(a, "worst_cases")), total < 5 ? total : 5);
    http_reply_free(&l);
  }
  http_reply_free(&r);
  call(&r, "GET", "/api/v1/stats?agency=OTHER", rev_tok, NULL);
  assert_error(&r, 403, "agency_forbidden");
  http_reply_free(&r);
  call(&r, "GET", "/api/v1/stats", rev_tok, NULL);
  ck_assert_int_eq(json_array_size(json_object_get(r.json, "agencies")), 1);
  http_reply_free(&r);
  call(&r, "GET", "/api/v1/stats?from=2023-01-01", sup_tok, NULL);
  ck_assert_int_eq(json_array_size(json_object_get(r.json, "agencies")), 0);
  http_reply_free(&r);
  call(&r, "GET", "/api/v1/stats?from=yesterday", sup_tok, NULL);
  assert_error(&r, 400, "invalid_parameter");
  http_reply_free(&r);
}
END_TEST


/* The agency's name beside its code wherever a person reads it: statistics, both listings (JSON and CSV), a case,
 * a finding; and after a rename (a later record with a new name) the new name everywhere, stored findings included. */
static void assert_names(const char *other_name)
{
  struct http_reply r;
  call(&r, "GET", "/api/v1/stats", sup_tok, NULL);
  ck_assert_msg(r.status == 200, "%s", r.body);
  json_t *ags = json_object_get(r.json, "agencies");
  ck_assert_int_eq(json_array_size(ags), 2);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ags, 0), "agency")), "OTHER");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ags, 0), "agency_name")), other_name);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ags, 1), "agency")), "XQ-XK");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ags, 1), "agency_name")), XK_NAME);
  http_reply_free(&r);

  static const char *const listings[] = {"/api/v1/cases?limit=10", "/api/v1/findings?limit=100"};
  for (size_t k = 0; k < 2; k++) {
    call(&r, "GET", listings[k], sup_tok, NULL);
    ck_assert_msg(r.status == 200 && items(&r) >= 2, "%s: %s", listings[k], r.body);
    size_t i, other = 0;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "items"), i, it)
    {
      const char *code = json_string_value(json_object_get(it, "agency"));
      const char *name = json_string_value(json_object_get(it, "agency_name"));
      ck_assert_msg(name != NULL, "%s: item %zu has no agency_name", listings[k], i);
      ck_assert_str_eq(name, strcmp(code, "OTHER") == 0 ? other_name : XK_NAME);
      other += strcmp(code, "OTHER") == 0;
    }
    ck_assert_msg(other >= 1, "%s: no item of OTHER", listings[k]);
    http_reply_free(&r);
  }

  /* CSV: a column of its own, right after the code */
  static const char *const csvs[] = {"/api/v1/cases?format=csv&agency=OTHER", "/api/v1/findings?format=csv&agency=OTHER"};
  for (size_t k = 0; k < 2; k++) {
    call(&r, "GET", csvs[k], sup_tok, NULL);
    ck_assert_int_eq(r.status, 200);
    char row[256];
    snprintf(row, sizeof row, ",OTHER,%s,", other_name);
    ck_assert_msg(strstr(r.body, ",agency,agency_name,") != NULL, "%s: %.120s", csvs[k], r.body);
    ck_assert_msg(strstr(r.body, row) != NULL, "%s: no row with '%s': %.300s", csvs[k], row, r.body);
    ck_assert_msg(strstr(r.body, XK_NAME) == NULL, "%s: another agency's name", csvs[k]);
    http_reply_free(&r);
  }

  char path[256];
  snprintf(path, sizeof path, "/api/v1/cases/%s", other_id);
  call(&r, "GET", path, sup_tok, NULL);
  ck_assert_msg(r.status == 200, "%s", r.body);
  ck_assert_str_eq(json_string_value(json_object_get(r.json, "agency_name")), other_name);
  json_t *f0 = json_array_get(json_object_get(r.json, "findings"), 0);
  ck_assert_msg(f0 != NULL, "the OTHER case has no finding: %s", r.body);
  ck_assert_str_eq(json_string_value(json_object_get(f0, "agency_name")), other_name);
  snprintf(path, sizeof path, "/api/v1/findings/%s", json_string_value(json_object_get(f0, "id")));
  http_reply_free(&r);
  call(&r, "GET", path, sup_tok, NULL);
  ck_assert_msg(r.status == 200, "%s", r.body);
  ck_assert_str_eq(json_string_value(json_object_get(r.json, "agency_name")), other_name);
  http_reply_free(&r);

  /* the list of agencies: every one for a supervisor, the token's own for a reviewer */
  call(&r, "GET", "/api/v1/agencies", sup_tok, NULL);
  ck_assert_msg(r.status == 200 && items(&r) == 2, "%s", r.body);
  json_t *a0 = json_array_get(json_object_get(r.json, "items"), 0);
  ck_assert_str_eq(json_string_value(json_object_get(a0, "agency")), "OTHER");
  ck_assert_str_eq(json_string_value(json_object_get(a0, "agency_name")), other_name);
  ck_assert_str_eq(json_string_value(json_object_get(a0, "last_filed_on")), "2022-03-08");
  http_reply_free(&r);
  call(&r, "GET", "/api/v1/agencies", other_tok, NULL);
  ck_assert_msg(r.status == 200 && items(&r) == 1, "%s", r.body);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "agency_name")),
                   other_name);
  http_reply_free(&r);
}

/* A case scored by section under another standard (?standard=), and under its agency's (default: no sections). */
START_TEST(case_scored_under_a_standard)
{
  struct http_reply r, rule;
  char path[256];
  snprintf(path, sizeof path, "/api/v1/cases/%s", flagged_id);
  call(&r, "GET", path, rev_tok, NULL);
  ck_assert_msg(r.status == 200, "%s", r.body);
  ck_assert_str_eq(json_string_value(json_object_get(r.json, "standard")), "default");
  ck_assert_int_eq(json_array_size(json_object_get(r.json, "sections")), 0);
  json_int_t stored = json_integer_value(json_object_get(r.json, "score"));
  http_reply_free(&r);

  /* the flagged case lacks its publication: P01, in sd-2023's section "records" (10 points) */
  call(&rule, "GET", "/api/v1/rules/P01", rev_tok, NULL);
  json_int_t p01 = json_integer_value(json_object_get(rule.json, "points"));
  http_reply_free(&rule);
  ck_assert_int_eq(stored, 100 - p01);
  snprintf(path, sizeof path, "/api/v1/cases/%s?standard=sd-2023", flagged_id);
  call(&r, "GET", path, rev_tok, NULL);
  ck_assert_msg(r.status == 200, "%s", r.body);
  ck_assert_str_eq(json_string_value(json_object_get(r.json, "standard")), "sd-2023");
  json_t *sections = json_object_get(r.json, "sections");
  ck_assert_int_eq(json_array_size(sections), 7);
  json_int_t sum = 0;
  size_t i;
  json_t *s;
  json_array_foreach(sections, i, s)
  {
    json_int_t points = json_integer_value(json_object_get(s, "points"));
    json_int_t deducted = json_integer_value(json_object_get(s, "deducted"));
    ck_assert_int_eq(json_integer_value(json_object_get(s, "score")), points - deducted);
    sum += points - deducted;
    bool records = strcmp(json_string_value(json_object_get(s, "id")), "records") == 0;
    ck_assert_int_eq(deducted, records ? (p01 < 10 ? p01 : 10) : 0);
  }
  ck_assert_int_eq(json_integer_value(json_object_get(r.json, "score")), sum);
  ck_assert_msg(json_object_get(r.json, "record") != NULL, "the case itself is still there");
  http_reply_free(&r);

  /* refusals: an unknown standard names the parameter; another agency's case stays unknown */
  snprintf(path, sizeof path, "/api/v1/cases/%s?standard=nope", flagged_id);
  call(&r, "GET", path, rev_tok, NULL);
  json_t *details = assert_error(&r, 400, "invalid_parameter");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(details, 0), "path")), "standard");
  http_reply_free(&r);
  snprintf(path, sizeof path, "/api/v1/cases/%s?standard=sd-2023", other_id);
  call(&r, "GET", path, rev_tok, NULL);
  assert_error(&r, 404, "not_found");
  http_reply_free(&r);
  snprintf(path, sizeof path, "/api/v1/cases/%s?grade=pass", flagged_id);
  call(&r, "GET", path, rev_tok, NULL);
  assert_error(&r, 400, "invalid_parameter");
  http_reply_free(&r);
}
END_TEST

START_TEST(agency_names_beside_codes)
{
  assert_names(OTHER_NAME);
  /* a later record of OTHER under its new name renames the agency: every view follows at once */
  json_t *rec = example();
  json_object_del(rec, "publication");
  variant(rec, "OTHER-2", 19);
  json_object_set_new(json_object_get(rec, "agency"), "code", json_string("OTHER"));
  json_object_set_new(json_object_get(rec, "agency"), "name", json_string("天津市西青区市场监管局（更名）"));
  free(post_case(rec));
  json_decref(rec);
  assert_names("天津市西青区市场监管局（更名）");

  /* refusals: a role that reads no agency, an unknown parameter, no token */
  struct http_reply r;
  call(&r, "GET", "/api/v1/agencies", ingest_tok, NULL);
  assert_error(&r, 403, "forbidden");
  http_reply_free(&r);
  call(&r, "GET", "/api/v1/agencies?agency=OTHER", sup_tok, NULL);
  assert_error(&r, 400, "invalid_parameter");
  http_reply_free(&r);
  call(&r, "GET", "/api/v1/agencies", "not-a-token", NULL);
  ck_assert_int_eq(r.status, 401);
  http_reply_free(&r);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("http_review");
  TCase *tc = tcase_create("review");
  tcase_set_timeout(tc, 240);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, case_filters);
  tcase_add_test(tc, finding_filters_match_the_table);
  tcase_add_test(tc, paging_is_stable_across_inserts);
  tcase_add_test(tc, tampered_or_foreign_cursors_are_refused);
  tcase_add_test(tc, csv_export_quotes_and_neutralises);
  tcase_add_test(tc, review_transitions_and_log);
  tcase_add_test(tc, resolved_findings_cannot_be_reviewed);
  tcase_add_test(tc, change_feed_never_skips_under_concurrent_writers);
  tcase_add_test(tc, stats_agree_with_the_listings);
  tcase_add_test(tc, agency_names_beside_codes);
  tcase_add_test(tc, case_scored_under_a_standard);
  suite_add_tcase(s, tc);
  return testlib_run(s);
}
