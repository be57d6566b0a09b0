/* What the two listings (cases, findings) share: cursors, JSON pages and streamed CSV. */
#ifndef CASEAUDIT_LISTING_H
#define CASEAUDIT_LISTING_H

#include <jansson.h>
#include <stdbool.h>

#include "http.h"

/* true when the client asked for CSV (format=csv, or an Accept of text/csv). Replies 400 on a bad format. */
int listing_wants_csv(struct request *r, bool *csv);

/* Decodes the cursor parameter for this scope: *pos NULL when absent; 400 (and -1) when tampered with. */
int listing_cursor(struct request *r, const char *scope, json_t **pos);

/* A page source: fetch(arg, rows) appends up to one page of row objects to rows and returns the number added, or
 * -1 on a database error. The source keeps its own position. */
typedef int (*page_fetch)(void *arg, json_t *rows);

/* Streams every row of the source as CSV with the given columns (each row object's members by name; objects and
 * arrays as JSON text). Takes ownership of arg (freed with done). */
void listing_stream_csv(struct request *r, const char *const *columns, page_fetch fetch, void *arg,
                        void (*done)(void *arg));

/* Escapes LIKE's wildcards (% _ \) in a substring filter; malloc'd. */
char *like_escape(const char *s);

#endif
