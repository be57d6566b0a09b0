/* The batch audit: every case (or one agency's) evaluated as of a date, in chunks, by one holder of the scope's
 * lock at a time. Shared by `caseaudit audit` and POST /api/v1/audits. */
#ifndef CASEAUDIT_AUDIT_H
#define CASEAUDIT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "db_audit.h"
#include "rules.h"

struct audit_report {
  long long run_id, total, done;
  struct audit_counts counts;
  double seconds;
  char as_of[16];
};

enum audit_result { AUDIT_DONE, AUDIT_BUSY, AUDIT_FAILED };

/* Takes the scope's lock (on c: keep c for audit_execute) and records the run. AUDIT_BUSY: another audit of the
 * scope runs; err says which. as_of NULL: today. full: every case of the scope is evaluated by every rule (not only
 * the date-dependent rules of the cases that need them: sql/0023), e.g. after a correction of the calendar. */
enum audit_result audit_begin(struct db_conn *c, const char *agency, const char *as_of, bool full,
                              const struct rule_pack *p, const char *holder, struct audit_report *rep, char *err,
                              size_t errlen);

/* Evaluates the run's cases chunk by chunk (each chunk one transaction: a crash leaves every chunk either done or
 * not) on nconns connections at once (conns[0]: the one audit_begin locked with; the others only evaluate),
 * calling progress after each chunk (serialised), then records the run as completed or failed and releases the
 * lock. The first failure stops the run; chunks already evaluated stay. */
enum audit_result audit_execute(struct db_conn *const *conns, int nconns, const char *agency,
                                const struct rule_pack *p, int chunk, struct audit_report *rep,
                                void (*progress)(void *arg, const struct audit_report *r), void *arg, char *err,
                                size_t errlen);

#define AUDIT_CHUNK_DEFAULT 2000
#define AUDIT_JOBS_MAX 16 /* cli.c names this number in its --jobs error */

#endif
