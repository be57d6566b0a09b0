/* Storage side of batch audits: the scope lock, the run record, chunks of case ids, and one chunk's evaluation. */
#ifndef CASEAUDIT_DB_AUDIT_H
#define CASEAUDIT_DB_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "db.h"

/* Session-level advisory lock of the scope (agency code or NULL for all): one audit per scope, across processes
 * and machines. *got is false when another session holds it. */
enum db_status db_audit_lock(struct db_conn *c, const char *agency, bool *got);
enum db_status db_audit_unlock(struct db_conn *c, const char *agency);
/* Marks every case of the scope (agency NULL: all) as not evaluated by any pack: the next chunk evaluates it by
 * every rule. */
enum db_status db_audit_forget(struct db_conn *c, const char *agency);
/* The run of this scope marked running most recently (who holds the lock), as text for a message; "" if none. */
enum db_status db_audit_holder(struct db_conn *c, const char *agency, char *out, size_t outlen);

/* Marks runs of the scope left "running" by a process that died as interrupted, then records a new run and counts
 * its cases. as_of NULL: today in the session's time zone (written back into as_of_out). */
enum db_status db_audit_start(struct db_conn *c, const char *agency, const char *as_of, const char *pack_id,
                              const char *pack_version, const char *holder, long long *run_id, long long *total,
                              char *as_of_out, size_t as_of_len);
/* The next chunk of case ids after `after` (a PostgreSQL array literal in ids, malloc'd) and its last id. */
enum db_status db_audit_next_ids(struct db_conn *c, const char *agency, const char *after, int limit, char **ids,
                                 int *n, char *last, size_t lastlen);
struct audit_counts {
  long long opened, resolved, reopened, changed, unchanged, drift_cases;
};
/* Evaluates one chunk in one transaction (retried on deadlock) and adds its counts to the run. */
enum db_status db_audit_chunk(struct db_conn *c, long long run_id, const char *pack_id, const char *ids,
                              const char *as_of, struct audit_counts *out);
enum db_status db_audit_finish(struct db_conn *c, long long run_id, const char *status, const char *error);
/* One run ({id, agency, as_of, status, ..., drift}) or every run (newest first, at most 100) as JSON. */
enum db_status db_audit_get(struct db_conn *c, const char *run_id, json_t **out);
enum db_status db_audit_list(struct db_conn *c, json_t **out);

/* Calls row(arg, code) for every agency, in code order. */
enum db_status db_agency_list(struct db_conn *c, void (*row)(void *arg, const char *code), void *arg);

/* The figures of the audit report of one agency over [from, to] (sql/0013 ca_report). */
enum db_status db_report(struct db_conn *c, const char *pack_id, const char *agency, const char *from,
                         const char *to, json_t **out);

#endif
