/* Handlers of /healthz, /readyz and /metrics. */
#ifndef CASEAUDIT_HTTP_HEALTH_H
#define CASEAUDIT_HTTP_HEALTH_H

#include "http.h"

void handle_healthz(struct request *r);
void handle_readyz(struct request *r);
void handle_metrics(struct request *r);
bool metrics_are_public(void);

#endif
