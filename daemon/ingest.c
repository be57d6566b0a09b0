/* Ingest: validation in C (the case_spec), storage in SQL (ca_store_batch), one outcome per record. */
#include "ingest.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db_cases.h"
#include "errors.h"
#include "log.h"
#include "validate.h"

struct ingest {
  const struct principal *who;
  char pack_id[65];
  size_t batch_lines, batch_bytes;
  void (*on_outcome)(void *arg, const struct ingest_outcome *o);
  void *arg;
  struct buf array; /* "[rec,rec,...": the queued records as one JSON array text */
  size_t *lines;    /* the caller's number of each queued record */
  size_t n, cap;
};

const char *ingest_status_name(enum ingest_status s)
{
  static const char *const names[] = {"created", "updated", "unchanged", "rejected"};
  return names[s];
}

struct ingest *ingest_new(const struct principal *who, const char *pack_id, size_t batch_lines, size_t batch_bytes,
                          void (*on_outcome)(void *arg, const struct ingest_outcome *o), void *arg)
{
  struct ingest *g = calloc(1, sizeof *g);
  if (g == NULL)
    return NULL;
  g->who = who;
  snprintf(g->pack_id, sizeof g->pack_id, "%s", pack_id ? pack_id : "");
  g->batch_lines = batch_lines ? batch_lines : 1;
  g->batch_bytes = batch_bytes;
  g->on_outcome = on_outcome;
  g->arg = arg;
  return g;
}

static void reject(struct ingest *g, size_t line, const char *case_id, int version, enum err e, json_t *details,
                   const char *message)
{
  json_t *body = err_body(e, message, details);
  struct ingest_outcome o = {.line = line, .status = ING_REJECTED, .case_id = case_id ? case_id : "",
                             .version = version, .error = body, .http_status = err_info(e)->status};
  g->on_outcome(g->arg, &o);
  json_decref(body);
}

int ingest_add(struct ingest *g, size_t line, const char *text, size_t len)
{
  struct vreport rep;
  vreport_init(&rep);
  json_t *rec = json_parse_strict(text, len, &rep);
  int rc = 0;
  if (rec == NULL) {
    reject(g, line, NULL, -1, ERR_INVALID_JSON, err_details(&rep),
           rep.count > 0 ? rep.items[0].message : "not well-formed JSON");
    goto out;
  }
  int problems = case_validate(rec, &rep);
  if (problems < 0) {
    rc = -1;
    goto out;
  }
  if (problems > 0) {
    char msg[160];
    snprintf(msg, sizeof msg, "the case record has %zu invalid field%s", vreport_total(&rep),
             vreport_total(&rep) == 1 ? "" : "s");
    reject(g, line, NULL, -1, ERR_INVALID_INPUT, err_details(&rep), msg);
    goto out;
  }
  const char *agency = json_string_value(json_object_get(json_object_get(rec, "agency"), "code"));
  if (g->who != NULL && !principal_may_agency(g->who, agency)) {
    char msg[320];
    snprintf(msg, sizeof msg, "token '%s' may not write cases of agency '%s'", g->who->name, agency);
    reject(g, line, NULL, -1, ERR_AGENCY_FORBIDDEN,
           json_pack("[{s:s, s:s}]", "path", "/agency/code", "message", "not an agency of this token"), msg);
    goto out;
  }
  /* Queue the text as received: PostgreSQL parses it again into jsonb, and the validator has accepted it. */
  if (g->n == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 64;
    size_t *p = realloc(g->lines, cap * sizeof *p);
    if (p == NULL) {
      rc = -1;
      goto out;
    }
    g->lines = p;
    g->cap = cap;
  }
  if (buf_append(&g->array, g->n == 0 ? "[" : ",", 1) != 0 || buf_append(&g->array, text, len) != 0) {
    rc = -1;
    goto out;
  }
  g->lines[g->n++] = line;
out:
  json_decref(rec);
  vreport_free(&rep);
  return rc;
}

bool ingest_full(const struct ingest *g) { return g->n >= g->batch_lines || g->array.len >= g->batch_bytes; }
size_t ingest_pending(const struct ingest *g) { return g->n; }

static enum ingest_status status_of(const char *s)
{
  if (strcmp(s, "created") == 0)
    return ING_CREATED;
  if (strcmp(s, "updated") == 0)
    return ING_UPDATED;
  if (strcmp(s, "unchanged") == 0)
    return ING_UNCHANGED;
  return ING_REJECTED;
}

static const char *pack_or_null(const struct ingest *g) { return g->pack_id[0] ? g->pack_id : NULL; }

/* A batch that failed as a whole with a hard error (not an outage) is stored again one record at a time, so
 * that one record PostgreSQL refuses cannot sink the records beside it. */
static enum db_status store_one_by_one(struct ingest *g, struct db_conn *c, struct stored_case *out)
{
  json_error_t jerr;
  json_t *arr = json_loadb(g->array.data, g->array.len, 0, &jerr);
  if (!json_is_array(arr) || json_array_size(arr) != g->n) {
    json_decref(arr);
    return DB_HARD_ERROR;
  }
  for (size_t i = 0; i < g->n; i++) {
    json_t *one = json_array();
    json_array_append(one, json_array_get(arr, i));
    char *text = json_dumps(one, JSON_COMPACT);
    json_decref(one);
    enum db_status st = text ? db_cases_store(c, text, 1, pack_or_null(g), &out[i]) : DB_HARD_ERROR;
    free(text);
    if (st == DB_UNAVAILABLE) {
      json_decref(arr);
      return st;
    }
    if (st != DB_OK) {
      snprintf(out[i].status, sizeof out[i].status, "error");
      out[i].error = strdup("refused by the database");
    }
  }
  json_decref(arr);
  return DB_OK;
}

enum db_status ingest_flush(struct ingest *g, struct db_conn *c, enum db_status why_no_conn)
{
  if (g->n == 0)
    return DB_OK;
  enum db_status st = why_no_conn;
  struct stored_case *out = calloc(g->n, sizeof *out);
  if (out == NULL)
    return DB_HARD_ERROR;
  if (c != NULL && buf_append(&g->array, "]", 1) == 0)
    st = db_cases_store(c, g->array.data, g->n, pack_or_null(g), out);
  else if (c != NULL)
    st = DB_HARD_ERROR;
  if (st == DB_HARD_ERROR && c != NULL && g->n > 1)
    st = store_one_by_one(g, c, out);

  for (size_t i = 0; i < g->n; i++) {
    if (st != DB_OK) {
      /* Nothing of this batch committed: every record in it is reported not stored. */
      if (st == DB_UNAVAILABLE || st == DB_RETRY)
        reject(g, g->lines[i], NULL, -1, ERR_DB_UNAVAILABLE, NULL,
               "the database became unavailable: this record was not stored; send it again");
      else
        reject(g, g->lines[i], NULL, -1, ERR_INTERNAL, NULL, "this record was not stored (internal error)");
      continue;
    }
    struct stored_case *s = &out[i];
    enum ingest_status is = status_of(s->status);
    if (is != ING_REJECTED) {
      struct ingest_outcome o = {.line = g->lines[i], .status = is, .case_id = s->case_id, .version = s->version};
      g->on_outcome(g->arg, &o);
    } else if (strcmp(s->status, "stale_version") == 0) {
      char msg[160];
      snprintf(msg, sizeof msg, "version %d is older than the stored version %d", s->version, s->stored_version);
      reject(g, g->lines[i], s->case_id, s->version, ERR_STALE_VERSION,
             json_pack("[{s:s, s:s}]", "path", "/source/version", "message", msg), msg);
    } else if (strcmp(s->status, "version_conflict") == 0) {
      char msg[160];
      snprintf(msg, sizeof msg, "version %d is already stored with different content; send a higher version",
               s->version);
      reject(g, g->lines[i], s->case_id, s->version, ERR_VERSION_CONFLICT,
             json_pack("[{s:s, s:s}]", "path", "/source/version", "message", msg), msg);
    } else {
      log_error("record %zu (case %s) not stored: %s", g->lines[i], s->case_id, s->error ? s->error : "?");
      reject(g, g->lines[i], s->case_id, s->version, ERR_INTERNAL, NULL,
             "this record could not be stored (internal error; see the server log)");
    }
  }
  stored_cases_free(out, g->n);
  free(out);
  buf_reset(&g->array);
  g->n = 0;
  return st;
}

void ingest_free(struct ingest *g)
{
  if (g == NULL)
    return;
  buf_free(&g->array);
  free(g->lines);
  free(g);
}
