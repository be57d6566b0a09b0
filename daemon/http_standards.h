/* Handlers of /api/v1/standards. */
#ifndef CASEAUDIT_HTTP_STANDARDS_H
#define CASEAUDIT_HTTP_STANDARDS_H

#include "http.h"

void handle_standards_list(struct request *r);
void handle_standard_get(struct request *r);

#endif
