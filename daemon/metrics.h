/* Counters and latency histograms for /metrics (Prometheus text format). A leaf: it knows nothing of the routes,
 * the pool or the server; whoever starts the server names the routes, and the /metrics handler passes the gauges. */
#ifndef CASEAUDIT_METRICS_H
#define CASEAUDIT_METRICS_H

#include <stddef.h>

#include "buf.h"

/* Counters for n routes named labels[0..n-1] ("GET /api/v1/cases"; copied), plus one row for requests that
 * matched none. As many routes as given: there is no cap. Counts start at zero; a second call starts them again.
 * Call before any request is counted. Returns 0, or -1 when out of memory (nothing is counted then). */
int metrics_init(const char *const *labels, size_t n);
void metrics_free(void);

/* route: index of a route given to metrics_init, or -1 (or any other index) when none matched. status 0: the client
 * went away before a reply. */
void metrics_request(int route, unsigned status, double latency_ms);
/* Counts cases stored by ingest (created or updated). */
void metrics_cases_ingested(unsigned n);

/* What the counters cannot know: read by the caller when /metrics is asked for. */
struct metrics_gauges {
  int pool_in_use, pool_size; /* database pool connections */
  unsigned inflight;          /* requests being served */
};
/* Appends the exposition text. Returns 0, or non-zero when out of memory. */
int metrics_render(struct buf *out, const struct metrics_gauges *g);

#endif
