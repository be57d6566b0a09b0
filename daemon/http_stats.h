/* Handler of /api/v1/stats. */
#ifndef CASEAUDIT_HTTP_STATS_H
#define CASEAUDIT_HTTP_STATS_H

#include "http.h"

void handle_stats(struct request *r);

#endif
