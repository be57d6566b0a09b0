/* Splits a byte stream into NDJSON lines as it arrives, holding at most one line (up to max_line bytes). */
#ifndef CASEAUDIT_NDJSON_H
#define CASEAUDIT_NDJSON_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct ndjson {
  size_t max_line;
  size_t line_no;  /* number of the line being read, from 1 */
  size_t overlong; /* bytes seen of the current line once it passed max_line (0: not overlong) */
  struct buf cur;
  /* A complete, non-blank line without its "\n" (and without a "\r" before it). Return 0 to go on. */
  int (*on_line)(void *arg, size_t line_no, const char *data, size_t len);
  /* A line longer than max_line: its bytes were discarded; len is how many there were. Return 0 to go on. */
  int (*on_overlong)(void *arg, size_t line_no, size_t len);
  void *arg;
};

void ndjson_init(struct ndjson *nd, size_t max_line, int (*on_line)(void *, size_t, const char *, size_t),
                 int (*on_overlong)(void *, size_t, size_t), void *arg);
/* Returns 0, or -1 when a callback returned non-zero or memory ran out. */
int ndjson_feed(struct ndjson *nd, const char *data, size_t len);
/* The end of the stream: a last line without a newline is delivered too. Returns as ndjson_feed() does. */
int ndjson_finish(struct ndjson *nd);
void ndjson_free(struct ndjson *nd);

#endif
