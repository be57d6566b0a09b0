/* Every SQL statement caseaudit runs, by name. The text is in db_sql.c; set-based work lives in sql/ functions. */
#ifndef CASEAUDIT_DB_SQL_H
#define CASEAUDIT_DB_SQL_H

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
  STMT_PACK_REGISTER,
  STMT_RULE_FUNCTION_EXISTS,
  STMT_CALENDAR_LOAD,
  STMT__COUNT
};

struct db_stmt {
  const char *name; /* the prepared statement's name */
  const char *sql;  /* parameterised: request data only ever travels as $n */
};

extern const struct db_stmt db_statements[STMT__COUNT];

#endif
