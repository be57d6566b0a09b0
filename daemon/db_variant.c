/* The variants of by_filters statements (db_sql.h): text derived from a statement of db_sql.c and the set of its
 * NULL parameters, nothing else. Kept apart from db_sql.c, which holds constant strings only. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "db_sql.h"

int db_sql_variant(const struct db_stmt *s, unsigned long null_mask, char *out, size_t outlen)
{
  static const char is_null[] = " IS NULL";
  size_t o = 0;
  for (const char *p = s->sql; *p != '\0';) {
    /* "$<digits>::<type>[[]] IS NULL" at p? */
    const char *q = p;
    long n = 0;
    if (*q == '$' && isdigit((unsigned char)q[1])) {
      n = strtol(q + 1, (char **)&q, 10);
      if (q[0] == ':' && q[1] == ':' && islower((unsigned char)q[2])) {
        for (q += 2; islower((unsigned char)*q) || *q == '_'; q++)
          ;
        if (q[0] == '[' && q[1] == ']')
          q += 2;
      } else {
        q = p;
      }
    }
    if (q != p && n >= 1 && strncmp(q, is_null, sizeof is_null - 1) == 0) {
      bool null = n <= (long)(8 * sizeof null_mask) && (null_mask >> (n - 1) & 1u) != 0;
      size_t len = (size_t)(q - p) + sizeof is_null - 1;
      const char *tail = null ? " OR true)" : " AND false)";
      size_t tlen = strlen(tail);
      if (o + 1 + len + tlen >= outlen)
        return -1;
      out[o++] = '(';
      memcpy(out + o, p, len);
      o += len;
      memcpy(out + o, tail, tlen);
      o += tlen;
      p += len;
      continue;
    }
    if (o + 1 >= outlen)
      return -1;
    out[o++] = *p++;
  }
  out[o] = '\0';
  return (int)o;
}

char *db_sql_variant_new(const struct db_stmt *s, unsigned long null_mask)
{
  /* each folded test grows by 12 characters at most ("(" and " AND false)") and is at least 13 long
   * ("$1::t IS NULL"): the variant is shorter than twice the statement */
  size_t len = 2 * strlen(s->sql) + 1;
  char *out = malloc(len);
  if (out != NULL && db_sql_variant(s, null_mask, out, len) < 0) {
    free(out);
    out = NULL;
  }
  return out;
}
