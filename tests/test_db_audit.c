/* The batch audit and the report, through the caseaudit command line against a real database: an as-of audit
 * opens the deadline findings ingest could not and resolves them once the data is fixed; one audit per scope; a
 * killed audit followed by a completed one equals one uninterrupted run; report figures equal independent SQL. */
#include <check.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

#define CLI CASEAUDIT_BUILD_ROOT "/daemon/caseaudit"

static json_t *example(void)
{
  json_error_t e;
  json_t *j = json_load_file(fixture("example-case.json"), 0, &e);
  ck_assert_msg(j != NULL, "%s", e.text);
  return j;
}

/* Runs the CLI with a config naming the rule pack in dir; returns the exit status and the output (static). */
static int cli_pack(const char *conninfo, const char *dir, const char *args, char **output)
{
  static char conf[128], out[1 << 16];
  snprintf(conf, sizeof conf, "/tmp/caseaudit-audit-test-%d.conf", (int)getpid());
  FILE *f = fopen(conf, "w");
  fprintf(f, "rules_dir = %s\n", dir);
  fclose(f);
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "%s --config %s --db '%s' %s 2>&1", CLI, conf, conninfo, args);
  FILE *p = popen(cmd, "r");
  size_t n = fread(out, 1, sizeof out - 1, p);
  out[n] = '\0';
  int st = pclose(p);
  if (output)
    *output = out;
  return WEXITSTATUS(st);
}

/* The same with the checkout's rule pack. */
static int cli(const char *conninfo, const char *args, char **output)
{
  return cli_pack(conninfo, CASEAUDIT_SOURCE_ROOT "/rules", args, output);
}

static char *value(const char *conninfo, const char *sql) { return testdb_value(conninfo, sql); }

START_TEST(as_of_audit_opens_and_resolves_deadline_findings)
{
  char ci[1024];
  snprintf(ci, sizeof ci, "%s", testdb_create("audit_asof", true));
  json_t *rec = example();
  json_object_del(rec, "publication"); /* decided 2022-04-07, never published */
  json_t *all = json_pack("[O]", rec);
  testdb_store_unevaluated(ci, all);
  char *out;
  /* the day after the decision: the publication deadline has not passed, nothing to find yet */
  ck_assert_msg(cli(ci, "audit --as-of 2022-04-08", &out) == 0, "%s", out);
  char *n = value(ci, "SELECT count(*) FROM findings WHERE rule_id = 'P01' AND status = 'open'");
  ck_assert_str_eq(n, "0");
  free(n);
  /* two months later the deadline has passed: the nightly audit finds it */
  ck_assert_msg(cli(ci, "audit --as-of 2022-06-30", &out) == 0, "%s", out);
  ck_assert_msg(strstr(out, "completed: 1 cases") != NULL, "%s", out);
  n = value(ci, "SELECT count(*) FROM findings WHERE rule_id = 'P01' AND status = 'open'");
  ck_assert_str_eq(n, "1");
  free(n);
  n = value(ci, "SELECT status || ' ' || opened || ' ' || cases_done FROM audit_runs ORDER BY id DESC LIMIT 1");
  ck_assert_msg(strncmp(n, "completed ", 10) == 0 && atoi(n + 10) >= 1, "%s", n);
  free(n);
  /* the case is fixed (a new version with the publication) and audited again: resolved */
  json_decref(all);
  json_t *fixed = example();
  json_object_set_new(json_object_get(fixed, "source"), "version", json_integer(4));
  all = json_pack("[O]", fixed);
  testdb_store_unevaluated(ci, all);
  ck_assert_msg(cli(ci, "audit --as-of 2022-06-30", &out) == 0, "%s", out);
  n = value(ci, "SELECT status FROM findings WHERE rule_id = 'P01'");
  ck_assert_str_eq(n, "resolved");
  free(n);
  n = value(ci, "SELECT score || '/' || grade FROM cases");
  ck_assert_str_eq(n, "100/excellent");
  free(n);
  /* a second audit of unchanged data re-checks only the date-dependent rules and changes nothing */
  ck_assert_msg(cli(ci, "audit --as-of 2022-07-31", &out) == 0, "%s", out);
  ck_assert_msg(strstr(out, "0 opened, 0 resolved, 0 reopened") != NULL, "%s", out);
  n = value(ci, "SELECT cases_full FROM audit_runs ORDER BY id DESC LIMIT 1");
  ck_assert_str_eq(n, "0");
  free(n);
  json_decref(all);
  json_decref(rec);
  json_decref(fixed);
}
END_TEST

START_TEST(one_audit_per_scope)
{
  char ci[1024];
  snprintf(ci, sizeof ci, "%s", testdb_create("audit_lock", true));
  /* hold the scope's lock as a running audit would */
  PGconn *holder = PQconnectdb(ci);
  PGresult *res = PQexec(holder, "SELECT pg_advisory_lock(hashtextextended('caseaudit audit ' || '*', 0))");
  ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
  PQclear(res);
  char *out;
  ck_assert_int_eq(cli(ci, "audit --as-of 2022-06-30", &out), 1);
  ck_assert_msg(strstr(out, "an audit of every agency is already running") != NULL, "%s", out);
  /* another scope is free */
  ck_assert_msg(cli(ci, "audit --agency XQ-XK --as-of 2022-06-30", &out) == 0, "%s", out);
  /* and over the API: 409 */
  const char *admin = testdb_token(ci, "adm", "admin", NULL);
  const char *base = testd_start(ci, NULL);
  char url[256], auth[160];
  snprintf(url, sizeof url, "%s/api/v1/audits", base);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", admin);
  const char *headers[] = {auth, "Content-Type: application/json", NULL};
  struct http_reply r;
  http_do(&r, "POST", url, headers, "{\"as_of\":\"2022-06-30\"}", 22);
  assert_error(&r, 409, "conflict");
  http_reply_free(&r);
  http_do(&r, "POST", url, headers, "{\"as_of\":\"2022-13-01\"}", 22);
  assert_error(&r, 400, "invalid_input");
  http_reply_free(&r);
  PQfinish(holder); /* releases the lock */
  http_do(&r, "POST", url, headers, "{\"as_of\":\"2022-06-30\"}", 22);
  ck_assert_msg(r.status == 202, "%s", r.body);
  long long id = json_integer_value(json_object_get(r.json, "id"));
  http_reply_free(&r);
  char run_url[300];
  snprintf(run_url, sizeof run_url, "%s/%lld", url, id);
  bool done = false;
  for (int i = 0; i < 100 && !done; i++) {
    http_do(&r, "GET", run_url, headers, NULL, 0);
    done = r.status == 200 && strcmp(json_string_value(json_object_get(r.json, "status")), "completed") == 0;
    http_reply_free(&r);
    if (!done)
      usleep(100 * 1000);
  }
  ck_assert_msg(done, "the API audit did not complete");
  testd_stop();
  ck_assert_int_eq(cli(ci, "audit --as-of 2022-99-01", &out), 2);
  ck_assert_int_eq(cli(ci, "audit --agency 'no spaces'", &out), 2);
  ck_assert_int_eq(cli(ci, "audit extra", &out), 2);
}
END_TEST

static json_t *dataset(int n)
{
  json_t *all = json_array();
  json_t *rec = example();
  for (int i = 0; i < n; i++) {
    json_t *r = json_deep_copy(rec);
    char no[32];
    snprintf(no, sizeof no, "K-%05d", i);
    json_object_set_new(r, "case_no", json_string(no));
    if (i % 50 != 0) { /* a decision number of its own (the example's is shared by one case in 50: D14 fires) */
      char dn[64];
      snprintf(dn, sizeof dn, "津西青辛综执罚〔2022〕%d号", 1000 + i);
      json_t *docs = json_object_get(r, "documents");
      json_object_set_new(json_array_get(docs, 13), "number", json_string(dn));
      json_object_set_new(json_object_get(json_array_get(docs, 14), "fields"), "document_number", json_string(dn));
      json_object_set_new(json_object_get(r, "publication"), "document_number", json_string(dn));
    }
    if (i % 3 == 0)
      json_object_del(r, "publication");
    if (i % 5 == 0)
      json_object_set_new(json_object_get(json_array_get(json_object_get(r, "documents"), 13), "fields"), "remedies",
                          json_string(""));
    if (i % 7 == 0)
      json_object_set_new(r, "closed_on", json_string("2022-04-01")); /* before the decision */
    json_array_append_new(all, r);
  }
  json_decref(rec);
  return all;
}

static const char *const fingerprint =
  "SELECT md5(string_agg(case_id || rule_id || key || status || severity || points || evidence::text, ',' "
  "ORDER BY case_id, rule_id, key)) || ' ' || count(*) FROM findings";

/* the findings in force (open or acknowledged): what a reviewer sees, whatever the path that led there */
static const char *const fingerprint_open =
  "SELECT md5(string_agg(case_id || rule_id || key || severity || points || evidence::text, ',' "
  "ORDER BY case_id, rule_id, key)) || ' ' || count(*) FROM findings WHERE status IN ('open', 'acknowledged')";

START_TEST(killed_audit_then_complete_equals_one_run)
{
  json_t *data = dataset(1000);
  char a[1024], b[1024];
  snprintf(a, sizeof a, "%s", testdb_create("audit_kill", true));
  testdb_store_unevaluated(a, data);
  snprintf(b, sizeof b, "%s", testdb_create("audit_once", true));
  testdb_store_unevaluated(b, data);
  json_decref(data);
  char *out;
  /* the reference: one uninterrupted run */
  ck_assert_msg(cli(b, "audit --as-of 2022-06-30 --chunk 100", &out) == 0, "%s", out);

  /* the same, killed after its first chunk committed */
  pid_t pid = fork();
  if (pid == 0) {
    char conf[128];
    snprintf(conf, sizeof conf, "/tmp/caseaudit-audit-test-%d.conf", (int)getppid());
    int devnull = open("/dev/null", 1);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(CLI, CLI, "--config", conf, "--db", a, "audit", "--as-of", "2022-06-30", "--chunk", "100", (char *)NULL);
    _exit(127);
  }
  bool killed = false;
  for (int i = 0; i < 600 && !killed; i++) {
    usleep(50 * 1000);
    char *done = value(a, "SELECT coalesce(max(cases_done), 0) FROM audit_runs");
    if (atoll(done) >= 200) {
      kill(pid, SIGKILL);
      killed = true;
    }
    free(done);
  }
  int st;
  waitpid(pid, &st, 0);
  ck_assert_msg(killed && WIFSIGNALED(st), "the audit was not killed mid-run");
  char *status = value(a, "SELECT status || ' ' || cases_done FROM audit_runs");
  ck_assert_msg(strncmp(status, "running ", 8) == 0 && atoll(status + 8) < 1000, "%s", status);
  free(status);
  /* The killed client's database session finishes its chunk query, finds the client gone and rolls back; until
   * then it holds the scope's lock and a new audit is refused, as an operator would see. */
  int rc = 1;
  for (int i = 0; i < 120 && rc != 0; i++) {
    rc = cli(a, "audit --as-of 2022-06-30 --chunk 100", &out);
    if (rc != 0) {
      ck_assert_msg(strstr(out, "already running") != NULL, "%s", out);
      sleep(1);
    }
  }
  ck_assert_msg(rc == 0, "%s", out);
  status = value(a, "SELECT string_agg(status, ',' ORDER BY id) FROM audit_runs");
  ck_assert_str_eq(status, "interrupted,completed");
  free(status);
  char *fa = value(a, fingerprint), *fb = value(b, fingerprint);
  ck_assert_msg(strcmp(fa, fb) == 0, "findings differ: %s vs %s", fa, fb);
  ck_assert_msg(atoll(strchr(fa, ' ') + 1) > 300, "too few findings to compare: %s", fa);
  char *sa = value(a, "SELECT sum(score) || '/' || count(*) FILTER (WHERE grade = 'fail') FROM cases");
  char *sb = value(b, "SELECT sum(score) || '/' || count(*) FILTER (WHERE grade = 'fail') FROM cases");
  ck_assert_str_eq(sa, sb);
  free(sa);
  free(sb);
  free(fa);
  free(fb);
}
END_TEST

/* --jobs N: chunks evaluated on N connections at once give the same findings, scores and run record as one; the
 * next day's incremental audit (only the time-dependent and cross-case rules for unchanged cases) gives the same
 * findings as a full audit of that day. */
START_TEST(parallel_and_incremental_audits_equal_full_serial_ones)
{
  json_t *data = dataset(600);
  char a[1024], b[1024];
  snprintf(a, sizeof a, "%s", testdb_create("audit_jobs", true));
  testdb_store_unevaluated(a, data);
  snprintf(b, sizeof b, "%s", testdb_create("audit_serial", true));
  testdb_store_unevaluated(b, data);
  json_decref(data);
  char *out;
  ck_assert_msg(cli(a, "audit --as-of 2022-06-30 --chunk 64 --jobs 3", &out) == 0, "%s", out);
  ck_assert_msg(cli(b, "audit --as-of 2022-06-30 --chunk 64", &out) == 0, "%s", out);
  char *fa = value(a, fingerprint), *fb = value(b, fingerprint);
  ck_assert_msg(strcmp(fa, fb) == 0, "findings differ: %s vs %s", fa, fb);
  ck_assert_msg(atoll(strchr(fa, ' ') + 1) > 200, "too few findings to compare: %s", fa);
  free(fa);
  free(fb);
  char *ra = value(a, "SELECT status || ' ' || cases_done || ' ' || cases_full || ' ' || opened FROM audit_runs");
  char *rb = value(b, "SELECT status || ' ' || cases_done || ' ' || cases_full || ' ' || opened FROM audit_runs");
  ck_assert_str_eq(ra, rb);
  ck_assert_msg(strncmp(ra, "completed 600 600 ", 18) == 0, "%s", ra);
  free(ra);
  free(rb);

  /* the next day: incremental on a (parallel too), full on b */
  ck_assert_msg(cli(a, "audit --as-of 2022-07-30 --chunk 64 --jobs 2", &out) == 0, "%s", out);
  char *full = value(a, "SELECT cases_full FROM audit_runs ORDER BY id DESC LIMIT 1");
  ck_assert_str_eq(full, "0"); /* nothing changed: no case needed every rule */
  free(full);
  char *n = value(b, "WITH u AS (UPDATE cases SET evaluated_pack = NULL RETURNING 1) SELECT count(*) FROM u");
  ck_assert_str_eq(n, "600");
  free(n);
  ck_assert_msg(cli(b, "audit --as-of 2022-07-30 --chunk 64", &out) == 0, "%s", out);
  full = value(b, "SELECT cases_full FROM audit_runs ORDER BY id DESC LIMIT 1");
  ck_assert_str_eq(full, "600");
  free(full);
  fa = value(a, fingerprint_open);
  fb = value(b, fingerprint_open);
  ck_assert_msg(strcmp(fa, fb) == 0, "incremental and full audits differ: %s vs %s", fa, fb);
  free(fa);
  free(fb);

  ck_assert_int_eq(cli(a, "audit --jobs 0", &out), 2);
  ck_assert_msg(strstr(out, "--jobs '0'") != NULL, "%s", out);
  ck_assert_int_eq(cli(a, "audit --jobs 17", &out), 2);
  ck_assert_int_eq(cli(a, "audit --jobs two", &out), 2);
}
END_TEST

/* The nightly audit runs the time-dependent and cross-case rules only for the unchanged cases whose verdict in them
 * can have changed (sql/0023), and still finds what did change: a case stored later with another case's decision
 * number gives both the D14 finding, whatever the order of the chunks (one case each here); an unpublished decision
 * whose deadline passes gets P01. Each result equals a full audit's of the same day. */
START_TEST(incremental_audit_skips_settled_cases_and_finds_what_changed)
{
  json_t *data = dataset(200);
  char a[1024];
  snprintf(a, sizeof a, "%s", testdb_create("audit_settled", true));
  testdb_store_unevaluated(a, data);
  json_decref(data);
  char *out;
  ck_assert_msg(cli(a, "audit --as-of 2022-06-30 --chunk 16", &out) == 0, "%s", out);
  ck_assert_msg(cli(a, "audit --as-of 2022-07-30 --chunk 16", &out) == 0, "%s", out);
  /* the cases the time-dependent rules ran for carry the date; the settled ones keep the full audit's */
  char *n = value(a, "SELECT count(*) FILTER (WHERE evaluated_as_of = '2022-07-30') || ' '"
                     " || count(*) FILTER (WHERE evaluated_as_of = '2022-06-30') FROM cases");
  int due = atoi(n), settled = atoi(strchr(n, ' ') + 1);
  ck_assert_msg(due > 0 && settled > 0 && due + settled == 200, "due/settled: %s", n);
  free(n);

  /* a new case, stored without evaluation, reuses the decision number of K-00007 */
  json_t *rec = example();
  json_object_set_new(rec, "case_no", json_string("K-NEW"));
  const char *dn = "津西青辛综执罚〔2022〕1007号";
  json_t *docs = json_object_get(rec, "documents");
  json_object_set_new(json_array_get(docs, 13), "number", json_string(dn));
  json_object_set_new(json_object_get(json_array_get(docs, 14), "fields"), "document_number", json_string(dn));
  json_object_set_new(json_object_get(rec, "publication"), "document_number", json_string(dn));
  json_t *one = json_pack("[o]", rec);
  testdb_store_unevaluated(a, one);
  json_decref(one);
  ck_assert_msg(cli(a, "audit --as-of 2022-07-31 --chunk 1", &out) == 0, "%s", out);
  n = value(a, "SELECT string_agg(c.case_no, ',' ORDER BY c.case_no) FROM findings f JOIN cases c ON c.id = f.case_id"
               " WHERE f.rule_id = 'D14' AND f.status = 'open' AND f.evidence ->> 'number' = '津西青辛综执罚〔2022〕1007号'");
  ck_assert_str_eq(n, "K-00007,K-NEW");
  free(n);

  /* every result so far equals a full audit of the same day (--full: every rule for every case) */
  char *inc = value(a, fingerprint_open);
  ck_assert_msg(cli(a, "audit --as-of 2022-07-31 --chunk 64 --full", &out) == 0, "%s", out);
  char *m = value(a, "SELECT cases_full FROM audit_runs ORDER BY id DESC LIMIT 1");
  ck_assert_str_eq(m, "201");
  free(m);
  ck_assert_int_eq(cli(a, "audit --full=yes", &out), 2);
  ck_assert_msg(strstr(out, "--full") != NULL, "%s", out);
  char *full = value(a, fingerprint_open);
  ck_assert_msg(strcmp(inc, full) == 0, "incremental and full audits differ: %s vs %s", inc, full);
  free(inc);
  free(full);
}
END_TEST

/* every case's score, grade and open findings */
static const char *const fingerprint_scores =
  "SELECT md5(string_agg(id || ' ' || score || grade || open_findings, ',' ORDER BY id)) FROM cases";

/* After a rule pack change the audit re-runs only the rules whose entry changed (ca_pack_changed_rules), or only
 * the scores when no rule changed, and its result equals a full audit's under the new pack. */
START_TEST(pack_change_reruns_only_the_changed_rules)
{
  json_t *data = dataset(300);
  char a[1024];
  snprintf(a, sizeof a, "%s", testdb_create("audit_repack", true));
  testdb_store_unevaluated(a, data);
  json_decref(data);
  char *out;
  ck_assert_msg(cli(a, "audit --as-of 2022-06-30 --chunk 64", &out) == 0, "%s", out);
  char *before = value(a, "SELECT count(*) FROM findings WHERE rule_id = 'D10' AND status = 'open' AND points = 5");
  ck_assert_msg(atoi(before) >= 50, "D10 fires on too few cases to see a change: %s", before);

  /* pack 2: D10 in a new version that deducts 4 points */
  char dir[128], cmd[1024];
  snprintf(dir, sizeof dir, "/tmp/caseaudit-repack-%d", (int)getpid());
  snprintf(cmd, sizeof cmd, "rm -rf %s && cp -r %s/rules %s && sed -i 's/\"version\": 1,/\"version\": 2,/;"
           " s/\"points\": 5,/\"points\": 4,/' %s/D10/rule.json && grep -q '\"points\": 4,' %s/D10/rule.json",
           dir, CASEAUDIT_SOURCE_ROOT, dir, dir, dir);
  ck_assert_int_eq(system(cmd), 0);
  ck_assert_msg(cli_pack(a, dir, "audit --as-of 2022-06-30 --chunk 64", &out) == 0, "%s", out);
  char *run = value(a, "SELECT cases_full || ' ' || cases_done || ' ' || opened || ' ' || resolved FROM audit_runs"
                       " ORDER BY id DESC LIMIT 1");
  ck_assert_msg(strncmp(run, "0 300 0 0", 9) == 0, "no case needed every rule, nothing opened or resolved: %s", run);
  free(run);
  char *after = value(a, "SELECT count(*) FROM findings WHERE rule_id = 'D10' AND status = 'open' AND points = 4"
                         " AND rule_version = 2");
  ck_assert_str_eq(after, before); /* D10 ran again: its findings carry the new version and points */
  free(after);
  char *inc = value(a, fingerprint_open), *inc_scores = value(a, fingerprint_scores);
  ck_assert_msg(cli_pack(a, dir, "audit --as-of 2022-06-30 --chunk 64 --full", &out) == 0, "%s", out);
  char *full = value(a, fingerprint_open), *full_scores = value(a, fingerprint_scores);
  ck_assert_msg(strcmp(inc, full) == 0, "the audit after a rule change and a full audit differ: %s vs %s", inc, full);
  ck_assert_str_eq(inc_scores, full_scores);
  free(inc);
  free(full);
  free(inc_scores);
  free(full_scores);

  /* pack 3: no rule changes, only the grading (excellent from 95): scores and grades only, equal to a full audit */
  snprintf(cmd, sizeof cmd, "sed -i 's/\"excellent\": 90/\"excellent\": 95/' %s/pack.json && rm %s/standards/default.json"
           " && grep -q '\"excellent\": 95' %s/pack.json", dir, dir, dir);
  ck_assert_int_eq(system(cmd), 0);
  ck_assert_msg(cli_pack(a, dir, "audit --as-of 2022-06-30 --chunk 64", &out) == 0, "%s", out);
  run = value(a, "SELECT cases_full || ' ' || opened || ' ' || resolved || ' ' || changed FROM audit_runs"
                 " ORDER BY id DESC LIMIT 1");
  ck_assert_str_eq(run, "0 0 0 0");
  free(run);
  char *graded = value(a, "SELECT count(*) FROM cases WHERE score BETWEEN 90 AND 94 AND grade = 'pass'");
  ck_assert_msg(atoi(graded) > 0, "no case between 90 and 94 lost its 优秀: %s", graded);
  free(graded);
  inc_scores = value(a, fingerprint_scores);
  ck_assert_msg(cli_pack(a, dir, "audit --as-of 2022-06-30 --chunk 64 --full", &out) == 0, "%s", out);
  full_scores = value(a, fingerprint_scores);
  ck_assert_str_eq(inc_scores, full_scores);
  free(inc_scores);
  free(full_scores);
  free(before);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(report_figures_equal_independent_sql)
{
  char ci[1024];
  snprintf(ci, sizeof ci, "%s", testdb_create("report", true));
  json_t *data = dataset(60);
  testdb_store_unevaluated(ci, data);
  json_decref(data);
  char *out;
  ck_assert_msg(cli(ci, "audit --as-of 2022-06-30", &out) == 0, "%s", out);
  ck_assert_msg(cli(ci, "report --agency XQ-XK --from 2022-03-01 --to 2022-03-31 --format json", &out) == 0, "%s",
                out);
  json_error_t jerr;
  json_t *rep = json_loads(out, 0, &jerr);
  ck_assert_msg(rep != NULL, "report is not JSON: %s: %.200s", jerr.text, out);
  json_t *cur = json_object_get(rep, "current");
  /* the agency by its name, beside its code */
  ck_assert_str_eq(json_string_value(json_object_get(rep, "agency_name")), "天津市西青区辛口镇人民政府");
  ck_assert_str_eq(json_string_value(json_object_get(cur, "agency_name")), "天津市西青区辛口镇人民政府");
  struct {
    const char *key, *sql;
  } checks[] = {
    {"cases", "SELECT count(*) FROM cases WHERE filed_on BETWEEN '2022-03-01' AND '2022-03-31'"},
    {"flagged_cases", "SELECT count(*) FROM cases c WHERE EXISTS (SELECT 1 FROM findings f WHERE f.case_id = c.id "
                      "AND f.status IN ('open','acknowledged'))"},
  };
  for (size_t i = 0; i < 2; i++) {
    char *v = value(ci, checks[i].sql);
    ck_assert_msg(json_integer_value(json_object_get(cur, checks[i].key)) == atoll(v), "%s: %lld vs %s",
                  checks[i].key, (long long)json_integer_value(json_object_get(cur, checks[i].key)), v);
    free(v);
  }
  char *avg = value(ci, "SELECT round(avg(score), 2) FROM cases");
  ck_assert_msg(json_number_value(json_object_get(cur, "average_score")) == atof(avg), "average %s", avg);
  free(avg);
  /* findings by rule: every rule's count equals a direct count */
  const char *rule;
  json_t *cnt;
  json_object_foreach(json_object_get(cur, "findings_by_rule"), rule, cnt)
  {
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM findings WHERE rule_id = '%.3s' AND status IN ('open','acknowledged')",
             rule);
    char *v = value(ci, sql);
    ck_assert_msg(json_integer_value(cnt) == atoll(v), "%s: %lld vs %s", rule, (long long)json_integer_value(cnt), v);
    free(v);
  }
  /* publication on time: 1 case in 3 has no publication */
  json_t *pub = json_object_get(cur, "publication_on_time");
  ck_assert_int_eq(json_integer_value(json_object_get(pub, "decisions")), 60);
  ck_assert_int_eq(json_integer_value(json_object_get(pub, "on_time")), 40);
  /* the previous period (February) has no cases */
  ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(rep, "previous_stats"), "cases")), 0);
  ck_assert_int_eq(json_array_size(json_object_get(rep, "serious_cases")), 10);
  json_decref(rep);

  char html[128];
  snprintf(html, sizeof html, "/tmp/caseaudit-report-%d.html", (int)getpid());
  char args[512];
  snprintf(args, sizeof args, "report --agency XQ-XK --from 2022-03-01 --to 2022-03-31 --format html --out %s", html);
  ck_assert_msg(cli(ci, args, &out) == 0, "%s", out);
  char *page = read_file(html, NULL);
  ck_assert_msg(strstr(page, "行政执法案卷评查报告") && strstr(page, "<svg") && strstr(page, "优秀案卷候选"), "html");
  ck_assert_msg(strstr(page, "天津市西青区辛口镇人民政府") != NULL, "the HTML report does not name the agency");
  ck_assert_msg(strstr(page, "良好") == NULL, "a 良好 bar in a report whose cases have no such grade");
  ck_assert_msg(!strstr(page, "<script") && !strstr(page, "<link") && !strstr(page, "src=") && !strstr(page, "url("),
                "the HTML report is not self-contained");
  free(page);
  unlink(html);
  ck_assert_msg(cli(ci, "report --agency XQ-XK --from 2022-03-01 --to 2022-03-31 --format csv", &out) == 0, "%s", out);
  ck_assert_msg(strstr(out, "totals,cases,60,0") != NULL, "%.300s", out);
  ck_assert_msg(strstr(out, "period,agency_name,天津市西青区辛口镇人民政府,") != NULL, "%.300s", out);
  ck_assert_int_eq(cli(ci, "report --agency XQ-XK --from 2022-03-31 --to 2022-03-01", &out), 2);
  ck_assert_int_eq(cli(ci, "report --agency XQ-XK --from 2022-03-01 --to 2022-03-31 --format pdf", &out), 2);
  ck_assert_int_eq(cli(ci, "report --from 2022-03-01 --to 2022-03-31", &out), 2);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("db_audit");
  TCase *tc = tcase_create("audit");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, as_of_audit_opens_and_resolves_deadline_findings);
  tcase_add_test(tc, one_audit_per_scope);
  tcase_add_test(tc, killed_audit_then_complete_equals_one_run);
  tcase_add_test(tc, parallel_and_incremental_audits_equal_full_serial_ones);
  tcase_add_test(tc, incremental_audit_skips_settled_cases_and_finds_what_changed);
  tcase_add_test(tc, report_figures_equal_independent_sql);
  tcase_add_test(tc, pack_change_reruns_only_the_changed_rules);
  suite_add_tcase(s, tc);
  return testlib_run(s);
}
