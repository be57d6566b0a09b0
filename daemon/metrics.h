/* Counters and latency histograms for /metrics (Prometheus text format). */
#ifndef CASEAUDIT_METRICS_H
#define CASEAUDIT_METRICS_H

#include "buf.h"

/* route: index into http_routes, or -1 when none matched. status 0: the client went away before a reply. */
void metrics_request(int route, unsigned status, double latency_ms);
/* Counts cases stored by ingest (created or updated). */
void metrics_cases_ingested(unsigned n);
/* Appends the exposition text. */
int metrics_render(struct buf *out);

#endif
