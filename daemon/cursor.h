/* Opaque keyset cursors: a position signed with a server key and bound to the query it came from, so that a
 * tampered cursor, or one replayed against other filters, is refused (400). */
#ifndef CASEAUDIT_CURSOR_H
#define CASEAUDIT_CURSOR_H

#include <jansson.h>

#include "db.h"

/* Loads the server's cursor key from the database, making one on first use (shared by every caseauditd). */
enum db_status cursor_init(struct db_conn *c);
/* Sets the key directly (32 bytes), for tests. */
void cursor_set_key(const unsigned char key[32]);

/* A cursor for position pos (a small JSON object) within scope (the route and its normalised filters). malloc'd. */
char *cursor_encode(const json_t *pos, const char *scope);
/* The position, or NULL when the cursor is malformed, tampered with, or from another scope. New reference. */
json_t *cursor_decode(const char *cursor, const char *scope);

#endif
