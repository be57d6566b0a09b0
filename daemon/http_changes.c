/* /api/v1/changes?since=CURSOR&limit=N: every finding transition, review and case upsert after the cursor. A
 * client that always passes back next_cursor never misses a change (docs/architecture.md, "The change feed"). */
#include "http_changes.h"

#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "db_review.h"
#include "params.h"

#define FEED_SCOPE "changes"

struct feed {
  json_t *changes;
  char xid[32], seq[32];
};

static void change_row(void *arg, const char *json, const char *xid, const char *seq)
{
  struct feed *f = arg;
  json_error_t jerr;
  json_t *ch = json_loads(json, 0, &jerr);
  if (ch == NULL)
    return;
  snprintf(f->xid, sizeof f->xid, "%s", xid);
  snprintf(f->seq, sizeof f->seq, "%s", seq);
  json_t *pos = json_pack("{s:s, s:s}", "x", xid, "s", seq);
  char *cur = cursor_encode(pos, FEED_SCOPE);
  json_decref(pos);
  json_object_set_new(ch, "cursor", cur ? json_string(cur) : json_null());
  free(cur);
  if (json_is_null(json_object_get(ch, "finding_id")))
    json_object_del(ch, "finding_id");
  json_array_append_new(f->changes, ch);
}

static bool digits(const char *s)
{
  if (s == NULL || *s == '\0' || strlen(s) > 20)
    return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9')
      return false;
  return true;
}

void handle_changes(struct request *r)
{
  static const char *const params[] = {"since", "limit", NULL};
  char limit[8];
  if (req_only_params(r, params) != 0 || param_limit(r, limit) != 0)
    return;
  struct feed f = {.changes = json_array()};
  snprintf(f.xid, sizeof f.xid, "0");
  snprintf(f.seq, sizeof f.seq, "0");
  const char *since = req_query(r, "since");
  if (since != NULL && since[0] != '\0') {
    json_t *pos = cursor_decode(since, FEED_SCOPE);
    const char *x = json_string_value(json_object_get(pos, "x")), *s = json_string_value(json_object_get(pos, "s"));
    if (!digits(x) || !digits(s)) {
      json_decref(pos);
      json_decref(f.changes);
      reply_error_details(r, ERR_INVALID_PARAMETER,
                          json_pack("[{s:s, s:s}]", "path", "since", "message",
                                    "not a cursor of this feed: pass back next_cursor as received, or omit since to "
                                    "start from the beginning"),
                          "invalid since cursor");
      return;
    }
    snprintf(f.xid, sizeof f.xid, "%s", x);
    snprintf(f.seq, sizeof f.seq, "%s", s);
    json_decref(pos);
  }
  struct db_conn *c = req_db(r);
  if (c == NULL) {
    json_decref(f.changes);
    return;
  }
  enum db_status st = db_changes(c, f.xid, f.seq, limit, change_row, &f);
  if (st != DB_OK) {
    json_decref(f.changes);
    reply_db_error(r, st);
    return;
  }
  /* An empty poll answers the cursor it was given (or a cursor of the beginning). */
  json_t *pos = json_pack("{s:s, s:s}", "x", f.xid, "s", f.seq);
  char *next = cursor_encode(pos, FEED_SCOPE);
  json_decref(pos);
  if (json_array_size(f.changes) == 0 && since != NULL && since[0] != '\0') {
    free(next);
    next = strdup(since);
  }
  reply_json(r, 200, json_pack("{s:o, s:s?}", "changes", f.changes, "next_cursor", next));
  free(next);
}
