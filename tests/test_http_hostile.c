/* Hostile input over HTTP: every file of the public JSONTestSuite posted as a case (n_ files: 400 with the error
 * body; y_ files: 400 or 2xx; none may crash or hang the daemon), broken chunked encoding, invalid UTF-8 in paths,
 * queries and bodies, and a daemon that keeps serving afterwards. */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testlib.h"

#define SUITE_DIR CASEAUDIT_SOURCE_ROOT "/../shared/testdata/JSONTestSuite/test_parsing"

static const char *base;
static char token[96];
static int port;

static void setup(void)
{
  const char *ci = testdb_create("hostile", true);
  snprintf(token, sizeof token, "%s", testdb_token(ci, "ing", "ingest", NULL));
  base = testd_start(ci, "auth_fail_limit=5", NULL);
  port = atoi(strrchr(base, ':') + 1);
}

static void teardown(void) { testd_stop(); }

static int json_file(const struct dirent *d) { return strstr(d->d_name, ".json") != NULL; }

START_TEST(json_test_suite)
{
  struct dirent **names;
  int n = scandir(SUITE_DIR, &names, json_file, alphasort);
  ck_assert_msg(n > 300, "JSONTestSuite not found at %s (it comes with shared/testdata)", SUITE_DIR);
  char url[256], auth[160];
  snprintf(url, sizeof url, "%s/api/v1/cases", base);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  const char *headers[] = {auth, "Content-Type: application/json", NULL};
  int counts[3] = {0};
  for (int i = 0; i < n; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", SUITE_DIR, names[i]->d_name);
    size_t len;
    char *body = read_file(path, &len);
    struct http_reply r;
    http_do(&r, "POST", url, headers, body, len);
    char kind = names[i]->d_name[0];
    if (kind == 'n') {
      ck_assert_msg(r.status == 400 || r.status == 413, "%s: %ld %s", names[i]->d_name, r.status, r.body);
      if (r.status == 400) {
        const char *code = json_string_value(json_object_get(json_object_get(r.json, "error"), "code"));
        ck_assert_msg(code && (strcmp(code, "invalid_json") == 0 || strcmp(code, "invalid_input") == 0), "%s: %s",
                      names[i]->d_name, r.body);
      }
      counts[0]++;
    } else if (kind == 'y') {
      ck_assert_msg(r.status == 400 || (r.status >= 200 && r.status < 300), "%s: %ld %s", names[i]->d_name, r.status,
                    r.body);
      counts[1]++;
    } else {
      ck_assert_msg(r.status > 0 && r.status < 500, "%s: %ld %s", names[i]->d_name, r.status, r.body);
      counts[2]++;
    }
    ck_assert_msg(r.json != NULL, "%s: the reply is not JSON: %s", names[i]->d_name, r.body);
    http_reply_free(&r);
    free(body);
    free(names[i]);
  }
  free(names);
  ck_assert_int_eq(counts[0], 188);
  struct http_reply h;
  snprintf(url, sizeof url, "%s/healthz", base);
  http_do(&h, "GET", url, NULL, NULL, 0);
  ck_assert_int_eq(h.status, 200);
  http_reply_free(&h);
}
END_TEST

/* Sends raw bytes on a fresh connection and returns the status line's code (0 when the server closed first). */
static int raw_request(const char *bytes, size_t len, char *reply, size_t rlen)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  struct timeval tv = {10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ck_assert_int_eq(send(fd, bytes, len, 0), (ssize_t)len);
  shutdown(fd, SHUT_WR);
  size_t got = 0;
  ssize_t k;
  while (got + 1 < rlen && (k = recv(fd, reply + got, rlen - 1 - got, 0)) > 0)
    got += (size_t)k;
  reply[got] = '\0';
  close(fd);
  int code = 0;
  sscanf(reply, "HTTP/1.%*d %d", &code);
  return code;
}

START_TEST(broken_framing_and_bad_bytes)
{
  char reply[8192], req[1024];
  /* a chunk size that is not hex */
  snprintf(req, sizeof req,
           "POST /api/v1/cases/bulk HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
           "Content-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n",
           token);
  int code = raw_request(req, strlen(req), reply, sizeof reply);
  ck_assert_msg(code == 400 || code == 0, "broken chunked encoding answered %d: %s", code, reply);
  /* invalid UTF-8 and a NUL-free control byte in the path */
  const char *paths[] = {"/api/v1/cases/%FF%FE", "/ui/%C0%AF..%C0%AFetc", "/api/v1/%00"};
  for (size_t i = 0; i < 3; i++) {
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", paths[i], token);
    code = raw_request(req, strlen(req), reply, sizeof reply);
    ck_assert_msg(code >= 400 && code < 500, "%s answered %d", paths[i], code);
  }
  /* garbage instead of HTTP */
  code = raw_request("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11, reply, sizeof reply);
  ck_assert_msg(code == 0 || (code >= 400 && code < 500), "a TLS hello on the HTTP port answered %d", code);
  /* a body with invalid UTF-8 inside a string */
  struct http_reply r;
  char url[256], auth[160];
  snprintf(url, sizeof url, "%s/api/v1/cases", base);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  const char *headers[] = {auth, "Content-Type: application/json", NULL};
  static const char bad_utf8[] = "{\"case_no\":\"\xff\xfe\"}";
  http_do(&r, "POST", url, headers, bad_utf8, sizeof bad_utf8 - 1);
  assert_error(&r, 400, "invalid_json");
  http_reply_free(&r);
  /* the daemon still serves */
  snprintf(url, sizeof url, "%s/healthz", base);
  http_do(&r, "GET", url, NULL, NULL, 0);
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);
}
END_TEST

START_TEST(failed_authentication_is_rate_limited_per_address)
{
  char url[256];
  snprintf(url, sizeof url, "%s/api/v1/me", base);
  const char *bad[] = {"Authorization: Bearer ca_zzzzzzzzzzzz_0123456789012345678901234567890123456789012", NULL};
  char good_h[160];
  snprintf(good_h, sizeof good_h, "Authorization: Bearer %s", token);
  const char *good[] = {good_h, NULL};
  struct http_reply r;
  for (int i = 0; i < 5; i++) {
    http_do(&r, "GET", url, bad, NULL, 0);
    assert_error(&r, 401, "unauthorized");
    http_reply_free(&r);
  }
  http_do(&r, "GET", url, bad, NULL, 0); /* the sixth failure within the window */
  assert_error(&r, 429, "rate_limited");
  int retry = atoi(http_header(&r, "Retry-After"));
  ck_assert_msg(retry > 0 && retry <= 60, "Retry-After %d", retry);
  http_reply_free(&r);
  /* the blocked address is blocked for valid tokens too (a correct guess must not be told apart) ... */
  http_do(&r, "GET", url, good, NULL, 0);
  assert_error(&r, 429, "rate_limited");
  http_reply_free(&r);
  /* ... while another client address is not affected */
  http_set_source("127.0.0.2");
  http_do(&r, "GET", url, good, NULL, 0);
  ck_assert_msg(r.status == 200, "%s", r.body);
  http_reply_free(&r);
  http_do(&r, "GET", url, bad, NULL, 0);
  assert_error(&r, 401, "unauthorized");
  http_reply_free(&r);
  http_set_source(NULL);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("http_hostile");
  TCase *tc = tcase_create("hostile");
  tcase_set_timeout(tc, 300);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, json_test_suite);
  tcase_add_test(tc, broken_framing_and_bad_bytes);
  tcase_add_test(tc, failed_authentication_is_rate_limited_per_address);
  suite_add_tcase(s, tc);
  return testlib_run(s);
}
