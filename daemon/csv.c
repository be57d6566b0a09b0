/* CSV cells. */
#include "csv.h"

#include <string.h>

int csv_cell(struct buf *b, const char *s, bool first)
{
  if (!first && buf_append(b, ",", 1) != 0)
    return -1;
  if (s == NULL || *s == '\0')
    return 0;
  bool neutralise = strchr("=+-@\t\r", s[0]) != NULL;
  bool quote = neutralise || strpbrk(s, ",\"\r\n") != NULL;
  int rc = 0;
  if (quote)
    rc |= buf_append(b, "\"", 1);
  if (neutralise)
    rc |= buf_append(b, "'", 1);
  for (const char *p = s; *p; p++) {
    if (*p == '"')
      rc |= buf_append(b, "\"\"", 2);
    else
      rc |= buf_append(b, p, 1);
  }
  if (quote)
    rc |= buf_append(b, "\"", 1);
  return rc;
}

int csv_end_row(struct buf *b) { return buf_append(b, "\r\n", 2); }
