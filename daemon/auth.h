/* Bearer tokens and roles: making tokens, and telling who a request comes from. */
#ifndef CASEAUDIT_AUTH_H
#define CASEAUDIT_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"

enum role { ROLE_INGEST = 1, ROLE_REVIEWER = 2, ROLE_SUPERVISOR = 4, ROLE_ADMIN = 8 };
#define ROLE_NONE 0u /* route needs no token */
#define ROLE_ANY (ROLE_INGEST | ROLE_REVIEWER | ROLE_SUPERVISOR | ROLE_ADMIN)

/* 0 when s is not a role name. */
enum role role_parse(const char *s);
const char *role_name(enum role r);

struct principal {
  char name[129];
  enum role role;
  char **agencies; /* NULL-free array of codes; nagencies == 0 means every agency */
  size_t nagencies;
};

/* true when p may act for agency `code` (admins and unscoped tokens may act for all). */
bool principal_may_agency(const struct principal *p, const char *code);
void principal_clear(struct principal *p);

#define TOKEN_MAX 96
/* A new random token "ca_<12 id chars>_<43 base64url chars>", its id, and the hex SHA-256 of its secret. */
int token_new(char token[TOKEN_MAX], char id[13], char secret_hash_hex[65]);
/* Splits a presented token into its id and the hex SHA-256 of its secret; -1 when it is not of that form. */
int token_split(const char *token, char id[13], char secret_hash_hex[65]);

enum auth_result { AUTH_OK, AUTH_MISSING, AUTH_INVALID, AUTH_REVOKED, AUTH_DB_UNAVAILABLE, AUTH_ERROR };

/* Checks an Authorization header value ("Bearer <token>"; NULL when absent) against the database. The hash is
 * compared in constant time; revocation is read on every call, so it takes effect on the next request. */
enum auth_result auth_check(struct db_conn *c, const char *authorization, struct principal *out);

#endif
