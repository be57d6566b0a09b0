/* Personal information of parties (id_number, phone): who may see it, and masking it for everyone else. */
#ifndef CASEAUDIT_PRIVACY_H
#define CASEAUDIT_PRIVACY_H

#include <jansson.h>
#include <stdbool.h>

#include "auth.h"

/* Reviewers of the case's agency and admins see personal data; every other role sees it masked. */
bool may_see_personal(const struct principal *p, const char *agency);

/* Masks a string in place of its middle: "13802000000" -> "138****0000", "91120111MA06K3LQ2R" ->
 * "911201********LQ2R" (first 6 and last 4 kept when long enough; short values are masked whole). */
char *mask_personal(const char *value);

/* Masks party.id_number and party.phone of a case record (in place). */
void mask_record(json_t *record);

#endif
