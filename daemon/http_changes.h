/* Handler of /api/v1/changes: the feed the supervision platform polls. */
#ifndef CASEAUDIT_HTTP_CHANGES_H
#define CASEAUDIT_HTTP_CHANGES_H

#include "http.h"

void handle_changes(struct request *r);

#endif
