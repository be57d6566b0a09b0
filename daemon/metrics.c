/* Request counters by route and status, latency histograms by route, ingest counters and pool use. All lock-free. */
#include "metrics.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned statuses[] = {0, 200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 410,
                                    413, 415, 422, 429, 500, 503};
#define N_STATUS (sizeof statuses / sizeof statuses[0])
static const double buckets_ms[] = {1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000};
#define N_BUCKETS (sizeof buckets_ms / sizeof buckets_ms[0])

/* One row per route given to metrics_init; row nroutes holds requests that matched no route. */
struct row {
  atomic_uint_fast64_t requests[N_STATUS + 1]; /* the last column: any other status */
  atomic_uint_fast64_t latency_bucket[N_BUCKETS + 1];
  atomic_uint_fast64_t latency_sum_us;
};
static struct row *rows;
static char **labels;
static size_t nroutes;
static atomic_uint_fast64_t cases_ingested;

void metrics_free(void)
{
  for (size_t i = 0; labels != NULL && i < nroutes; i++)
    free(labels[i]);
  free(labels);
  free(rows);
  labels = NULL;
  rows = NULL;
  nroutes = 0;
}

int metrics_init(const char *const *names, size_t n)
{
  metrics_free();
  rows = calloc(n + 1, sizeof *rows);
  labels = calloc(n + 1, sizeof *labels);
  if (rows == NULL || labels == NULL)
    goto oom;
  for (nroutes = 0; nroutes < n; nroutes++)
    if ((labels[nroutes] = strdup(names[nroutes])) == NULL)
      goto oom;
  return 0;
oom:
  metrics_free();
  return -1;
}

void metrics_request(int route, unsigned status, double latency_ms)
{
  if (rows == NULL)
    return;
  size_t row = (route < 0 || (size_t)route >= nroutes) ? nroutes : (size_t)route;
  size_t col = N_STATUS; /* other */
  for (size_t i = 0; i < N_STATUS; i++)
    if (statuses[i] == status)
      col = i;
  atomic_fetch_add(&rows[row].requests[col], 1);
  size_t b = 0;
  while (b < N_BUCKETS && latency_ms > buckets_ms[b])
    b++;
  atomic_fetch_add(&rows[row].latency_bucket[b], 1);
  atomic_fetch_add(&rows[row].latency_sum_us, (uint_fast64_t)(latency_ms * 1000.0));
}

void metrics_cases_ingested(unsigned n) { atomic_fetch_add(&cases_ingested, n); }

static const char *route_label(size_t row) { return row < nroutes ? labels[row] : "none"; }

int metrics_render(struct buf *out, const struct metrics_gauges *g)
{
  int rc = 0;
  rc |= buf_printf(out, "# HELP caseaudit_http_requests_total HTTP requests by route and status.\n"
                        "# TYPE caseaudit_http_requests_total counter\n");
  for (size_t row = 0; rows != NULL && row <= nroutes; row++)
    for (size_t col = 0; col <= N_STATUS; col++) {
      uint_fast64_t n = atomic_load(&rows[row].requests[col]);
      if (n == 0)
        continue;
      char status[8];
      if (col == N_STATUS)
        snprintf(status, sizeof status, "other");
      else
        snprintf(status, sizeof status, "%u", statuses[col]);
      rc |= buf_printf(out, "caseaudit_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
                       route_label(row), status, (unsigned long long)n);
    }
  rc |= buf_printf(out, "# HELP caseaudit_http_request_duration_seconds Request latency by route.\n"
                        "# TYPE caseaudit_http_request_duration_seconds histogram\n");
  for (size_t row = 0; rows != NULL && row <= nroutes; row++) {
    uint_fast64_t total = 0;
    for (size_t b = 0; b <= N_BUCKETS; b++)
      total += atomic_load(&rows[row].latency_bucket[b]);
    if (total == 0)
      continue;
    const char *rl = route_label(row);
    uint_fast64_t cum = 0;
    for (size_t b = 0; b < N_BUCKETS; b++) {
      cum += atomic_load(&rows[row].latency_bucket[b]);
      rc |= buf_printf(out, "caseaudit_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n", rl,
                       buckets_ms[b] / 1000.0, (unsigned long long)cum);
    }
    rc |= buf_printf(out,
                     "caseaudit_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
                     "caseaudit_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
                     "caseaudit_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                     rl, (unsigned long long)total, rl, (double)atomic_load(&rows[row].latency_sum_us) / 1e6, rl,
                     (unsigned long long)total);
  }
  rc |= buf_printf(out,
                   "# HELP caseaudit_cases_ingested_total Cases created or updated through the API.\n"
                   "# TYPE caseaudit_cases_ingested_total counter\n"
                   "caseaudit_cases_ingested_total %llu\n"
                   "# HELP caseaudit_db_pool_connections Database pool connections.\n"
                   "# TYPE caseaudit_db_pool_connections gauge\n"
                   "caseaudit_db_pool_connections{state=\"in_use\"} %d\n"
                   "caseaudit_db_pool_connections{state=\"size\"} %d\n"
                   "# HELP caseaudit_http_requests_in_flight Requests being served.\n"
                   "# TYPE caseaudit_http_requests_in_flight gauge\n"
                   "caseaudit_http_requests_in_flight %u\n",
                   (unsigned long long)atomic_load(&cases_ingested), g->pool_in_use, g->pool_size, g->inflight);
  return rc;
}
