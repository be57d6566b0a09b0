/* HTTPS through libmicrohttpd's GnuTLS: a certificate made at test time, requests with its CA pinned, plain HTTP
 * to the TLS port refused, bad tls_cert/tls_key settings refused at start naming the key, the plain-HTTP warning,
 * and SIGHUP reporting a renewed certificate as needing a restart. */
#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "testlib.h"

#define DAEMON CASEAUDIT_BUILD_ROOT "/daemon/caseauditd"

static char dir[128];

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
  char cmd[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  ck_assert_msg(system(cmd) == 0, "'%s' failed", cmd);
}

static const char *path(const char *name)
{
  static char p[4][256];
  static int next;
  char *out = p[next++ % 4];
  snprintf(out, 256, "%s/%s", dir, name);
  return out;
}

/* A self-signed certificate for 127.0.0.1 (NAME.pem, NAME.key) in this test's folder, made with Debian's openssl. */
static void make_cert(const char *name)
{
  sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 "
     "-addext subjectAltName=IP:127.0.0.1 -keyout '%s/%s.key' -out '%s/%s.pem' 2>/dev/null",
     dir, name, dir, name);
}

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/caseaudit-tls-%d", (int)getpid());
  sh("rm -rf '%s' && mkdir -p '%s'", dir, dir);
  sh("command -v openssl >/dev/null || { echo 'openssl is missing: scripts/lib.sh installs it' >&2; exit 1; }");
  make_cert("server");
}

static void teardown(void)
{
  http_set_cainfo(NULL);
  sh("rm -rf '%s'", dir);
}

static char cert_kv[300], key_kv[300];
static void tls_settings(const char *cert, const char *key)
{
  snprintf(cert_kv, sizeof cert_kv, "tls_cert=%s", cert);
  snprintf(key_kv, sizeof key_kv, "tls_key=%s", key);
}

struct lines {
  long next, total;
};

static size_t produce_lines(void *arg, char *buf, size_t cap)
{
  struct lines *l = arg;
  if (l->next > l->total)
    return 0;
  const char *line = small_case("TLSBULK", l->next++);
  size_t n = strlen(line);
  ck_assert_uint_le(n, cap);
  memcpy(buf, line, n);
  return n;
}

START_TEST(https_with_the_ca_pinned)
{
  ck_assert_msg(MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES, "this libmicrohttpd was built without TLS");
  char ci[1024];
  snprintf(ci, sizeof ci, "%s", testdb_create("tls", true));
  const char *token = testdb_token(ci, "ing", "ingest", NULL);
  tls_settings(path("server.pem"), path("server.key"));
  char base[128];
  snprintf(base, sizeof base, "%s", testd_start(ci, cert_kv, key_kv, NULL));
  ck_assert_msg(strncmp(base, "https://", 8) == 0, "%s", base);
  char url[256], auth[256];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  const char *headers[] = {auth, "Content-Type: application/json", NULL};
  struct http_reply r;

  /* without the CA: the system's store does not know the certificate, so the client refuses it */
  snprintf(url, sizeof url, "%s/healthz", base);
  int rc = http_try(&r, "GET", url, NULL, NULL, 0);
  ck_assert_msg(rc == CURLE_PEER_FAILED_VERIFICATION, "unpinned: %s", curl_easy_strerror((CURLcode)rc));
  http_reply_free(&r);

  http_set_cainfo(path("server.pem"));
  http_do(&r, "GET", url, NULL, NULL, 0);
  ck_assert_int_eq(r.status, 200);
  ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "ok");
  http_reply_free(&r);

  /* an authenticated call with a body, and one reading it back */
  snprintf(url, sizeof url, "%s/api/v1/me", base);
  http_do(&r, "GET", url, headers, NULL, 0);
  ck_assert_msg(r.status == 200, "%s", r.body);
  ck_assert_str_eq(json_string_value(json_object_get(r.json, "name")), "ing");
  http_reply_free(&r);
  snprintf(url, sizeof url, "%s/api/v1/cases", base);
  const char *rec = small_case("TLS", 1);
  http_do(&r, "POST", url, headers, rec, strlen(rec));
  ck_assert_msg(r.status == 201, "%s", r.body);
  http_reply_free(&r);
  char *n = testdb_value(ci, "SELECT count(*) FROM cases WHERE agency_code = 'TLS'");
  ck_assert_str_eq(n, "1");
  free(n);
  /* a chunked NDJSON upload, read incrementally through TLS */
  snprintf(url, sizeof url, "%s/api/v1/cases/bulk", base);
  const char *ndjson_headers[] = {auth, "Content-Type: application/x-ndjson", NULL};
  struct lines lines = {1, 300};
  http_stream(&r, url, ndjson_headers, produce_lines, &lines);
  ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
  ck_assert_int_eq(json_integer_value(json_object_get(r.json, "accepted")), 300);
  http_reply_free(&r);

  /* a wrong token over TLS is still a 401 */
  const char *bad[] = {"Authorization: Bearer nope", NULL};
  snprintf(url, sizeof url, "%s/api/v1/me", base);
  http_do(&r, "GET", url, bad, NULL, 0);
  assert_error(&r, 401, "unauthorized");
  http_reply_free(&r);

  /* plain HTTP to the TLS port: no HTTP reply, the connection closes promptly */
  char plain[256];
  snprintf(plain, sizeof plain, "http://%s/healthz", base + 8);
  double t0 = test_now_ms();
  rc = http_try(&r, "GET", plain, NULL, NULL, 0);
  double took = test_now_ms() - t0;
  ck_assert_msg(rc != CURLE_OK && r.status == -1, "plain HTTP got a reply: %ld %s", r.status, r.body);
  ck_assert_msg(took < 5000, "plain HTTP to the TLS port took %.0f ms to fail", took);
  fprintf(stderr, "tls: plain HTTP to the TLS port failed in %.0f ms (%s)\n", took,
          curl_easy_strerror((CURLcode)rc));
  http_reply_free(&r);

  /* the same by hand: whatever comes back (a TLS alert, or nothing) is not HTTP, and the server hangs up */
  unsigned port = (unsigned)atoi(strrchr(base, ':') + 1);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const char req[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  ck_assert_int_eq(send(fd, req, sizeof req - 1, MSG_NOSIGNAL), (ssize_t)(sizeof req - 1));
  char buf[512];
  size_t got = 0;
  ssize_t k;
  t0 = test_now_ms();
  while ((k = recv(fd, buf + got, sizeof buf - 1 - got, 0)) > 0 && got < sizeof buf - 1)
    got += (size_t)k;
  took = test_now_ms() - t0;
  close(fd);
  buf[got] = '\0';
  ck_assert_msg(k == 0 || (k < 0 && errno == ECONNRESET), "the connection stayed open (%.0f ms)", took);
  ck_assert_msg(got < 5 || memcmp(buf, "HTTP/", 5) != 0, "an HTTP reply on the TLS port: %s", buf);

  /* and the server is unharmed */
  snprintf(url, sizeof url, "%s/healthz", base);
  http_do(&r, "GET", url, NULL, NULL, 0);
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);
  testd_stop();
}
END_TEST

static char *log_text(void) { return read_file(testd_log_path(), NULL); }

static bool log_has(const char *needle)
{
  for (int i = 0; i < 100; i++) {
    char *t = log_text();
    bool found = strstr(t, needle) != NULL;
    free(t);
    if (found)
      return true;
    usleep(50 * 1000);
  }
  return false;
}

START_TEST(the_process_serves_https_and_warns_of_plain_http)
{
  char ci[1024];
  snprintf(ci, sizeof ci, "%s", testdb_create("tlsproc", true));
  tls_settings(path("server.pem"), path("server.key"));
  const char *base = testd_spawn(ci, cert_kv, key_kv, NULL);
  ck_assert_msg(strncmp(base, "https://", 8) == 0, "%s", base);
  http_set_cainfo(path("server.pem"));
  char url[256];
  snprintf(url, sizeof url, "%s/healthz", base);
  struct http_reply r;
  http_do(&r, "GET", url, NULL, NULL, 0);
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);
  char *log = log_text();
  ck_assert_msg(strstr(log, "TLS: serving HTTPS with the certificate in") != NULL, "%s", log);
  ck_assert_msg(strstr(log, "plain HTTP") == NULL, "%s", log);
  free(log);
  int st = testd_kill(SIGTERM);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);

  /* plain HTTP on loopback: no warning */
  base = testd_spawn(ci, NULL);
  ck_assert_msg(strncmp(base, "http://", 7) == 0, "%s", base);
  log = log_text();
  ck_assert_msg(strstr(log, "plain HTTP") == NULL, "%s", log);
  free(log);
  testd_kill(SIGTERM);

  /* plain HTTP on every address: the warning (nothing is sent to it; it is stopped at once) */
  char listen[64];
  snprintf(listen, sizeof listen, "listen=0.0.0.0:%s", strrchr(base, ':') + 1);
  testd_spawn(ci, listen, NULL);
  ck_assert_msg(log_has("serving plain HTTP on 0.0.0.0:"), "no warning for plain HTTP on 0.0.0.0");
  ck_assert(log_has("not a loopback address"));
  testd_kill(SIGTERM);
}
END_TEST

/* Runs caseauditd with a config of these TLS settings; returns its exit status and its output (static). */
static int run_daemon(const char *ci, const char *cert, const char *key, char **output)
{
  static char out[8192];
  char conf[256];
  snprintf(conf, sizeof conf, "%s/bad.conf", dir);
  FILE *f = fopen(conf, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "listen = 127.0.0.1:0\nrules_dir = %s/rules\nui_dir = %s/ui\ntls_cert = %s\ntls_key = %s\n",
          CASEAUDIT_SOURCE_ROOT, CASEAUDIT_SOURCE_ROOT, cert, key);
  fclose(f);
  char cmd[2048];
  /* a daemon that wrongly starts is stopped by timeout (exit 124) */
  snprintf(cmd, sizeof cmd, "timeout 20 %s --config %s --db '%s' 2>&1", DAEMON, conf, ci);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  size_t n = fread(out, 1, sizeof out - 1, p);
  out[n] = '\0';
  int st = pclose(p);
  *output = out;
  return WEXITSTATUS(st);
}

struct bad_case {
  const char *cert, *key; /* file names in the test folder, "" for unset, or absolute paths */
  int exit;
  const char *message;  /* with %s for the folder where the message names a file */
};

static const struct bad_case bad_cases[] = {
  {"/nonexistent/cert.pem", "server.key", 1, "key 'tls_cert': cannot read /nonexistent/cert.pem: No such file"},
  {"server.pem", "/nonexistent/key.pem", 1, "key 'tls_key': cannot read /nonexistent/key.pem: No such file"},
  {"server.pem", "/tmp", 1, "key 'tls_key': /tmp is not a PEM file (not a regular file)"},
  {"server.pem", "other.key", 1,
   "key 'tls_key': the key in %s/other.key does not belong to the certificate in %s/server.pem (tls_cert)"},
  {"server.key", "server.key", 1, "key 'tls_cert': %s/server.key holds no valid PEM certificate"},
  {"truncated.pem", "server.key", 1, "key 'tls_cert': %s/truncated.pem holds no valid PEM certificate"},
  {"empty.pem", "server.key", 1, "key 'tls_cert': %s/empty.pem holds no valid PEM certificate"},
  {"server.pem", "server.pem", 1, "key 'tls_key': %s/server.pem holds no valid unencrypted PEM private key"},
  {"server.pem", "encrypted.key", 1, "key 'tls_key': %s/encrypted.key holds no valid unencrypted PEM private key"},
  {"server.pem", "", 2, "key 'tls_key': not set while tls_cert is: set both tls_cert and tls_key, or neither"},
  {"", "server.key", 2, "key 'tls_cert': not set while tls_key is"},
};

START_TEST(bad_tls_settings_refuse_to_start)
{
  const struct bad_case *bc = &bad_cases[_i];
  make_cert("other");
  sh("head -c 300 '%s' > '%s'", path("server.pem"), path("truncated.pem"));
  sh(": > '%s'", path("empty.pem"));
  sh("openssl pkcs8 -topk8 -in '%s' -out '%s' -passout pass:secret 2>/dev/null", path("server.key"),
     path("encrypted.key"));
  char ci[1024];
  snprintf(ci, sizeof ci, "%s", testdb_create("tlsbad", true));
  char cert[256], key[256], expect[512];
  snprintf(cert, sizeof cert, "%s", bc->cert[0] == '/' || bc->cert[0] == '\0' ? bc->cert : path(bc->cert));
  snprintf(key, sizeof key, "%s", bc->key[0] == '/' || bc->key[0] == '\0' ? bc->key : path(bc->key));
  snprintf(expect, sizeof expect, bc->message, dir, dir);
  char *out;
  int rc = run_daemon(ci, cert, key, &out);
  ck_assert_msg(rc == bc->exit, "exit %d, expected %d: %s", rc, bc->exit, out);
  ck_assert_msg(strstr(out, expect) != NULL, "expected '%s' in: %s", expect, out);
  ck_assert_msg(strstr(out, "listening on") == NULL, "it started: %s", out);
  /* the in-process start refuses the same way, and a good pair after it still starts */
  if (bc->exit == 1) {
    testdb_token(ci, "x", "admin", NULL);
    char ck[300], kk[300];
    snprintf(ck, sizeof ck, "tls_cert=%s", cert);
    snprintf(kk, sizeof kk, "tls_key=%s", key);
    struct config *cfg = config_new();
    char err[1024];
    ck_assert_int_eq(config_set(cfg, "db", ci, err, sizeof err), 0);
    ck_assert_int_eq(config_set(cfg, "listen", "127.0.0.1:0", err, sizeof err), 0);
    ck_assert_int_eq(config_set(cfg, "rules_dir", CASEAUDIT_SOURCE_ROOT "/rules", err, sizeof err), 0);
    ck_assert_int_eq(config_set(cfg, "log_level", "error", err, sizeof err), 0);
    ck_assert_int_eq(config_set(cfg, "tls_cert", cert, err, sizeof err), 0);
    ck_assert_int_eq(config_set(cfg, "tls_key", key, err, sizeof err), 0);
    struct http_server *s = daemon_start(cfg, err, sizeof err);
    ck_assert_msg(s == NULL, "daemon_start accepted %s / %s", cert, key);
    ck_assert_msg(strstr(err, expect) != NULL, "expected '%s' in: %s", expect, err);
    tls_settings(path("server.pem"), path("server.key"));
    testd_start(ci, cert_kv, key_kv, NULL);
    testd_stop();
  }
}
END_TEST

START_TEST(sighup_reports_a_renewed_certificate)
{
  char ci[1024];
  snprintf(ci, sizeof ci, "%s", testdb_create("tlshup", true));
  sh("cp '%s' '%s'", path("server.pem"), path("served-ca.pem"));
  tls_settings(path("server.pem"), path("server.key"));
  const char *base = testd_spawn(ci, cert_kv, key_kv, NULL);
  char url[256];
  snprintf(url, sizeof url, "%s/healthz", base);
  http_set_cainfo(path("served-ca.pem"));

  /* SIGHUP with nothing changed: no TLS warning */
  kill(testd_pid(), SIGHUP);
  ck_assert(log_has("settings reloaded"));
  char *log = log_text();
  ck_assert_msg(strstr(log, "reload: the file of") == NULL && strstr(log, "'tls_cert' changed") == NULL, "%s", log);
  free(log);

  /* renewed in place (certbot's way): reported, and the old certificate is still the one served */
  make_cert("server");
  kill(testd_pid(), SIGHUP);
  char expect[512];
  snprintf(expect, sizeof expect, "reload: the file of 'tls_cert' (%s) changed but only takes effect after a restart",
           path("server.pem"));
  ck_assert_msg(log_has(expect), "no warning '%s'", expect);
  snprintf(expect, sizeof expect, "reload: the file of 'tls_key' (%s) changed", path("server.key"));
  ck_assert_msg(log_has(expect), "no warning '%s'", expect);
  struct http_reply r;
  http_do(&r, "GET", url, NULL, NULL, 0);
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);
  http_set_cainfo(path("server.pem")); /* the new certificate is not served until a restart */
  int rc = http_try(&r, "GET", url, NULL, NULL, 0);
  ck_assert_msg(rc == CURLE_PEER_FAILED_VERIFICATION, "%s", curl_easy_strerror((CURLcode)rc));
  http_reply_free(&r);

  /* a new path: the fixed-key warning every such key gets */
  char conf[256];
  snprintf(conf, sizeof conf, "/tmp/caseauditd-testd-%d-", (int)getpid());
  sh("cp '%s' '%s'", path("server.pem"), path("renamed.pem"));
  sh("sed -i 's|^tls_cert = .*|tls_cert = %s|' %s*.conf", path("renamed.pem"), conf);
  kill(testd_pid(), SIGHUP);
  ck_assert(log_has("reload: 'tls_cert' changed but only takes effect after a restart"));
  http_set_cainfo(path("served-ca.pem"));
  http_do(&r, "GET", url, NULL, NULL, 0);
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);

  /* a restart serves the new one */
  testd_kill(SIGTERM);
  base = testd_spawn(ci, cert_kv, key_kv, NULL);
  snprintf(url, sizeof url, "%s/healthz", base);
  http_set_cainfo(path("server.pem"));
  http_do(&r, "GET", url, NULL, NULL, 0);
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);
  testd_kill(SIGTERM);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("http_tls");
  TCase *tc = tcase_create("tls");
  tcase_set_timeout(tc, 120);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, https_with_the_ca_pinned);
  tcase_add_test(tc, the_process_serves_https_and_warns_of_plain_http);
  tcase_add_loop_test(tc, bad_tls_settings_refuse_to_start, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
  tcase_add_test(tc, sighup_reports_a_renewed_certificate);
  suite_add_tcase(s, tc);
  return testlib_run(s);
}
