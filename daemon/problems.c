/* One line per problem into the caller's buffer (problems.h). */
#include "problems.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool in_list(const char *s, const char *const *list)
{
  for (; s && *list; list++)
    if (strcmp(s, *list) == 0)
      return true;
  return false;
}

bool nonblank_string(const json_t *j) { return json_is_string(j) && json_string_length(j) > 0; }

int dirent_by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

void problem(struct problems *p, const char *fmt, ...)
{
  p->count++;
  if (p->len + 1 >= p->cap)
    return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(p->buf + p->len, p->cap - p->len, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  p->len += (size_t)n < p->cap - p->len ? (size_t)n : p->cap - p->len - 1;
  if (p->len + 1 < p->cap) {
    p->buf[p->len++] = '\n';
    p->buf[p->len] = '\0';
  }
}
