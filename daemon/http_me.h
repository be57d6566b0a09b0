/* Handler of /api/v1/me: who the presented token is. */
#ifndef CASEAUDIT_HTTP_ME_H
#define CASEAUDIT_HTTP_ME_H

#include "http.h"

void handle_me(struct request *r);

#endif
