/* Reading for reviewers and the supervision platform: listings, one finding, reviews, the change feed, stats. */
#ifndef CASEAUDIT_DB_REVIEW_H
#define CASEAUDIT_DB_REVIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "db.h"

/* Every member is a parameter's text, or NULL when the filter is not set. */
struct case_filter {
  const char *scope;   /* PostgreSQL array of the agencies the token may see; NULL: all */
  const char *agency, *flagged, *grade, *rule, *system, *severity, *filed_from, *filed_to;
  const char *q;       /* substring of case_no or party name */
  bool by_score;       /* order by (score, id) instead of id */
  const char *after_id, *after_score; /* keyset position */
  const char *limit;
};

struct finding_filter {
  const char *scope;
  const char *agency, *case_id, *rule, *system, *severity, *status, *since;
  const char *after_id;
  const char *limit;
};

/* row(arg, json, id, score) for each case of the page, in order. */
enum db_status db_case_list(struct db_conn *c, const struct case_filter *f,
                            void (*row)(void *arg, const char *json, const char *id, const char *score), void *arg);
enum db_status db_case_count(struct db_conn *c, const struct case_filter *f, long long *n);
enum db_status db_finding_list(struct db_conn *c, const struct finding_filter *f,
                               void (*row)(void *arg, const char *json, const char *id), void *arg);
enum db_status db_finding_count(struct db_conn *c, const struct finding_filter *f, long long *n);
/* The finding with its review history; *agency gets its agency code (malloc'd). DB_NO_ROW when none. */
enum db_status db_finding_get(struct db_conn *c, const char *id, json_t **out, char **agency);

/* What a review came to, beside the database's own failures (db_status): the typed outcome of ca_review's
 * SQLSTATEs CAR01..CAR03 (sql/engine/review.sql). The HTTP layer alone turns it into a status. */
enum review_outcome {
  REVIEW_DONE,        /* the finding has its new status */
  REVIEW_NO_FINDING,  /* no finding has this id */
  REVIEW_NOT_ALLOWED, /* its status does not allow the transition (a resolved finding, or acknowledged twice) */
  REVIEW_INVALID,     /* the review itself is invalid: a waiver without a comment, a bad expiry date, ... */
  REVIEW_FAILED,      /* the database failed: see the db_status returned */
};

/* Reviews a finding (ca_review, sql/engine/review.sql). Returns DB_OK with *outcome REVIEW_DONE and the new status in
 * *status_out; a refusal as DB_HARD_ERROR with *outcome saying which and the reason in err; any other failure with
 * *outcome REVIEW_FAILED. */
enum db_status db_review(struct db_conn *c, const char *finding_id, const char *action, const char *comment,
                         const char *until, const char *by, const char *today, char *status_out, size_t slen,
                         enum review_outcome *outcome, char *err, size_t errlen);

/* The changes after (xid, seq) that every reader can see (transactions older than the snapshot's xmin), in
 * (xid, seq) order; row(arg, json, xid, seq). */
enum db_status db_changes(struct db_conn *c, const char *after_xid, const char *after_seq, const char *limit,
                          void (*row)(void *arg, const char *json, const char *xid, const char *seq), void *arg);

enum db_status db_stats(struct db_conn *c, const char *pack_id, const char *scope, const char *from, const char *to,
                        json_t **out);

/* {items: [{agency, agency_name, last_filed_on}]}: the agencies of scope (a text[] literal; NULL: every agency), by code. */
enum db_status db_agencies(struct db_conn *c, const char *scope, json_t **out);

/* Walks the review log in order, recomputing every hash. *broken_seq = 0 when the chain is intact, else the first
 * entry whose hash or link is wrong (with the reason in why). *entries counts the entries read. */
enum db_status db_review_log_verify(struct db_conn *c, long long *entries, long long *broken_seq, char *why,
                                    size_t whylen);

#endif
