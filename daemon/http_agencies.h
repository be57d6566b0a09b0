/* Handler of /api/v1/agencies. */
#ifndef CASEAUDIT_HTTP_AGENCIES_H
#define CASEAUDIT_HTTP_AGENCIES_H

#include "http.h"

void handle_agencies(struct request *r);

#endif
