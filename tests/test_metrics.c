/* test_metrics.c: the metrics module alone (a leaf: no server, no pool): rows for as many routes as it is given,
 * requests that matched none, status columns, histogram buckets, and the gauges its caller passes. */
#include "metrics.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

static char *render(const struct metrics_gauges *g)
{
  struct buf out = {0};
  ck_assert_int_eq(metrics_render(&out, g), 0);
  ck_assert_int_eq(buf_append(&out, "", 1), 0); /* NUL-terminated */
  return out.data;
}

static void assert_has(const char *text, const char *line)
{
  ck_assert_msg(strstr(text, line) != NULL, "missing '%s' in:\n%s", line, text);
}

START_TEST(counts_by_route_and_status)
{
  const char *names[] = {"GET /a", "POST /b"};
  ck_assert_int_eq(metrics_init(names, 2), 0);
  metrics_request(0, 200, 0.5);
  metrics_request(0, 200, 3);
  metrics_request(1, 422, 30);
  metrics_request(1, 299, 1); /* a status without a column of its own */
  metrics_request(-1, 404, 1);
  metrics_request(7, 404, 1); /* an index it was not given: counted as no route */
  metrics_cases_ingested(5);
  struct metrics_gauges g = {.pool_in_use = 3, .pool_size = 16, .inflight = 2};
  char *t = render(&g);
  assert_has(t, "caseaudit_http_requests_total{route=\"GET /a\",status=\"200\"} 2\n");
  assert_has(t, "caseaudit_http_requests_total{route=\"POST /b\",status=\"422\"} 1\n");
  assert_has(t, "caseaudit_http_requests_total{route=\"POST /b\",status=\"other\"} 1\n");
  assert_has(t, "caseaudit_http_requests_total{route=\"none\",status=\"404\"} 2\n");
  /* cumulative buckets: 0.5 ms and 3 ms are both <= 5 ms, one <= 1 ms */
  assert_has(t, "caseaudit_http_request_duration_seconds_bucket{route=\"GET /a\",le=\"0.001\"} 1\n");
  assert_has(t, "caseaudit_http_request_duration_seconds_bucket{route=\"GET /a\",le=\"0.005\"} 2\n");
  assert_has(t, "caseaudit_http_request_duration_seconds_count{route=\"GET /a\"} 2\n");
  assert_has(t, "caseaudit_cases_ingested_total 5\n");
  assert_has(t, "caseaudit_db_pool_connections{state=\"in_use\"} 3\n");
  assert_has(t, "caseaudit_db_pool_connections{state=\"size\"} 16\n");
  assert_has(t, "caseaudit_http_requests_in_flight 2\n");
  free(t);
  metrics_free();
}
END_TEST

/* More routes than the old fixed table (64) held: each has its own row, none is folded into "none". */
START_TEST(no_cap_on_routes)
{
  enum { N = 300 };
  char *names[N];
  for (int i = 0; i < N; i++) {
    names[i] = malloc(32);
    snprintf(names[i], 32, "GET /r%d", i);
  }
  ck_assert_int_eq(metrics_init((const char *const *)names, N), 0);
  for (int i = 0; i < N; i++)
    free(names[i]); /* copied */
  metrics_request(N - 1, 200, 1);
  metrics_request(64, 200, 1);
  struct metrics_gauges g = {0};
  char *t = render(&g);
  assert_has(t, "caseaudit_http_requests_total{route=\"GET /r299\",status=\"200\"} 1\n");
  assert_has(t, "caseaudit_http_requests_total{route=\"GET /r64\",status=\"200\"} 1\n");
  ck_assert_msg(strstr(t, "route=\"none\"") == NULL, "a known route counted as none:\n%s", t);
  free(t);
  /* a second init starts the counts again */
  const char *one[] = {"GET /x"};
  ck_assert_int_eq(metrics_init(one, 1), 0);
  t = render(&g);
  ck_assert_msg(strstr(t, "caseaudit_http_requests_total{") == NULL, "counts survived a new init:\n%s", t);
  free(t);
  metrics_free();
  /* after metrics_free nothing is counted and rendering still works */
  metrics_request(0, 200, 1);
  t = render(&g);
  ck_assert_msg(strstr(t, "caseaudit_http_requests_total{") == NULL, "%s", t);
  free(t);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("metrics");
  TCase *tc = tcase_create("metrics");
  tcase_add_test(tc, counts_by_route_and_status);
  tcase_add_test(tc, no_cap_on_routes);
  suite_add_tcase(s, tc);
  return testlib_run(s);
}
