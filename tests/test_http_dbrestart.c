/* /readyz and authenticated requests while PostgreSQL stops and restarts: 503 fast, then 200 without a restart. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "testlib.h"

START_TEST(readyz_follows_the_database)
{
  char conninfo[1024];
  snprintf(conninfo, sizeof conninfo, "%s", testdb_create("restart", true));
  const char *token = testdb_token(conninfo, "sup", "supervisor", NULL);
  const char *base = testd_start(conninfo, NULL);
  char readyz[256], me[256], auth[256];
  snprintf(readyz, sizeof readyz, "%s/readyz", base);
  snprintf(me, sizeof me, "%s/api/v1/me", base);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  const char *headers[] = {auth, NULL};
  struct http_reply r;

  http_do(&r, "GET", readyz, NULL, NULL, 0);
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);
  http_do(&r, "GET", me, headers, NULL, 0); /* warms pool connections that the restart will break */
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);

  testpg_ctl("stop");
  for (int i = 0; i < 3; i++) {
    double t0 = test_now_ms();
    http_do(&r, "GET", readyz, NULL, NULL, 0);
    double took = test_now_ms() - t0;
    json_t *d = assert_error(&r, 503, "not_ready");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(d, 0), "path")), "database");
    ck_assert_msg(took < 1000.0, "readyz took %.0f ms while the database was down", took);
    http_reply_free(&r);
    t0 = test_now_ms();
    http_do(&r, "GET", me, headers, NULL, 0);
    took = test_now_ms() - t0;
    assert_error(&r, 503, "database_unavailable");
    ck_assert_str_eq(http_header(&r, "Retry-After"), "1");
    ck_assert_msg(took < 1000.0, "an API request took %.0f ms while the database was down", took);
    http_reply_free(&r);
  }

  testpg_ctl("start");
  bool ready = false;
  for (int i = 0; i < 100 && !ready; i++) {
    http_do(&r, "GET", readyz, NULL, NULL, 0);
    ready = r.status == 200;
    http_reply_free(&r);
    if (!ready)
      usleep(100 * 1000);
  }
  ck_assert_msg(ready, "readyz did not return to 200 within 10 s of the restart");
  http_do(&r, "GET", me, headers, NULL, 0);
  ck_assert_msg(r.status == 200, "after the restart: %s", r.body);
  http_reply_free(&r);
  testd_stop();
}
END_TEST

struct producer {
  long next, total, stop_after;
  bool stopped;
  const char *conninfo;
};

/* Cases committed so far (a separate connection: the server's batches commit on their own). */
static long committed(const char *conninfo)
{
  PGconn *pg = PQconnectdb(conninfo);
  long n = -1;
  if (PQstatus(pg) == CONNECTION_OK) {
    PGresult *res = PQexec(pg, "SELECT count(*) FROM cases");
    if (PQresultStatus(res) == PGRES_TUPLES_OK)
      n = atol(PQgetvalue(res, 0, 0));
    PQclear(res);
  }
  PQfinish(pg);
  return n;
}

static size_t produce(void *arg, char *buf, size_t cap)
{
  struct producer *p = arg;
  if (p->next > p->total)
    return 0;
  if (p->next == p->stop_after && !p->stopped) {
    /* stop only once some batch has committed, however slow the machine: the test needs both outcomes */
    for (int i = 0; i < 600 && committed(p->conninfo) <= 0; i++)
      usleep(100 * 1000);
    testpg_ctl("stop");
    p->stopped = true;
  }
  const char *line = small_case("FAULT", p->next);
  size_t n = strlen(line);
  ck_assert_uint_le(n, cap);
  memcpy(buf, line, n);
  p->next++;
  return n;
}

START_TEST(postgres_stopped_mid_bulk_loses_no_accepted_line)
{
  char conninfo[1024];
  snprintf(conninfo, sizeof conninfo, "%s", testdb_create("midbulk", true));
  const char *token = testdb_token(conninfo, "ing", "ingest", NULL);
  const char *base = testd_start(conninfo, "bulk_batch_size=25", NULL);
  char url[256], auth[256];
  snprintf(url, sizeof url, "%s/api/v1/cases/bulk?results=all", base);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  const char *headers[] = {auth, "Content-Type: application/x-ndjson", NULL};
  struct producer p = {.next = 1, .total = 400, .stop_after = 200, .conninfo = conninfo};
  struct http_reply r;
  http_stream(&r, url, headers, produce, &p);
  testpg_ctl("start"); /* first: a failed assertion must not leave the shared cluster down */
  ck_assert_msg(r.status == 200, "status %ld: %.300s", r.status, r.body);
  long accepted = (long)json_integer_value(json_object_get(r.json, "accepted"));
  long rejected = (long)json_integer_value(json_object_get(r.json, "rejected"));
  ck_assert_int_eq(accepted + rejected, 400);
  ck_assert_msg(accepted > 0 && rejected > 0, "accepted %ld, rejected %ld", accepted, rejected);

  /* every line reported accepted is stored; every refusal says the database was unavailable */
  char *ids = malloc(64 * 400 + 64);
  strcpy(ids, "SELECT count(*) FROM cases WHERE case_no IN ('-'");
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(r.json, "results"), i, e)
  {
    const char *status = json_string_value(json_object_get(e, "status"));
    if (strcmp(status, "created") == 0)
      sprintf(ids + strlen(ids), ",'C%lld'", (long long)json_integer_value(json_object_get(e, "line")));
    else
      ck_assert_str_eq(json_string_value(json_object_get(json_object_get(e, "error"), "code")),
                       "database_unavailable");
  }
  strcat(ids, ")");
  char *stored = NULL;
  for (int tries = 0; tries < 50 && stored == NULL; tries++) {
    usleep(100 * 1000);
    char admin[1100];
    snprintf(admin, sizeof admin, "%s connect_timeout=2", conninfo);
    PGconn *pg = PQconnectdb(admin);
    if (PQstatus(pg) == CONNECTION_OK) {
      PQfinish(pg);
      stored = testdb_value(conninfo, ids);
    } else {
      PQfinish(pg);
    }
  }
  ck_assert_ptr_nonnull(stored);
  ck_assert_int_eq(atol(stored), accepted);
  free(stored);
  free(ids);
  http_reply_free(&r);
  testd_stop();
}
END_TEST

int main(void)
{
  Suite *s = suite_create("http_dbrestart");
  TCase *tc = tcase_create("restart");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, readyz_follows_the_database);
  tcase_add_test(tc, postgres_stopped_mid_bulk_loses_no_accepted_line);
  suite_add_tcase(s, tc);
  return testlib_run(s);
}
