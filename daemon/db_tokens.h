/* Storage of API tokens (only hashes of their secrets). */
#ifndef CASEAUDIT_DB_TOKENS_H
#define CASEAUDIT_DB_TOKENS_H

#include <stdbool.h>

#include "db.h"

struct token_row {
  char name[129];
  char role[16];
  char *agencies_json; /* JSON array of agency codes, malloc'd: free it */
  char secret_hash_hex[65];
  bool revoked;
};

/* agencies_pg is a PostgreSQL array literal such as {A,B} ("{}" for every agency). DB_HARD_ERROR when the name
 * is taken (the unique constraint), which the CLI reports. */
enum db_status db_token_insert(struct db_conn *c, const char *id, const char *name, const char *role,
                               const char *agencies_pg, const char *secret_hash_hex);
/* DB_NO_ROW when no token has this id. */
enum db_status db_token_lookup(struct db_conn *c, const char *id, struct token_row *out);
/* Calls row() for every token, ordered by name. */
enum db_status db_token_list(struct db_conn *c,
                             void (*row)(void *arg, const char *name, const char *role, const char *agencies,
                                         const char *created_at, const char *revoked_at),
                             void *arg);
/* DB_NO_ROW when no active token has this name. */
enum db_status db_token_revoke(struct db_conn *c, const char *name);

#endif
