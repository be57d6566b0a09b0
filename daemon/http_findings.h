/* Handlers of /api/v1/findings: the listing, one finding with its review history, and reviews. */
#ifndef CASEAUDIT_HTTP_FINDINGS_H
#define CASEAUDIT_HTTP_FINDINGS_H

#include "http.h"

void handle_finding_list(struct request *r);
void handle_finding_get(struct request *r);
void handle_review_post(struct request *r);

#endif
