/* Every SQL statement caseaudit runs, by name. The text is in db_sql.c; set-based work lives in sql/ functions. */
#ifndef CASEAUDIT_DB_SQL_H
#define CASEAUDIT_DB_SQL_H

#include <stdbool.h>
#include <stddef.h>

enum stmt_id {
  STMT_SCHEMA_VERSION,
  STMT_PING,
  STMT_TOKEN_INSERT,
  STMT_TOKEN_LOOKUP,
  STMT_TOKEN_LIST,
  STMT_TOKEN_REVOKE,
  STMT_CASES_STORE,
  STMT_CASE_GET,
  STMT_CASE_SUMMARY,
  STMT_CASE_STANDARD,
  STMT_PACK_REGISTER,
  STMT_RULE_FUNCTION_EXISTS,
  STMT_CALENDAR_LOAD,
  STMT_SETTING_INIT,
  STMT_CASE_LIST_BY_ID,
  STMT_CASE_LIST_BY_SCORE,
  STMT_CASE_COUNT,
  STMT_FINDING_LIST,
  STMT_FINDING_COUNT,
  STMT_FINDING_GET,
  STMT_REVIEW,
  STMT_CHANGES,
  STMT_STATS,
  STMT_AGENCIES,
  STMT_REVIEW_LOG_PAGE,
  STMT_AUDIT_LOCK,
  STMT_AUDIT_UNLOCK,
  STMT_AUDIT_HOLDER,
  STMT_AUDIT_INTERRUPTED,
  STMT_AUDIT_START,
  STMT_AUDIT_FORGET,
  STMT_AUDIT_NEXT_IDS,
  STMT_AUDIT_CHUNK,
  STMT_AUDIT_FINISH,
  STMT_AUDIT_GET,
  STMT_AUDIT_LIST,
  STMT_REPORT,
  STMT_AGENCY_LIST,
  STMT__COUNT
};

struct db_stmt {
  const char *name; /* the prepared statement's name */
  const char *sql;  /* parameterised: request data only ever travels as $n */
};

extern const struct db_stmt db_statements[STMT__COUNT];

/* true for the statements with filters that a NULL parameter switches off, written "($n::type IS NULL OR ...)"
 * (the listings and their counts): such a statement is prepared once for each set of NULL parameters it is called
 * with (db_sql_variant), so that each variant's plan is made for exactly its filters and then reused. One
 * statement for every combination was planned anew on each call: PostgreSQL cannot reuse a plan in which
 * "$n IS NULL" is still unknown. */
extern const bool db_statement_by_filters[STMT__COUNT];

/* The text of statement s for the parameters marked NULL in null_mask (bit i: $i+1): every "$n::type IS NULL"
 * becomes "($n::type IS NULL OR true)" when $n is NULL and "($n::type IS NULL AND false)" when it is not, which
 * the planner folds to a constant (the parameter stays in the text, so its type is still declared there).
 * Returns the length written to out, or -1 when out is too small. */
int db_sql_variant(const struct db_stmt *s, unsigned long null_mask, char *out, size_t outlen);
/* The same in a malloc'd string (free it); NULL when out of memory. */
char *db_sql_variant_new(const struct db_stmt *s, unsigned long null_mask);

#endif
