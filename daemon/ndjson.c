/* NDJSON line splitting: memory stays at one line however large the stream, and over-long lines are skipped
 * (and reported) without being held. */
#include "ndjson.h"

#include <string.h>

void ndjson_init(struct ndjson *nd, size_t max_line, int (*on_line)(void *, size_t, const char *, size_t),
                 int (*on_overlong)(void *, size_t, size_t), void *arg)
{
  memset(nd, 0, sizeof *nd);
  nd->max_line = max_line;
  nd->line_no = 1;
  nd->on_line = on_line;
  nd->on_overlong = on_overlong;
  nd->arg = arg;
}

static bool blank(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
      return false;
  return true;
}

/* The current line ended (at a newline or the end of the stream). */
static int end_line(struct ndjson *nd)
{
  int rc = 0;
  if (nd->overlong > 0) {
    rc = nd->on_overlong(nd->arg, nd->line_no, nd->overlong);
  } else {
    size_t n = nd->cur.len;
    if (n > 0 && nd->cur.data[n - 1] == '\r')
      n--;
    if (n > 0 && !blank(nd->cur.data, n))
      rc = nd->on_line(nd->arg, nd->line_no, nd->cur.data, n);
  }
  buf_reset(&nd->cur);
  nd->overlong = 0;
  nd->line_no++;
  return rc;
}

int ndjson_feed(struct ndjson *nd, const char *data, size_t len)
{
  while (len > 0) {
    const char *nl = memchr(data, '\n', len);
    size_t take = nl ? (size_t)(nl - data) : len;
    if (nd->overlong > 0) {
      nd->overlong += take;
    } else if (nd->cur.len + take > nd->max_line) {
      nd->overlong = nd->cur.len + take;
      buf_reset(&nd->cur);
    } else if (buf_append(&nd->cur, data, take) != 0) {
      return -1;
    }
    if (nl == NULL)
      return 0;
    if (end_line(nd) != 0)
      return -1;
    data += take + 1;
    len -= take + 1;
  }
  return 0;
}

int ndjson_finish(struct ndjson *nd)
{
  if (nd->cur.len == 0 && nd->overlong == 0)
    return 0;
  return end_line(nd) != 0 ? -1 : 0; /* the callback's own code is not ours to pass on */
}

void ndjson_free(struct ndjson *nd) { buf_free(&nd->cur); }
