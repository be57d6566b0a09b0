/* HTTP tests of the dispatcher: routing (404, 405 with Allow), error bodies, authentication, roles, probes; and the
 * daemon of the build folder started without a settings file. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "http.h"
#include "testlib.h"

static const char *url_base;
static char conninfo[1024];
static const char *admin, *reviewer, *revoked, *ingest;

static void setup(void)
{
  snprintf(conninfo, sizeof conninfo, "%s", testdb_create("http", true));
  admin = testdb_token(conninfo, "admin", "admin", NULL);
  reviewer = testdb_token(conninfo, "rev", "reviewer", "{XQ-XK}");
  ingest = testdb_token(conninfo, "ing", "ingest", NULL);
  revoked = testdb_token(conninfo, "old", "supervisor", NULL);
  testdb_exec(conninfo, "UPDATE tokens SET revoked_at = now() WHERE name = 'old'");
  url_base = testd_start(conninfo, "metrics_public=false", NULL);
}

static void teardown(void) { testd_stop(); }

static void get(struct http_reply *r, const char *path, const char *token)
{
  char url[512], auth[256];
  snprintf(url, sizeof url, "%s%s", url_base, path);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
  const char *headers[] = {auth, NULL};
  http_do(r, "GET", url, token ? headers : NULL, NULL, 0);
}

START_TEST(unknown_path_is_404_with_error_body)
{
  struct http_reply r;
  get(&r, "/api/v1/nothing-here", NULL);
  assert_error(&r, 404, "not_found");
  ck_assert_ptr_nonnull(http_header(&r, "X-Request-Id"));
  ck_assert_str_eq(http_header(&r, "X-Content-Type-Options"), "nosniff");
  http_reply_free(&r);
}
END_TEST

START_TEST(wrong_method_is_405_with_allow)
{
  struct http_reply r;
  char url[512];
  snprintf(url, sizeof url, "%s/readyz", url_base);
  http_do(&r, "DELETE", url, NULL, NULL, 0);
  assert_error(&r, 405, "method_not_allowed");
  ck_assert_str_eq(http_header(&r, "Allow"), "GET");
  http_reply_free(&r);
}
END_TEST

START_TEST(healthz_and_readyz_answer_without_token)
{
  struct http_reply r;
  get(&r, "/healthz", NULL);
  ck_assert_int_eq(r.status, 200);
  ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "ok");
  http_reply_free(&r);
  get(&r, "/readyz", NULL);
  ck_assert_msg(r.status == 200, "%s", r.body);
  ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "ready");
  http_reply_free(&r);
}
END_TEST

/* An engine file recorded with another checksum than this build's (the database was migrated by another build):
 * /readyz answers 503 naming the file and the command, and is ready again once migrate re-applied it. */
START_TEST(readyz_refuses_changed_engine_functions)
{
  testdb_exec(conninfo, "UPDATE schema_engine SET sha256 = repeat('0', 64) WHERE name = 'sql/engine/stats.sql'");
  struct http_reply r;
  get(&r, "/readyz", NULL);
  json_t *d = assert_error(&r, 503, "not_ready");
  const char *msg = json_string_value(json_object_get(json_array_get(d, 0), "message"));
  ck_assert_msg(msg != NULL && strstr(msg, "sql/engine/stats.sql") != NULL && strstr(msg, "caseaudit migrate") != NULL,
                "%s", r.body);
  http_reply_free(&r);
  char err[512];
  struct db_conn *c = db_connect(conninfo, "test", "Asia/Shanghai", 5, 0, err, sizeof err);
  ck_assert_msg(c != NULL, "%s", err);
  int applied = -1, engine = -1;
  ck_assert_msg(db_migrate(c, &applied, &engine, err, sizeof err) == DB_OK, "%s", err);
  ck_assert_int_eq(engine, 1);
  db_close(c);
  get(&r, "/readyz", NULL);
  ck_assert_msg(r.status == 200, "%s", r.body);
  http_reply_free(&r);
}
END_TEST

START_TEST(unknown_query_parameter_is_400_naming_it)
{
  struct http_reply r;
  get(&r, "/healthz?verbose=1", NULL);
  json_t *d = assert_error(&r, 400, "invalid_parameter");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(d, 0), "path")), "verbose");
  http_reply_free(&r);
}
END_TEST

START_TEST(body_on_a_bodyless_route_is_refused)
{
  struct http_reply r;
  char url[512];
  snprintf(url, sizeof url, "%s/healthz", url_base);
  http_do(&r, "GET", url, NULL, "{}", 2);
  assert_error(&r, 413, "body_too_large");
  http_reply_free(&r);
}
END_TEST

struct auth_case {
  const char *header; /* NULL: none sent */
  long status;
  const char *code;
  const char *message_part;
};

START_TEST(authentication_failures)
{
  char bad_secret[256];
  snprintf(bad_secret, sizeof bad_secret, "Authorization: Bearer %s", admin);
  bad_secret[strlen(bad_secret) - 1] ^= 1;
  char revoked_h[256];
  snprintf(revoked_h, sizeof revoked_h, "Authorization: Bearer %s", revoked);
  const struct auth_case cases[] = {
    {NULL, 401, "unauthorized", "Authorization: Bearer"},
    {"Authorization: Basic dXNlcjpwYXNz", 401, "unauthorized", "unknown or malformed"},
    {"Authorization: Bearer not-a-token", 401, "unauthorized", "unknown or malformed"},
    {"Authorization: Bearer ca_zzzzzzzzzzzz_0123456789012345678901234567890123456789012", 401, "unauthorized",
     "unknown or malformed"},
    {bad_secret, 401, "unauthorized", "unknown or malformed"},
    {revoked_h, 401, "unauthorized", "revoked"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct http_reply r;
    char url[512];
    snprintf(url, sizeof url, "%s/api/v1/me", url_base);
    const char *headers[] = {cases[i].header, NULL};
    http_do(&r, "GET", url, cases[i].header ? headers : NULL, NULL, 0);
    assert_error(&r, cases[i].status, cases[i].code);
    ck_assert_msg(strstr(r.body, cases[i].message_part) != NULL, "case %zu: %s", i, r.body);
    ck_assert_msg(http_header(&r, "WWW-Authenticate") != NULL, "case %zu: no WWW-Authenticate", i);
    http_reply_free(&r);
  }
}
END_TEST

START_TEST(valid_token_is_accepted_and_scoped)
{
  struct http_reply r;
  get(&r, "/api/v1/me", reviewer);
  ck_assert_msg(r.status == 200, "%s", r.body);
  ck_assert_str_eq(json_string_value(json_object_get(r.json, "role")), "reviewer");
  ck_assert_str_eq(json_string_value(json_array_get(json_object_get(r.json, "agencies"), 0)), "XQ-XK");
  http_reply_free(&r);
}
END_TEST

START_TEST(revocation_takes_effect_on_the_next_request)
{
  struct http_reply r;
  get(&r, "/api/v1/me", ingest);
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);
  testdb_exec(conninfo, "UPDATE tokens SET revoked_at = now() WHERE name = 'ing'");
  get(&r, "/api/v1/me", ingest);
  assert_error(&r, 401, "unauthorized");
  http_reply_free(&r);
}
END_TEST

/* The scoring standards of the pack in force, for any role: the list, one, an unknown one, a stray parameter. */
START_TEST(standards_are_served_whole)
{
  struct http_reply r;
  get(&r, "/api/v1/standards", ingest);
  ck_assert_msg(r.status == 200, "%s", r.body);
  json_t *items = json_object_get(r.json, "items");
  ck_assert_int_ge(json_array_size(items), 2);
  size_t i;
  json_t *st;
  bool have_default = false, have_sd = false;
  json_array_foreach(items, i, st)
  {
    const char *id = json_string_value(json_object_get(st, "id"));
    have_default |= strcmp(id, "default") == 0;
    have_sd |= strcmp(id, "sd-2023") == 0;
  }
  ck_assert_msg(have_default && have_sd, "%s", r.body);
  ck_assert(json_is_object(json_object_get(r.json, "standards_by_agency")));
  http_reply_free(&r);

  get(&r, "/api/v1/standards/sd-2023", reviewer);
  ck_assert_msg(r.status == 200, "%s", r.body);
  json_error_t e;
  json_t *file = json_load_file(CASEAUDIT_SOURCE_ROOT "/rules/standards/sd-2023.json", 0, &e);
  ck_assert_msg(json_equal(file, r.json), "GET /api/v1/standards/sd-2023 is not the file");
  json_decref(file);
  http_reply_free(&r);

  get(&r, "/api/v1/standards/nope", reviewer);
  assert_error(&r, 404, "not_found");
  http_reply_free(&r);
  get(&r, "/api/v1/standards?agency=XQ-XK", reviewer);
  assert_error(&r, 400, "invalid_parameter");
  http_reply_free(&r);
  get(&r, "/api/v1/standards", NULL);
  ck_assert_int_eq(r.status, 401);
  http_reply_free(&r);
}
END_TEST

START_TEST(wrong_role_is_403)
{
  struct http_reply r;
  get(&r, "/metrics", reviewer); /* metrics_public=false: supervisor or admin only */
  assert_error(&r, 403, "forbidden");
  ck_assert_msg(strstr(r.body, "reviewer") != NULL, "%s", r.body);
  http_reply_free(&r);
  get(&r, "/metrics", NULL);
  assert_error(&r, 401, "unauthorized");
  http_reply_free(&r);
  get(&r, "/metrics", admin);
  ck_assert_int_eq(r.status, 200);
  ck_assert_msg(strstr(r.body, "caseaudit_http_requests_total{route=\"GET /metrics\",status=\"403\"} 1") != NULL,
                "%s", r.body);
  ck_assert_msg(strstr(r.body, "caseaudit_db_pool_connections{state=\"size\"} 16") != NULL, "%s", r.body);
  http_reply_free(&r);
}
END_TEST

START_TEST(openapi_documents_every_route)
{
  struct http_reply r;
  get(&r, "/api/v1/openapi.json", NULL);
  ck_assert_int_eq(r.status, 200);
  ck_assert_msg(r.json != NULL, "openapi.json is not JSON");
  ck_assert_str_eq(json_string_value(json_object_get(r.json, "openapi")), "3.0.3");
  json_t *paths = json_object_get(r.json, "paths");
  for (size_t i = 0; i < http_routes_count; i++) {
    json_t *item = json_object_get(paths, http_routes[i].pattern);
    ck_assert_msg(item != NULL, "route %s is not in openapi.json", http_routes[i].pattern);
    char method[16];
    size_t j;
    for (j = 0; http_routes[i].method[j] && j < sizeof method - 1; j++)
      method[j] = (char)(http_routes[i].method[j] | 0x20);
    method[j] = '\0';
    ck_assert_msg(json_object_get(item, method) != NULL, "%s %s is not in openapi.json", http_routes[i].method,
                  http_routes[i].pattern);
  }
  http_reply_free(&r);
}
END_TEST

START_TEST(keep_alive_connections_are_reused)
{
  /* libmicrohttpd closes the connection when a handler answers in its first callback; ours answer in the second. */
  char url[512];
  snprintf(url, sizeof url, "%s/healthz", url_base);
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "curl -s -o /dev/null -o /dev/null -w '%%{num_connects}\\n' %s %s", url, url);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  char out[64] = "";
  ck_assert_ptr_nonnull(fgets(out, sizeof out, p));
  char out2[64] = "";
  ck_assert_ptr_nonnull(fgets(out2, sizeof out2, p));
  pclose(p);
  ck_assert_msg(atoi(out2) == 0, "second request opened a new connection (%s, %s)", out, out2);
}
END_TEST

/* build/daemon/caseauditd --db … --listen …, as a developer runs it: no settings file; the checkout's rules/ and
 * ui/ are found by where the binary is (config_default_dir). Its own database and daemon, no fixture. */
START_TEST(built_daemon_starts_without_config)
{
  /* build/daemon/caseauditd --db … --listen …, as a developer runs it: no settings file, rules/ and ui/ of the
   * checkout found by where the binary is (config_default_dir) */
  char ci[1024], listen[64], url[128], log[128];
  snprintf(ci, sizeof ci, "%s", testdb_create("noconf", true));
  int port = testlib_free_port();
  snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
  snprintf(log, sizeof log, "/tmp/caseauditd-noconf-%d.log", (int)getpid());
  fclose(fopen(log, "w")); /* there before the child opens it: the loop below reads it at once */
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (chdir("/") != 0 || freopen(log, "w", stderr) == NULL)
      _exit(126);
    unsetenv("CASEAUDIT_DB");
    execl(CASEAUDIT_BUILD_ROOT "/daemon/caseauditd", "caseauditd", "--db", ci, "--listen", listen, (char *)NULL);
    _exit(127);
  }
  bool up = false;
  for (int i = 0; !up && i < (int)(3000 * testlib_time_scale()); i++) {
    int st;
    ck_assert_msg(waitpid(pid, &st, WNOHANG) != pid, "caseauditd exited at start (%d): %s", st, read_file(log, NULL));
    char *text = read_file(log, NULL);
    up = strstr(text, "listening on") != NULL;
    if (up)
      ck_assert_msg(strstr(text, "loaded from " CASEAUDIT_SOURCE_ROOT "/rules\n") != NULL, "%s", text);
    free(text);
    if (!up)
      usleep(10 * 1000);
  }
  ck_assert_msg(up, "caseauditd did not start listening within 30 s");
  struct http_reply r;
  snprintf(url, sizeof url, "http://127.0.0.1:%d/readyz", port);
  http_do(&r, "GET", url, NULL, NULL, 0);
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);
  snprintf(url, sizeof url, "http://127.0.0.1:%d/ui/index.html", port);
  http_do(&r, "GET", url, NULL, NULL, 0);
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);
  kill(pid, SIGTERM);
  int st;
  ck_assert_int_eq(waitpid(pid, &st, 0), pid);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
  unlink(log);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("http_base");
  TCase *tc = tcase_create("dispatch");
  tcase_set_timeout(tc, 60);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, unknown_path_is_404_with_error_body);
  tcase_add_test(tc, wrong_method_is_405_with_allow);
  tcase_add_test(tc, healthz_and_readyz_answer_without_token);
  tcase_add_test(tc, readyz_refuses_changed_engine_functions);
  tcase_add_test(tc, unknown_query_parameter_is_400_naming_it);
  tcase_add_test(tc, body_on_a_bodyless_route_is_refused);
  tcase_add_test(tc, authentication_failures);
  tcase_add_test(tc, valid_token_is_accepted_and_scoped);
  tcase_add_test(tc, revocation_takes_effect_on_the_next_request);
  tcase_add_test(tc, wrong_role_is_403);
  tcase_add_test(tc, standards_are_served_whole);
  tcase_add_test(tc, openapi_documents_every_route);
  tcase_add_test(tc, keep_alive_connections_are_reused);
  suite_add_tcase(s, tc);
  TCase *nc = tcase_create("no_config");
  tcase_set_timeout(nc, 120);
  tcase_add_test(nc, built_daemon_starts_without_config);
  suite_add_tcase(s, nc);
  return testlib_run(s);
}
