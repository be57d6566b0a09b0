/* Listings: signed keyset cursors, and CSV exports streamed page by page (never built whole in memory). */
#include "listing.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "cursor.h"

int listing_wants_csv(struct request *r, bool *csv)
{
  const char *format = req_query(r, "format");
  *csv = false;
  if (format != NULL) {
    if (strcmp(format, "csv") == 0) {
      *csv = true;
    } else if (strcmp(format, "json") != 0) {
      reply_error_details(r, ERR_INVALID_PARAMETER,
                          json_pack("[{s:s, s:s}]", "path", "format", "message", "must be json or csv"),
                          "format must be json or csv");
      return -1;
    }
    return 0;
  }
  const char *accept = req_header(r, "Accept");
  *csv = accept != NULL && strstr(accept, "text/csv") != NULL;
  return 0;
}

int listing_cursor(struct request *r, const char *scope, json_t **pos)
{
  const char *cursor = req_query(r, "cursor");
  *pos = NULL;
  if (cursor == NULL || cursor[0] == '\0')
    return 0;
  *pos = cursor_decode(cursor, scope);
  if (*pos == NULL) {
    reply_error_details(r, ERR_INVALID_PARAMETER,
                        json_pack("[{s:s, s:s}]", "path", "cursor", "message",
                                  "not a cursor of this listing with these filters (altered, or from another query)"),
                        "invalid cursor");
    return -1;
  }
  return 0;
}

bool json_page_add(struct json_page *p, const char *json)
{
  if (++p->n > p->want)
    return false;
  if (p->out.len == 0)
    buf_append(&p->out, "{\"items\":[", 10);
  else
    buf_append(&p->out, ",", 1);
  buf_append(&p->out, json, strlen(json));
  return true;
}

void json_page_reply(struct request *r, struct json_page *p, const json_t *last, const char *scope, long long total)
{
  struct buf *b = &p->out;
  char *cur = p->n > p->want && last != NULL ? cursor_encode(last, scope) : NULL;
  int err = b->len == 0 ? buf_append(b, "{\"items\":[", 10) : 0;
  err |= cur != NULL ? buf_printf(b, "],\"next_cursor\":\"%s\"", cur) : buf_append(b, "],\"next_cursor\":null", 20);
  if (total >= 0)
    err |= buf_printf(b, ",\"total\":%lld", total);
  err |= buf_append(b, "}", 1);
  free(cur);
  if (err != 0) {
    buf_free(b);
    reply_error(r, ERR_INTERNAL, "out of memory");
    return;
  }
  reply_owned(r, 200, "application/json; charset=utf-8", b->data, b->len); /* the reply owns the text now */
  *b = (struct buf){0};
}

char *like_escape(const char *s)
{
  struct buf b = {0};
  for (; *s; s++) {
    if (*s == '%' || *s == '_' || *s == '\\')
      buf_append(&b, "\\", 1);
    buf_append(&b, s, 1);
  }
  if (b.data == NULL)
    return strdup("");
  return b.data;
}

struct csv_stream {
  const char *const *columns;
  page_fetch fetch;
  void *arg;
  void (*done)(void *arg);
  struct buf out;
  size_t sent;
  bool header_done, finished, failed;
};

static void csv_row(struct buf *b, const char *const *columns, json_t *row)
{
  for (size_t i = 0; columns[i]; i++) {
    json_t *v = json_object_get(row, columns[i]);
    char num[64];
    char *dumped = NULL;
    const char *text = NULL;
    if (json_is_string(v))
      text = json_string_value(v);
    else if (json_is_integer(v))
      snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v)), text = num;
    else if (json_is_real(v))
      snprintf(num, sizeof num, "%.15g", json_real_value(v)), text = num;
    else if (json_is_boolean(v))
      text = json_is_true(v) ? "true" : "false";
    else if (json_is_object(v) || json_is_array(v))
      text = dumped = json_dumps(v, JSON_COMPACT);
    csv_cell(b, text, i == 0);
    free(dumped);
  }
  csv_end_row(b);
}

static long csv_next(void *arg, char *buf, size_t max)
{
  struct csv_stream *st = arg;
  while (st->sent == st->out.len) {
    buf_reset(&st->out);
    st->sent = 0;
    if (!st->header_done) {
      buf_append(&st->out, CSV_BOM, strlen(CSV_BOM));
      for (size_t i = 0; st->columns[i]; i++)
        csv_cell(&st->out, st->columns[i], i == 0);
      csv_end_row(&st->out);
      st->header_done = true;
      continue;
    }
    if (st->finished)
      return 0;
    json_t *rows = json_array();
    int n = st->fetch(st->arg, rows);
    if (n < 0) {
      json_decref(rows);
      return -1; /* the client sees a cut-off body, not a silently short export */
    }
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) csv_row(&st->out, st->columns, row);
    json_decref(rows);
    if (n == 0)
      st->finished = true;
  }
  size_t n = st->out.len - st->sent;
  if (n > max)
    n = max;
  memcpy(buf, st->out.data + st->sent, n);
  st->sent += n;
  return (long)n;
}

static void csv_done(void *arg)
{
  struct csv_stream *st = arg;
  st->done(st->arg);
  buf_free(&st->out);
  free(st);
}

void listing_stream_csv(struct request *r, const char *const *columns, page_fetch fetch, void *arg,
                        void (*done)(void *arg))
{
  struct csv_stream *st = calloc(1, sizeof *st);
  if (st == NULL) {
    done(arg);
    reply_error(r, ERR_INTERNAL, "out of memory");
    return;
  }
  st->columns = columns;
  st->fetch = fetch;
  st->arg = arg;
  st->done = done;
  reply_stream(r, 200, "text/csv; charset=utf-8", csv_next, st, csv_done);
  reply_header(r, "Content-Disposition", "attachment; filename=\"caseaudit.csv\"");
}
