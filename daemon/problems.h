/* A list of problems found while reading files (a rule pack, its standards): one line each, counted, written into a
 * caller's buffer, never more than fits. */
#ifndef CASEAUDIT_PROBLEMS_H
#define CASEAUDIT_PROBLEMS_H

#include <stddef.h>

struct problems {
  char *buf; /* the caller's; "" until the first problem */
  size_t len, cap;
  int count; /* every problem, also those that did not fit */
};

/* Appends one line (printf-style, without the newline). */
void problem(struct problems *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
