/* Reviewers' and the supervision platform's reads, and reviews: one named statement per function. */
#include "db_review.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

/* flagged=true and flagged=false are separate parameters of the case filter (db_sql.c): "true" for the one given. */
static const char *flagged(const struct case_filter *f, const char *value)
{
  return f->flagged != NULL && strcmp(f->flagged, value) == 0 ? "true" : NULL;
}

enum db_status db_case_list(struct db_conn *c, const struct case_filter *f,
                            void (*row)(void *arg, const char *json, const char *id, const char *score), void *arg)
{
  const char *yes = flagged(f, "true"), *no = flagged(f, "false");
  const char *by_score[] = {f->scope,    f->agency,   yes,        no,          f->grade,    f->rule,     f->system,
                            f->severity, f->filed_from, f->filed_to, f->q, f->after_id, f->after_score, f->limit};
  const char *by_id[] = {f->scope,    f->agency,     yes,         no,   f->grade,    f->rule, f->system,
                         f->severity, f->filed_from, f->filed_to, f->q, f->after_id, f->limit};
  enum db_status st;
  PGresult *res = f->by_score ? db_exec(c, STMT_CASE_LIST_BY_SCORE, 14, by_score, &st)
                              : db_exec(c, STMT_CASE_LIST_BY_ID, 13, by_id, &st);
  if (res == NULL)
    return st;
  for (int i = 0; i < PQntuples(res); i++)
    row(arg, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2));
  PQclear(res);
  return DB_OK;
}

static enum db_status count(struct db_conn *c, enum stmt_id id, int n, const char *const *p, long long *out)
{
  enum db_status st;
  PGresult *res = db_exec(c, id, n, p, &st);
  if (res == NULL)
    return st;
  *out = atoll(PQgetvalue(res, 0, 0));
  PQclear(res);
  return DB_OK;
}

enum db_status db_case_count(struct db_conn *c, const struct case_filter *f, long long *n)
{
  const char *p[] = {f->scope,  f->agency, flagged(f, "true"), flagged(f, "false"), f->grade, f->rule,
                     f->system, f->severity, f->filed_from,      f->filed_to,         f->q};
  return count(c, STMT_CASE_COUNT, 11, p, n);
}

enum db_status db_finding_list(struct db_conn *c, const struct finding_filter *f,
                               void (*row)(void *arg, const char *json, const char *id), void *arg)
{
  const char *p[] = {f->scope,    f->agency, f->case_id, f->rule,     f->system,
                     f->severity, f->status, f->since,   f->after_id, f->limit};
  enum db_status st;
  PGresult *res = db_exec(c, STMT_FINDING_LIST, 10, p, &st);
  if (res == NULL)
    return st;
  for (int i = 0; i < PQntuples(res); i++)
    row(arg, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
  PQclear(res);
  return DB_OK;
}

enum db_status db_finding_count(struct db_conn *c, const struct finding_filter *f, long long *n)
{
  const char *p[] = {f->scope, f->agency, f->case_id, f->rule, f->system, f->severity, f->status, f->since};
  return count(c, STMT_FINDING_COUNT, 8, p, n);
}

enum db_status db_finding_get(struct db_conn *c, const char *id, json_t **out, char **agency)
{
  const char *p[] = {id};
  enum db_status st;
  *out = NULL;
  PGresult *res = db_exec(c, STMT_FINDING_GET, 1, p, &st);
  if (res == NULL || st != DB_OK) {
    PQclear(res);
    return st;
  }
  json_error_t jerr;
  *out = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
  *agency = strdup(PQgetvalue(res, 0, 1));
  PQclear(res);
  return *out != NULL && *agency != NULL ? DB_OK : DB_HARD_ERROR;
}

struct review_args {
  const char *const *params;
  char *status;
  size_t slen;
};

static enum db_status review_tx(struct db_conn *c, void *arg)
{
  struct review_args *a = arg;
  enum db_status st;
  PGresult *res = db_exec(c, STMT_REVIEW, 6, a->params, &st);
  if (res == NULL)
    return st;
  snprintf(a->status, a->slen, "%s", PQgetvalue(res, 0, 0));
  PQclear(res);
  return DB_OK;
}

enum db_status db_review(struct db_conn *c, const char *finding_id, const char *action, const char *comment,
                         const char *until, const char *by, const char *today, char *status_out, size_t slen,
                         enum review_outcome *outcome, char *err, size_t errlen)
{
  static const struct {
    const char *sqlstate;
    enum review_outcome outcome;
  } refusals[] = {{"CAR01", REVIEW_NO_FINDING}, {"CAR02", REVIEW_NOT_ALLOWED}, {"CAR03", REVIEW_INVALID}};
  const char *p[] = {finding_id, action, comment, until, by, today};
  struct review_args a = {p, status_out, slen};
  c->last_sqlstate[0] = '\0';
  enum db_status st = db_transact(c, review_tx, &a, 5);
  *outcome = st == DB_OK ? REVIEW_DONE : REVIEW_FAILED;
  if (st != DB_OK) {
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++)
      if (strcmp(c->last_sqlstate, refusals[i].sqlstate) == 0)
        *outcome = refusals[i].outcome;
    snprintf(err, errlen, "%s", c->last_error);
  }
  return st;
}

enum db_status db_changes(struct db_conn *c, const char *after_xid, const char *after_seq, const char *limit,
                          void (*row)(void *arg, const char *json, const char *xid, const char *seq), void *arg)
{
  const char *p[] = {after_xid, after_seq, limit};
  enum db_status st;
  PGresult *res = db_exec(c, STMT_CHANGES, 3, p, &st);
  if (res == NULL)
    return st;
  for (int i = 0; i < PQntuples(res); i++)
    row(arg, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2));
  PQclear(res);
  return DB_OK;
}

enum db_status db_stats(struct db_conn *c, const char *pack_id, const char *scope, const char *from, const char *to,
                        json_t **out)
{
  const char *p[] = {pack_id, scope, from, to};
  return db_exec_json(c, STMT_STATS, 4, p, out);
}

enum db_status db_agencies(struct db_conn *c, const char *scope, json_t **out)
{
  const char *p[] = {scope};
  return db_exec_json(c, STMT_AGENCIES, 1, p, out);
}

/* The verification is done here, in C with libsodium, not by a SQL function: someone able to rewrite rows could
 * also rewrite a function. */
enum db_status db_review_log_verify(struct db_conn *c, long long *entries, long long *broken_seq, char *why,
                                    size_t whylen)
{
  char after[32] = "0", prev[65];
  memset(prev, '0', 64);
  prev[64] = '\0';
  long long expect_seq = 1;
  *entries = 0;
  *broken_seq = 0;
  if (sodium_init() < 0)
    return DB_HARD_ERROR;
  for (;;) {
    const char *p[] = {after};
    enum db_status st;
    PGresult *res = db_exec(c, STMT_REVIEW_LOG_PAGE, 1, p, &st);
    if (res == NULL)
      return st;
    int n = PQntuples(res);
    for (int i = 0; i < n && *broken_seq == 0; i++) {
      long long seq = atoll(PQgetvalue(res, i, 0));
      const char *payload = PQgetvalue(res, i, 1), *link = PQgetvalue(res, i, 2), *hash = PQgetvalue(res, i, 3);
      (*entries)++;
      if (seq != expect_seq) {
        *broken_seq = seq;
        snprintf(why, whylen, "entry %lld follows entry %lld: an entry is missing", seq, expect_seq - 1);
      } else if (strcmp(link, prev) != 0) {
        *broken_seq = seq;
        snprintf(why, whylen, "entry %lld does not link to the hash of the entry before it", seq);
      } else {
        crypto_hash_sha256_state hs;
        unsigned char digest[crypto_hash_sha256_BYTES];
        char hex[65];
        crypto_hash_sha256_init(&hs);
        crypto_hash_sha256_update(&hs, (const unsigned char *)prev, 64);
        crypto_hash_sha256_update(&hs, (const unsigned char *)payload, strlen(payload));
        crypto_hash_sha256_final(&hs, digest);
        sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
        if (strcmp(hex, hash) != 0) {
          *broken_seq = seq;
          snprintf(why, whylen, "entry %lld was changed: its content no longer matches its hash", seq);
        }
      }
      snprintf(prev, sizeof prev, "%s", hash);
      snprintf(after, sizeof after, "%lld", seq);
      expect_seq = seq + 1;
    }
    PQclear(res);
    if (n < 1000 || *broken_seq != 0)
      return DB_OK;
  }
}
