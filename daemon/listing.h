/* What the two listings (cases, findings) share: cursors, JSON pages and streamed CSV. */
#ifndef CASEAUDIT_LISTING_H
#define CASEAUDIT_LISTING_H

#include <jansson.h>
#include <stdbool.h>

#include "buf.h"
#include "http.h"

/* true when the client asked for CSV (format=csv, or an Accept of text/csv). Replies 400 on a bad format. */
int listing_wants_csv(struct request *r, bool *csv);

/* Decodes the cursor parameter for this scope: *pos NULL when absent; 400 (and -1) when tampered with. */
int listing_cursor(struct request *r, const char *scope, json_t **pos);

/* A JSON page assembled from the rows' own JSON text, as the database wrote it: never parsed and written again
 * (that was most of the daemon's CPU for a listing). The query asks for want + 1 rows; the extra one only says
 * that there is a next page. */
struct json_page {
  struct buf out; /* the reply so far: {"items":[ and the page's rows, comma-separated */
  int want, n;    /* page size; rows seen */
};

/* Adds a row; false when it is the extra row (not on the page). */
bool json_page_add(struct json_page *p, const char *json);

/* Replies {"items":[...],"next_cursor":C|null[,"total":N]} (total < 0: left out). The cursor encodes last (the
 * position of the page's last row) within scope, when there is a next page. Frees the page. */
void json_page_reply(struct request *r, struct json_page *p, const json_t *last, const char *scope, long long total);

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
