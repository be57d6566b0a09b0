/* caseauditd as a process: command-line errors, SIGHUP reload (bad file keeps the old settings, fixed keys are
 * reported), SIGTERM drain with an upload in flight, and a second SIGTERM that exits at once. */
#include <arpa/inet.h>
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

static char conf_path[128], log_path[128];
static char rules_dir[256] = CASEAUDIT_SOURCE_ROOT "/rules"; /* the pack the daemon serves */
static int port;
static pid_t child;

static void write_conf(const char *extra)
{
  FILE *f = fopen(conf_path, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "listen = 127.0.0.1:%d\ndrain_timeout_s = %d\nrules_dir = %s\nui_dir = %s/ui\n%s", port,
          (int)(5 * testlib_time_scale()), rules_dir, CASEAUDIT_SOURCE_ROOT, extra);
  fclose(f);
}

/* The log as written so far; "" while the child has not created it yet. */
static char *log_text(void)
{
  FILE *f = fopen(log_path, "r");
  if (f == NULL)
    return strdup("");
  fclose(f);
  return read_file(log_path, NULL);
}

static bool log_has(const char *needle)
{
  for (int i = 0; i < 50 * testlib_time_scale(); i++) {
    char *t = log_text();
    bool found = strstr(t, needle) != NULL;
    free(t);
    if (found)
      return true;
    usleep(100 * 1000);
  }
  return false;
}

static int run(const char *const *argv, char **out)
{
  char cmd[2048] = "";
  for (const char *const *a = argv; *a; a++) {
    strcat(cmd, "'");
    strcat(cmd, *a);
    strcat(cmd, "' ");
  }
  strcat(cmd, "2>&1");
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  static char buf[65536];
  size_t n = fread(buf, 1, sizeof buf - 1, p);
  buf[n] = '\0';
  int st = pclose(p);
  if (out)
    *out = buf;
  return WEXITSTATUS(st);
}

static const char *bin(void) { return CASEAUDIT_BUILD_ROOT "/daemon/caseauditd"; }

START_TEST(command_line_errors)
{
  char *out;
  const char *help[] = {bin(), "--help", NULL};
  ck_assert_int_eq(run(help, &out), 0);
  ck_assert_msg(strstr(out, "usage: caseauditd") != NULL, "%s", out);
  const char *bad_flag[] = {bin(), "--frobnicate", NULL};
  ck_assert_int_eq(run(bad_flag, &out), 2);
  const char *extra[] = {bin(), "stray", NULL};
  ck_assert_int_eq(run(extra, &out), 2);
  ck_assert_msg(strstr(out, "unexpected argument 'stray'") != NULL, "%s", out);
  snprintf(conf_path, sizeof conf_path, "/tmp/caseauditd-sig-%d.conf", (int)getpid());
  FILE *f = fopen(conf_path, "w");
  fputs("# ok\nmax_connections = lots\n", f);
  fclose(f);
  const char *bad_conf[] = {bin(), "--config", conf_path, "--print-config", NULL};
  ck_assert_int_eq(run(bad_conf, &out), 2);
  ck_assert_msg(strstr(out, "line 2: key 'max_connections'") != NULL, "%s", out);
  const char *missing[] = {bin(), "--config", "/nonexistent.conf", NULL};
  ck_assert_int_eq(run(missing, &out), 2);
  const char *print[] = {bin(), "--db", "host=x password=hunter2", "--print-config", NULL};
  ck_assert_int_eq(run(print, &out), 0);
  ck_assert_msg(strstr(out, "hunter2") == NULL && strstr(out, "password=****") != NULL, "%s", out);
  unlink(conf_path);
}
END_TEST

static void start_daemon(const char *conninfo)
{
  port = testlib_free_port();
  snprintf(conf_path, sizeof conf_path, "/tmp/caseauditd-sig-%d.conf", (int)getpid());
  snprintf(log_path, sizeof log_path, "/tmp/caseauditd-sig-%d.log", (int)getpid());
  write_conf("");
  child = fork();
  ck_assert_int_ge(child, 0);
  if (child == 0) {
    FILE *l = freopen(log_path, "w", stderr);
    (void)l;
    execl(bin(), bin(), "--config", conf_path, "--db", conninfo, (char *)NULL);
    _exit(127);
  }
  ck_assert_msg(log_has("listening on"), "caseauditd did not start");
}

static int wait_exit(double seconds)
{
  for (int i = 0; i < (int)(seconds * 100); i++) {
    int st;
    if (waitpid(child, &st, WNOHANG) == child)
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    usleep(10 * 1000);
  }
  return -1;
}

static char url[128];
static const char *u(const char *path)
{
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
  return url;
}

START_TEST(sighup_reload_keeps_old_settings_on_error)
{
  char conninfo[1024];
  snprintf(conninfo, sizeof conninfo, "%s", testdb_create("signals", true));
  start_daemon(conninfo);

  write_conf("bogus_key = 1\n");
  kill(child, SIGHUP);
  ck_assert_msg(log_has("reload failed, keeping the current settings"), "no reload error logged");
  ck_assert_msg(log_has("line 5: key 'bogus_key': unknown key"), "the error does not name the line and key");
  struct http_reply r;
  http_do(&r, "GET", u("/readyz"), NULL, NULL, 0);
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);

  /* a good file: metrics become private (reloadable); a changed pool size is reported as needing a restart */
  write_conf("metrics_public = false\ndb_pool_size = 3\n");
  kill(child, SIGHUP);
  ck_assert_msg(log_has("'db_pool_size' changed but only takes effect after a restart"), "fixed key not reported");
  ck_assert_msg(log_has("settings reloaded"), "no reload logged");
  http_do(&r, "GET", u("/metrics"), NULL, NULL, 0);
  assert_error(&r, 401, "unauthorized");
  http_reply_free(&r);

  kill(child, SIGTERM);
  ck_assert_int_eq(wait_exit(10 * testlib_time_scale()), 0);
  unlink(conf_path);
  unlink(log_path);
}
END_TEST

/* The standards of the pack, as GET /api/v1/standards lists them: "id:points of the first section,..." */
static char *standards_seen(const char *token)
{
  char auth[160];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  const char *headers[] = {auth, NULL};
  struct http_reply r;
  http_do(&r, "GET", u("/api/v1/standards"), headers, NULL, 0);
  ck_assert_msg(r.status == 200, "%s", r.body);
  static char seen[512];
  seen[0] = '\0';
  size_t i;
  json_t *st;
  json_array_foreach(json_object_get(r.json, "items"), i, st)
  {
    json_t *s0 = json_array_get(json_object_get(st, "sections"), 0);
    snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s%s:%lld", i ? "," : "",
             json_string_value(json_object_get(st, "id")), (long long)json_integer_value(json_object_get(s0, "points")));
  }
  http_reply_free(&r);
  return seen;
}

/* A standard is part of the pack: a bad one refuses the whole pack on SIGHUP (the pack in force stays, whole), a
 * good new one is served after the next SIGHUP. */
START_TEST(sighup_refuses_a_pack_with_a_bad_standard)
{
  char conninfo[1024], cmd[1024];
  snprintf(conninfo, sizeof conninfo, "%s", testdb_create("signals_std", true));
  const char *token = testdb_token(conninfo, "std-reader", "reviewer", "{XQ-XK}");
  snprintf(rules_dir, sizeof rules_dir, "/tmp/caseauditd-sig-rules-%d", (int)getpid());
  snprintf(cmd, sizeof cmd, "rm -rf %s && cp -r %s/rules %s", rules_dir, CASEAUDIT_SOURCE_ROOT, rules_dir);
  ck_assert_int_eq(system(cmd), 0);
  start_daemon(conninfo);
  ck_assert_str_eq(standards_seen(token), "default:0,sd-2023:10");

  /* sd-2023's first section worth 5 instead of 10: its sections no longer add up to 100 */
  snprintf(cmd, sizeof cmd, "sed -i '0,/\"points\": 10,/s//\"points\": 5,/' %s/standards/sd-2023.json", rules_dir);
  ck_assert_int_eq(system(cmd), 0);
  kill(child, SIGHUP);
  ck_assert_msg(log_has("rule pack reload failed, keeping the current pack"), "no refusal logged");
  ck_assert_msg(log_has("standards/sd-2023.json: sections: points add up to 95"), "the refusal names no file and field");
  ck_assert_str_eq(standards_seen(token), "default:0,sd-2023:10");

  /* repaired, and a standard more: served */
  snprintf(cmd, sizeof cmd, "sed -i '0,/\"points\": 5,/s//\"points\": 10,/' %s/standards/sd-2023.json && "
           "sed 's/\"id\": \"default\"/\"id\": \"copy\"/' %s/standards/default.json > %s/standards/copy.json",
           rules_dir, rules_dir, rules_dir);
  ck_assert_int_eq(system(cmd), 0);
  kill(child, SIGHUP);
  bool served = false;
  for (int i = 0; !served && i < 50 * testlib_time_scale(); i++) {
    served = strcmp(standards_seen(token), "copy:0,default:0,sd-2023:10") == 0;
    if (!served)
      usleep(100 * 1000);
  }
  ck_assert_msg(served, "after the repair: %s", standards_seen(token));

  kill(child, SIGTERM);
  ck_assert_int_eq(wait_exit(10 * testlib_time_scale()), 0);
  snprintf(cmd, sizeof cmd, "rm -rf %s", rules_dir);
  ck_assert_int_eq(system(cmd), 0);
  snprintf(rules_dir, sizeof rules_dir, "%s/rules", CASEAUDIT_SOURCE_ROOT);
  unlink(conf_path);
  unlink(log_path);
}
END_TEST

START_TEST(sigterm_exits_zero_when_idle)
{
  char conninfo[1024];
  snprintf(conninfo, sizeof conninfo, "%s", testdb_create("signals2", true));
  start_daemon(conninfo);
  kill(child, SIGPIPE); /* ignored */
  usleep(100 * 1000);
  ck_assert_int_eq(wait_exit(0.1), -1);
  kill(child, SIGTERM);
  ck_assert_int_eq(wait_exit(5 * testlib_time_scale()), 0);
  ck_assert(log_has("draining"));
  ck_assert(log_has("stopped"));
  unlink(conf_path);
  unlink(log_path);
}
END_TEST

struct slow {
  long next, total;
  useconds_t pause;
  const char *token;
  struct http_reply reply;
};

static size_t slow_produce(void *arg, char *buf, size_t cap)
{
  struct slow *sl = arg;
  if (sl->next > sl->total)
    return 0;
  usleep(sl->pause);
  const char *line = small_case("SIG", sl->next++);
  size_t n = strlen(line);
  ck_assert_uint_le(n, cap);
  memcpy(buf, line, n);
  return n;
}

static void *slow_upload(void *arg)
{
  struct slow *sl = arg;
  char auth[160];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", sl->token);
  const char *headers[] = {auth, "Content-Type: application/x-ndjson", NULL};
  char upload_url[128];
  snprintf(upload_url, sizeof upload_url, "http://127.0.0.1:%d/api/v1/cases/bulk", port);
  http_stream(&sl->reply, upload_url, headers, slow_produce, sl);
  return NULL;
}

START_TEST(sigterm_lets_an_upload_in_flight_finish)
{
  char conninfo[1024];
  snprintf(conninfo, sizeof conninfo, "%s", testdb_create("drain", true));
  struct slow sl = {.next = 1, .total = 40, .pause = 50 * 1000};
  sl.token = testdb_token(conninfo, "ing", "ingest", NULL);
  start_daemon(conninfo);
  pthread_t t;
  pthread_create(&t, NULL, slow_upload, &sl);
  usleep(500 * 1000);
  kill(child, SIGTERM);
  pthread_join(t, NULL);
  ck_assert_msg(sl.reply.status == 200, "status %ld: %s", sl.reply.status, sl.reply.body);
  ck_assert_int_eq(json_integer_value(json_object_get(sl.reply.json, "accepted")), 40);
  ck_assert_int_eq(wait_exit(5 * testlib_time_scale()), 0);
  char *n = testdb_value(conninfo, "SELECT count(*) FROM cases WHERE agency_code = 'SIG'");
  ck_assert_str_eq(n, "40");
  free(n);
  http_reply_free(&sl.reply);
  unlink(conf_path);
  unlink(log_path);
}
END_TEST

START_TEST(second_sigterm_exits_at_once)
{
  char conninfo[1024];
  snprintf(conninfo, sizeof conninfo, "%s", testdb_create("drain2", true));
  struct slow sl = {.next = 1, .total = 100, .pause = 100 * 1000}; /* 10 s of upload */
  sl.token = testdb_token(conninfo, "ing", "ingest", NULL);
  start_daemon(conninfo);
  pthread_t t;
  pthread_create(&t, NULL, slow_upload, &sl);
  usleep(500 * 1000);
  kill(child, SIGTERM);
  usleep(300 * 1000);
  ck_assert_int_eq(wait_exit(0.1), -1); /* still draining */
  kill(child, SIGTERM);
  ck_assert_int_eq(wait_exit(3 * testlib_time_scale()), 0);
  ck_assert(log_has("second signal"));
  pthread_join(t, NULL);
  ck_assert_msg(sl.reply.status != 200, "the upload was not cut short");
  http_reply_free(&sl.reply);
  unlink(conf_path);
  unlink(log_path);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("http_signals");
  TCase *tc = tcase_create("signals");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, command_line_errors);
  tcase_add_test(tc, sighup_reload_keeps_old_settings_on_error);
  tcase_add_test(tc, sighup_refuses_a_pack_with_a_bad_standard);
  tcase_add_test(tc, sigterm_exits_zero_when_idle);
  tcase_add_test(tc, sigterm_lets_an_upload_in_flight_finish);
  tcase_add_test(tc, second_sigterm_exits_at_once);
  suite_add_tcase(s, tc);
  return testlib_run(s);
}
