/* The one path from received bytes to a stored case, shared by POST /cases, the bulk endpoint and
 * `caseaudit import`: parse strictly, validate, check the agency scope, store in batches, report per record. */
#ifndef CASEAUDIT_INGEST_H
#define CASEAUDIT_INGEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "auth.h"
#include "db.h"

enum ingest_status { ING_CREATED, ING_UPDATED, ING_UNCHANGED, ING_REJECTED };

struct ingest_outcome {
  size_t line;              /* the caller's number for the record (NDJSON line, or 1) */
  enum ingest_status status;
  const char *case_id;      /* "" when the record never reached storage */
  int version;
  const json_t *error;      /* REJECTED: the contract's error body {"error": {...}} (borrowed) */
  unsigned http_status;     /* REJECTED: the status a single POST answers with */
};

const char *ingest_status_name(enum ingest_status s);

struct ingest;

/* who: the token's principal (its agency scope applies), or NULL for the CLI (every agency). pack_id: the rule pack
 * that evaluates the stored cases in their transaction (copied).
 * batch_lines / batch_bytes: when ingest_full() turns true. on_outcome is called once per record: at once
 * for a record refused by validation, and after COMMIT for the stored ones. */
struct ingest *ingest_new(const struct principal *who, const char *pack_id, size_t batch_lines, size_t batch_bytes,
                          void (*on_outcome)(void *arg, const struct ingest_outcome *o), void *arg);
/* Validates one record; queues it for the next flush when it is valid. Returns -1 only when out of memory. */
int ingest_add(struct ingest *g, size_t line, const char *text, size_t len);
bool ingest_full(const struct ingest *g);
size_t ingest_pending(const struct ingest *g);
/* Stores the queued records in one transaction on c (c may be NULL: the database could not be had, and every
 * queued record is reported rejected with database_unavailable). Returns the transaction's status. */
enum db_status ingest_flush(struct ingest *g, struct db_conn *c, enum db_status why_no_conn);
void ingest_free(struct ingest *g);

#endif
