/* Handlers of /api/v1/cases: single upsert, streamed bulk NDJSON, reading one case, the listing. */
#ifndef CASEAUDIT_HTTP_CASES_H
#define CASEAUDIT_HTTP_CASES_H

#include "http.h"

void handle_case_post(struct request *r);
int bulk_chunk(struct request *r, const char *data, size_t len);
void handle_bulk_post(struct request *r);
void handle_case_get(struct request *r);
void handle_case_list(struct request *r);

#endif
