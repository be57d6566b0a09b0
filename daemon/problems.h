/* What the readers of the rule pack's files (rules.c, standards.c) share: a list of problems found, one line each,
 * counted, written into a caller's buffer, never more than fits; and the small checks they both make. */
#ifndef CASEAUDIT_PROBLEMS_H
#define CASEAUDIT_PROBLEMS_H

#include <dirent.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct problems {
  char *buf; /* the caller's; "" until the first problem */
  size_t len, cap;
  int count; /* every problem, also those that did not fit */
};

/* Appends one line (printf-style, without the newline). */
void problem(struct problems *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* s is one of list (NULL-terminated); a NULL s is in no list. */
bool in_list(const char *s, const char *const *list);
/* j is a non-empty string. */
bool nonblank_string(const json_t *j);
/* scandir's order: by name. */
int dirent_by_name(const struct dirent **a, const struct dirent **b);

#endif
