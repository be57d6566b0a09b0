/* Handlers of /api/v1/rules: the rule pack in force. */
#ifndef CASEAUDIT_HTTP_RULES_H
#define CASEAUDIT_HTTP_RULES_H

#include "http.h"

void handle_rules_list(struct request *r);
void handle_rule_get(struct request *r);

#endif
