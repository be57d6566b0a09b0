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

#endif
