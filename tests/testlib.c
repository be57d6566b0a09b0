/* Test helpers: throwaway databases on the cluster scripts/test started, an in-process daemon, libcurl calls. */
#include "testlib.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "auth.h"
#include "config.h"
#include "daemon.h"
#include "db.h"
#include "db_tokens.h"

const char *testdb_base(void)
{
  const char *base = getenv("CASEAUDIT_TEST_PG");
  ck_assert_msg(base != NULL && base[0] != '\0',
                "CASEAUDIT_TEST_PG is not set: run the tests through scripts/test (database tests never skip)");
  return base;
}

static PGconn *connect_or_fail(const char *conninfo)
{
  PGconn *pg = PQconnectdb(conninfo);
  ck_assert_msg(PQstatus(pg) == CONNECTION_OK, "cannot connect to %s: %s", conninfo, PQerrorMessage(pg));
  return pg;
}

void testdb_exec(const char *conninfo, const char *sql)
{
  PGconn *pg = connect_or_fail(conninfo);
  PGresult *res = PQexec(pg, sql);
  ExecStatusType st = PQresultStatus(res);
  ck_assert_msg(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage(res));
  PQclear(res);
  PQfinish(pg);
}

char *testdb_value(const char *conninfo, const char *sql)
{
  PGconn *pg = connect_or_fail(conninfo);
  PGresult *res = PQexec(pg, sql);
  ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1, "%s: %s", sql,
                PQresultErrorMessage(res));
  char *v = PQgetisnull(res, 0, 0) ? NULL : strdup(PQgetvalue(res, 0, 0));
  PQclear(res);
  PQfinish(pg);
  return v;
}

void testdb_store_unevaluated(const char *conninfo, json_t *records)
{
  PGconn *pg = connect_or_fail(conninfo);
  for (size_t start = 0; start < json_array_size(records); start += 200) {
    json_t *batch = json_array();
    for (size_t i = start; i < start + 200 && i < json_array_size(records); i++)
      json_array_append(batch, json_array_get(records, i));
    char *text = json_dumps(batch, JSON_COMPACT);
    const char *p[] = {text};
    PGresult *res = PQexecParams(pg, "SELECT count(*) FROM ca_store_batch($1::jsonb, NULL) WHERE status = 'error'",
                                 1, NULL, p, NULL, NULL, 0);
    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s", PQresultErrorMessage(res));
    ck_assert_str_eq(PQgetvalue(res, 0, 0), "0");
    PQclear(res);
    free(text);
    json_decref(batch);
  }
  PQfinish(pg);
}

void testpg_ctl(const char *action)
{
  const char *ctl = getenv("CASEAUDIT_TEST_PG_CTL");
  ck_assert_msg(ctl != NULL, "CASEAUDIT_TEST_PG_CTL is not set: run through scripts/test");
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "%s %s", ctl, action);
  ck_assert_msg(system(cmd) == 0, "'%s' failed", cmd);
}

double test_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

const char *testdb_create(const char *prefix, bool migrate)
{
  static char conninfo[1024];
  static int counter;
  char name[64], sql[256];
  snprintf(name, sizeof name, "ct_%s_%d_%d", prefix, (int)getpid(), counter++);
  char admin[1024];
  snprintf(admin, sizeof admin, "%s dbname=postgres", testdb_base());
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", name);
  testdb_exec(admin, sql);
  snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
  testdb_exec(admin, sql);
  snprintf(conninfo, sizeof conninfo, "%s dbname=%s", testdb_base(), name);
  if (migrate) {
    char err[1024];
    struct db_conn *c = db_connect(conninfo, "caseaudit-test", "Asia/Shanghai", 5, 0, err, sizeof err);
    ck_assert_msg(c != NULL, "connect: %s", err);
    int applied;
    ck_assert_msg(db_migrate(c, &applied, NULL, err, sizeof err) == DB_OK, "migrate: %s", err);
    db_close(c);
  }
  return conninfo;
}

const char *testdb_token(const char *conninfo, const char *name, const char *role, const char *agencies_pg)
{
  static char tokens[8][TOKEN_MAX];
  static int next;
  char *token = tokens[next++ % 8];
  char id[13], hash[65], err[512];
  ck_assert_int_eq(token_new(token, id, hash), 0);
  struct db_conn *c = db_connect(conninfo, "caseaudit-test", "Asia/Shanghai", 5, 0, err, sizeof err);
  ck_assert_msg(c != NULL, "connect: %s", err);
  ck_assert_int_eq(db_token_insert(c, id, name, role, agencies_pg ? agencies_pg : "{}", hash), DB_OK);
  db_close(c);
  return token;
}

static struct http_server *server;
static char base_url[64];

const char *testd_start(const char *conninfo, ...)
{
  char err[1024];
  struct config *cfg = config_new();
  ck_assert_int_eq(config_set(cfg, "db", conninfo, err, sizeof err), 0);
  ck_assert_int_eq(config_set(cfg, "listen", "127.0.0.1:0", err, sizeof err), 0);
  ck_assert_int_eq(config_set(cfg, "rules_dir", CASEAUDIT_SOURCE_ROOT "/rules", err, sizeof err), 0);
  ck_assert_int_eq(config_set(cfg, "ui_dir", CASEAUDIT_SOURCE_ROOT "/ui", err, sizeof err), 0);
  ck_assert_int_eq(config_set(cfg, "log_level", getenv("CASEAUDIT_TEST_LOG") ? "debug" : "error", err, sizeof err), 0);
  va_list ap;
  va_start(ap, conninfo);
  const char *kv;
  while ((kv = va_arg(ap, const char *)) != NULL) {
    char key[128];
    const char *eq = strchr(kv, '=');
    ck_assert_ptr_nonnull(eq);
    snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
    ck_assert_msg(config_set(cfg, key, eq + 1, err, sizeof err) == 0, "%s", err);
  }
  va_end(ap);
  bool tls = cfg->tls_cert[0] != '\0';
  server = daemon_start(cfg, err, sizeof err);
  ck_assert_msg(server != NULL, "daemon_start: %s", err);
  snprintf(base_url, sizeof base_url, "%s://127.0.0.1:%u", tls ? "https" : "http", http_port(server));
  return base_url;
}

static pid_t child;
static char child_log[128], child_conf[128];

void testlib_write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  ck_assert_msg(f != NULL, "cannot write %s", path);
  ck_assert_msg(fputs(text, f) >= 0 && fclose(f) == 0, "cannot write %s", path);
}

int testlib_free_port(void)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  socklen_t len = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &len);
  close(fd);
  return ntohs(a.sin_port);
}

pid_t testd_pid(void) { return child; }
const char *testd_log_path(void) { return child_log; }

const char *testd_spawn(const char *conninfo, ...)
{
  static int counter;
  ck_assert_msg(child == 0, "testd_spawn: a child daemon is already running");
  int port = testlib_free_port();
  snprintf(child_conf, sizeof child_conf, "/tmp/caseauditd-testd-%d-%d.conf", (int)getpid(), counter);
  snprintf(child_log, sizeof child_log, "/tmp/caseauditd-testd-%d-%d.log", (int)getpid(), counter++);
  /* the settings given first, so that a "listen=" among them replaces the default */
  char *extra = NULL;
  size_t extra_len = 0;
  FILE *x = open_memstream(&extra, &extra_len);
  bool tls = false, listen = false;
  va_list ap;
  va_start(ap, conninfo);
  const char *kv;
  while ((kv = va_arg(ap, const char *)) != NULL) {
    const char *eq = strchr(kv, '=');
    ck_assert_ptr_nonnull(eq);
    fprintf(x, "%.*s = %s\n", (int)(eq - kv), kv, eq + 1);
    tls = tls || (strncmp(kv, "tls_cert=", 9) == 0 && eq[1] != '\0');
    if (strncmp(kv, "listen=", 7) == 0) {
      listen = true;
      port = atoi(strrchr(kv, ':') + 1);
    }
  }
  va_end(ap);
  fclose(x);
  FILE *f = fopen(child_conf, "w");
  ck_assert_ptr_nonnull(f);
  if (!listen)
    fprintf(f, "listen = 127.0.0.1:%d\n", port);
  fprintf(f, "rules_dir = %s/rules\nui_dir = %s/ui\nlog_level = %s\n%s", CASEAUDIT_SOURCE_ROOT,
          CASEAUDIT_SOURCE_ROOT, getenv("CASEAUDIT_TEST_LOG") ? "debug" : "info", extra);
  fclose(f);
  free(extra);
  unlink(child_log);
  child = fork();
  ck_assert_int_ge(child, 0);
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* a test that fails (and exits) takes its daemon with it */
    if (freopen(child_log, "w", stderr) == NULL)
      _exit(126);
    execl(CASEAUDIT_BUILD_ROOT "/daemon/caseauditd", "caseauditd", "--config", child_conf, "--db", conninfo,
          (char *)NULL);
    _exit(127);
  }
  /* up to 30 s: the sanitizer build starts slowly on a busy machine */
  for (int i = 0; i < 3000; i++) {
    int st;
    if (waitpid(child, &st, WNOHANG) == child) {
      child = 0;
      char *log = read_file(child_log, NULL);
      ck_abort_msg("caseauditd exited at start (status %d): %s", st, log);
    }
    FILE *l = fopen(child_log, "r");
    if (l != NULL) {
      char line[2048];
      bool up = false;
      while (!up && fgets(line, sizeof line, l) != NULL)
        up = strstr(line, "listening on") != NULL;
      fclose(l);
      if (up) {
        snprintf(base_url, sizeof base_url, "%s://127.0.0.1:%d", tls ? "https" : "http", port);
        return base_url;
      }
    }
    usleep(10 * 1000);
  }
  testd_kill(SIGKILL);
  ck_abort_msg("caseauditd did not start listening within 30 s");
  return NULL;
}

/* Removes the child's files; its log goes to stderr first when it did not end the way sig ends it. */
static int reaped(int sig, int st)
{
  bool expected = (WIFEXITED(st) && WEXITSTATUS(st) == 0) || (WIFSIGNALED(st) && WTERMSIG(st) == sig);
  if (!expected) {
    char *log = read_file(child_log, NULL);
    fprintf(stderr, "caseauditd (status %d) logged:\n%s\n", st, log);
    free(log);
  }
  child = 0;
  unlink(child_conf);
  unlink(child_log);
  return st;
}

int testd_kill(int sig)
{
  ck_assert_msg(child > 0, "testd_kill: no child daemon");
  kill(child, sig);
  int st = 0;
  for (int i = 0; i < 3000; i++) {
    if (waitpid(child, &st, WNOHANG) == child)
      return reaped(sig, st);
    usleep(10 * 1000);
  }
  kill(child, SIGKILL);
  waitpid(child, &st, 0);
  reaped(SIGKILL, st);
  ck_abort_msg("caseauditd did not exit within 30 s of signal %d", sig);
  return st;
}

void testd_stop(void)
{
  if (server != NULL)
    daemon_stop(server, NULL);
  server = NULL;
}

static size_t collect(char *data, size_t size, size_t nmemb, void *arg)
{
  char **bufp = arg;
  size_t n = size * nmemb;
  size_t old = *bufp ? strlen(*bufp) : 0;
  char *p = realloc(*bufp, old + n + 1);
  ck_assert_ptr_nonnull(p);
  memcpy(p + old, data, n);
  p[old + n] = '\0';
  *bufp = p;
  return n;
}

static char source_addr[64], cainfo[1024];

void http_set_source(const char *addr) { snprintf(source_addr, sizeof source_addr, "%s", addr ? addr : ""); }
void http_set_cainfo(const char *path) { snprintf(cainfo, sizeof cainfo, "%s", path ? path : ""); }

void http_do(struct http_reply *out, const char *method, const char *url, const char *const *headers,
             const char *body, size_t body_len)
{
  int rc = http_try(out, method, url, headers, body, body_len);
  ck_assert_msg(rc == CURLE_OK, "%s %s: %s", method, url, curl_easy_strerror((CURLcode)rc));
}

int http_try(struct http_reply *out, const char *method, const char *url, const char *const *headers,
             const char *body, size_t body_len)
{
  memset(out, 0, sizeof *out);
  CURL *curl = curl_easy_init();
  ck_assert_ptr_nonnull(curl);
  struct curl_slist *hl = NULL;
  bool expect = false; /* the caller's own Expect header, else none (curl would add one for large bodies) */
  for (const char *const *h = headers; h && *h; h++) {
    hl = curl_slist_append(hl, *h);
    expect |= strncasecmp(*h, "Expect:", 7) == 0;
  }
  if (!expect)
    hl = curl_slist_append(hl, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hl);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out->body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &out->headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)(60 * testlib_time_scale()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (source_addr[0] != '\0')
    curl_easy_setopt(curl, CURLOPT_INTERFACE, source_addr);
  if (cainfo[0] != '\0')
    curl_easy_setopt(curl, CURLOPT_CAINFO, cainfo);
  if (body != NULL) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
  }
  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
  else
    out->status = -1;
  curl_slist_free_all(hl);
  curl_easy_cleanup(curl);
  if (out->body == NULL)
    out->body = strdup("");
  out->len = strlen(out->body);
  json_error_t jerr;
  out->json = json_loads(out->body, 0, &jerr);
  return (int)rc;
}

struct stream_src {
  size_t (*produce)(void *arg, char *buf, size_t cap);
  void *arg;
};

static size_t stream_read(char *buf, size_t size, size_t nitems, void *arg)
{
  struct stream_src *src = arg;
  return src->produce(src->arg, buf, size * nitems);
}

void http_stream(struct http_reply *out, const char *url, const char *const *headers,
                 size_t (*produce)(void *arg, char *buf, size_t cap), void *arg)
{
  memset(out, 0, sizeof *out);
  struct stream_src src = {produce, arg};
  CURL *curl = curl_easy_init();
  struct curl_slist *hl = NULL;
  for (const char *const *h = headers; h && *h; h++)
    hl = curl_slist_append(hl, *h);
  hl = curl_slist_append(hl, "Transfer-Encoding: chunked");
  hl = curl_slist_append(hl, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hl);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, stream_read);
  curl_easy_setopt(curl, CURLOPT_READDATA, &src);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out->body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &out->headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)(120 * testlib_time_scale()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (cainfo[0] != '\0')
    curl_easy_setopt(curl, CURLOPT_CAINFO, cainfo);
  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
  else
    out->status = -1;
  curl_slist_free_all(hl);
  curl_easy_cleanup(curl);
  if (out->body == NULL)
    out->body = strdup("");
  out->len = strlen(out->body);
  json_error_t jerr;
  out->json = json_loads(out->body, 0, &jerr);
}

const char *small_case(const char *agency, long no)
{
  static _Thread_local char line[512];
  snprintf(line, sizeof line,
           "{\"agency\":{\"code\":\"%s\",\"name\":\"n\"},\"case_no\":\"C%ld\",\"category\":\"other\","
           "\"source\":{\"system\":\"s\",\"version\":1,\"updated_at\":\"2022-01-01T00:00:00+08:00\"},"
           "\"party\":{\"name\":\"p\"},\"officers\":[]}\n",
           agency, no);
  return line;
}

const char *http_header(const struct http_reply *r, const char *name)
{
  static _Thread_local char value[1024]; /* per thread: the fault tests read headers from several threads */
  size_t n = strlen(name);
  for (const char *line = r->headers; line && *line;) {
    const char *end = strstr(line, "\r\n");
    if (end == NULL)
      end = line + strlen(line);
    if ((size_t)(end - line) > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
      const char *v = line + n + 1;
      while (*v == ' ')
        v++;
      snprintf(value, sizeof value, "%.*s", (int)(end - v), v);
      return value;
    }
    line = *end ? end + 2 : end;
  }
  return NULL;
}

void http_reply_free(struct http_reply *r)
{
  free(r->body);
  free(r->headers);
  json_decref(r->json);
  memset(r, 0, sizeof *r);
}

json_t *assert_error(const struct http_reply *r, long status, const char *code)
{
  ck_assert_msg(r->status == status, "status %ld, expected %ld; body %s", r->status, status, r->body);
  ck_assert_msg(r->json != NULL, "error body is not JSON: %s", r->body);
  json_t *err = json_object_get(r->json, "error");
  ck_assert_msg(json_is_object(err), "no error object: %s", r->body);
  ck_assert_str_eq(json_string_value(json_object_get(err, "code")), code);
  ck_assert_msg(json_is_string(json_object_get(err, "message")), "error.message missing");
  json_t *details = json_object_get(err, "details");
  ck_assert_msg(json_is_array(details), "error.details missing");
  return details;
}

char *read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *data = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(data);
  ck_assert_int_eq(fread(data, 1, (size_t)n, f), (size_t)n);
  data[n] = '\0';
  fclose(f);
  if (len)
    *len = (size_t)n;
  return data;
}

const char *fixture(const char *name)
{
  /* per thread: test threads (concurrent writers) build paths at once; a shared buffer was seen half-written */
  static _Thread_local char path[1024];
  snprintf(path, sizeof path, "%s/%s", CASEAUDIT_FIXTURES, name);
  return path;
}

double testlib_time_scale(void)
{
  const char *v = getenv("CASEAUDIT_TEST_TIME_SCALE");
  double scale = v != NULL ? atof(v) : 1.0;
  return scale >= 1.0 ? scale : 1.0;
}

int testlib_run(Suite *s)
{
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_ENV);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
