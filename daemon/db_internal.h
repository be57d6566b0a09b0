/* Shared by the db_*.c files only: running the named statements of db_sql.c on a connection. */
#ifndef CASEAUDIT_DB_INTERNAL_H
#define CASEAUDIT_DB_INTERNAL_H

#include <jansson.h>
#include <libpq-fe.h>

#include "db.h"
#include "db_sql.h"

/* Variants of by_filters statements one connection keeps prepared; a client cycling through more filter
 * combinations than this makes the connection drop its prepared statements and prepare them again. */
#define DB_VARIANTS_MAX 64

struct db_conn {
  PGconn *pg;
  bool broken;
  unsigned generation;        /* pool generation it was made in */
  bool prepared[STMT__COUNT]; /* statements are prepared by name on first use on each connection */
  struct {
    enum stmt_id id;
    unsigned long mask; /* its NULL parameters */
  } variants[DB_VARIANTS_MAX]; /* the variants of by_filters statements prepared so far (db_sql_variant) */
  int nvariants;
  int slot;                   /* pool slot, -1 outside the pool */
  char last_sqlstate[6];      /* of the last failed statement */
  char last_error[512];       /* its primary message */
};

/* Executes statement `id` with text parameters (NULL = SQL NULL). On success returns the result (PQclear it) and
 * sets *st to DB_OK, or DB_NO_ROW when it returned no rows; on failure returns NULL with *st set and the error
 * logged. */
PGresult *db_exec(struct db_conn *c, enum stmt_id id, int nparams, const char *const *params, enum db_status *st);

/* Executes statement `id`, whose one row and column is a JSON document, and parses it into *out (NULL unless
 * DB_OK). */
enum db_status db_exec_json(struct db_conn *c, enum stmt_id id, int nparams, const char *const *params, json_t **out);

/* SQLSTATEs of class CA are caseaudit's own refusals (sql/ functions raise them for the caller to map to an HTTP
 * error): db_exec does not log them as errors; last_sqlstate and last_error tell which. */

/* Classifies a failed result or connection: DB_RETRY, DB_UNAVAILABLE or DB_HARD_ERROR. Marks c broken as needed. */
enum db_status db_classify(struct db_conn *c, const PGresult *res);

#endif
