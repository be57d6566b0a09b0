/* Scoring standards (评查标准): files of the rule pack (rules/standards/ID.json, review-workflow.md), read and
 * validated whole with it. How a case is scored under one is SQL (sql/0028_standards.sql, ca_standard_scores); this
 * file only makes sure every standard the SQL gets is well formed. */
#ifndef CASEAUDIT_STANDARDS_H
#define CASEAUDIT_STANDARDS_H

#include <jansson.h>

#include "problems.h"

/* Reads DIR/standards/ID.json (each named after its id) into {id: standard} and validates every one against the
 * pack: rules (the pack's {id: rule}) and pack (pack.json: its grading, retired ids and standards_by_agency, whose
 * agencies' standards must exist). "default" must reproduce the pack's own scoring (rules.md: no sections, the
 * grading bands of pack.json, the pack's veto rules); when its file is absent it is made from pack.json. Every
 * problem found is added to pr ("FILE: FIELD: what is wrong"). Returns a new reference (NULL only when memory ran
 * out); the caller discards it when pr->count grew. */
json_t *standards_load(const char *dir, const json_t *rules, const json_t *pack, struct problems *pr);

/* The standard that scores the cases of agency (pack body's standards_by_agency, else "default"). */
const char *standards_for_agency(const json_t *body, const char *agency);

#endif
