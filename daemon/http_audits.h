/* Handlers of /api/v1/audits: starting a batch audit inside the daemon, and reading audit runs. */
#ifndef CASEAUDIT_HTTP_AUDITS_H
#define CASEAUDIT_HTTP_AUDITS_H

#include "http.h"

void handle_audit_post(struct request *r);
void handle_audit_list(struct request *r);
void handle_audit_get(struct request *r);

#endif
