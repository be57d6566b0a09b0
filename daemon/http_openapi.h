/* Handler of /api/v1/openapi.json. */
#ifndef CASEAUDIT_HTTP_OPENAPI_H
#define CASEAUDIT_HTTP_OPENAPI_H

#include "http.h"

void handle_openapi(struct request *r);

#endif
