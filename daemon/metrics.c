/* Request counters by route and status, latency histograms by route, ingest counters and pool use. All lock-free. */
#include "metrics.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "http.h"

#define MAX_ROUTES 64
static const unsigned statuses[] = {0, 200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 410,
                                    413, 415, 422, 429, 500, 503};
#define N_STATUS (sizeof statuses / sizeof statuses[0])
static const double buckets_ms[] = {1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000};
#define N_BUCKETS (sizeof buckets_ms / sizeof buckets_ms[0])

/* Row MAX_ROUTES holds requests that matched no route. */
static atomic_uint_fast64_t requests[MAX_ROUTES + 1][N_STATUS + 1];
static atomic_uint_fast64_t latency_bucket[MAX_ROUTES + 1][N_BUCKETS + 1];
static atomic_uint_fast64_t latency_sum_us[MAX_ROUTES + 1];
static atomic_uint_fast64_t cases_ingested;

static size_t route_row(int route) { return (route < 0 || route >= MAX_ROUTES) ? MAX_ROUTES : (size_t)route; }

void metrics_request(int route, unsigned status, double latency_ms)
{
  size_t row = route_row(route);
  size_t col = N_STATUS; /* other */
  for (size_t i = 0; i < N_STATUS; i++)
    if (statuses[i] == status)
      col = i;
  atomic_fetch_add(&requests[row][col], 1);
  size_t b = 0;
  while (b < N_BUCKETS && latency_ms > buckets_ms[b])
    b++;
  atomic_fetch_add(&latency_bucket[row][b], 1);
  atomic_fetch_add(&latency_sum_us[row], (uint_fast64_t)(latency_ms * 1000.0));
}

void metrics_cases_ingested(unsigned n) { atomic_fetch_add(&cases_ingested, n); }

static const char *route_label(size_t row, char *tmp, size_t len)
{
  if (row == MAX_ROUTES || row >= http_routes_count)
    return "none";
  snprintf(tmp, len, "%s %s", http_routes[row].method, http_routes[row].pattern);
  return tmp;
}

int metrics_render(struct buf *out)
{
  char label[256];
  int rc = 0;
  rc |= buf_printf(out, "# HELP caseaudit_http_requests_total HTTP requests by route and status.\n"
                        "# TYPE caseaudit_http_requests_total counter\n");
  for (size_t row = 0; row <= MAX_ROUTES; row++)
    for (size_t col = 0; col <= N_STATUS; col++) {
      uint_fast64_t n = atomic_load(&requests[row][col]);
      if (n == 0)
        continue;
      char status[8];
      if (col == N_STATUS)
        snprintf(status, sizeof status, "other");
      else
        snprintf(status, sizeof status, "%u", statuses[col]);
      rc |= buf_printf(out, "caseaudit_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
                       route_label(row, label, sizeof label), status, (unsigned long long)n);
    }
  rc |= buf_printf(out, "# HELP caseaudit_http_request_duration_seconds Request latency by route.\n"
                        "# TYPE caseaudit_http_request_duration_seconds histogram\n");
  for (size_t row = 0; row <= MAX_ROUTES; row++) {
    uint_fast64_t total = 0;
    for (size_t b = 0; b <= N_BUCKETS; b++)
      total += atomic_load(&latency_bucket[row][b]);
    if (total == 0)
      continue;
    const char *rl = route_label(row, label, sizeof label);
    uint_fast64_t cum = 0;
    for (size_t b = 0; b < N_BUCKETS; b++) {
      cum += atomic_load(&latency_bucket[row][b]);
      rc |= buf_printf(out, "caseaudit_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n", rl,
                       buckets_ms[b] / 1000.0, (unsigned long long)cum);
    }
    rc |= buf_printf(out,
                     "caseaudit_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
                     "caseaudit_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
                     "caseaudit_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                     rl, (unsigned long long)total, rl, (double)atomic_load(&latency_sum_us[row]) / 1e6, rl,
                     (unsigned long long)total);
  }
  int in_use, size;
  db_pool_usage(&in_use, &size);
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
                   (unsigned long long)atomic_load(&cases_ingested), in_use, size, http_inflight());
  return rc;
}
