/* Storage of case records: the batch store (which also evaluates the rules) and reading a case back. */
#ifndef CASEAUDIT_DB_CASES_H
#define CASEAUDIT_DB_CASES_H

#include <jansson.h>

#include "db.h"

struct stored_case {
  char case_id[37];
  char status[20]; /* created, updated, unchanged, stale_version, version_conflict, error */
  int version;
  int stored_version; /* -1 when none was stored before */
  char *error;        /* for status "error": PostgreSQL's message (malloc'd) */
};

/* Stores the records of json_array (a JSON array text of n validated records) in one transaction, retried on
 * deadlock; the stored cases are evaluated by rule pack pack_id (NULL: not evaluated) in the same transaction. out[i] is the outcome of element i. Nothing in out is valid unless DB_OK is returned: then the
 * transaction has committed. Free with stored_cases_free. */
enum db_status db_cases_store(struct db_conn *c, const char *json_array, size_t n, const char *pack_id,
                              struct stored_case *out);
void stored_cases_free(struct stored_case *out, size_t n);

/* The case as stored: {id, agency, case_no, version, score, grade, received_at, updated_at, record, findings}.
 * DB_NO_ROW when there is no such case. *agency_out gets the agency code (malloc'd) for the caller's scope check. */
enum db_status db_case_get(struct db_conn *c, const char *case_id, json_t **out, char **agency_out);
/* The case scored under the standard of the stored pack pack_id: {score, grade, veto, sections: [{id, points,
 * deducted, score}]} (sql/0028 ca_standard_scores). */
enum db_status db_case_standard(struct db_conn *c, const char *pack_id, const char *standard, const char *case_id,
                                json_t **out);

/* {id, agency, case_no, version, score, grade, findings} after a store. */
enum db_status db_case_summary(struct db_conn *c, const char *case_id, json_t **out);

#endif
