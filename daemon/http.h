/* The HTTP server: route table types, the request context handlers see, and the reply functions. */
#ifndef CASEAUDIT_HTTP_H
#define CASEAUDIT_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "auth.h"
#include "config.h"
#include "db.h"
#include "errors.h"

struct request;

enum body_mode {
  BODY_NONE,   /* a body is refused with 413 */
  BODY_BUFFER, /* read whole, capped at body_max_bytes, before the handler runs */
  BODY_STREAM, /* each chunk goes to route->chunk as it arrives; nothing is buffered by the server */
};

struct route {
  const char *method;
  const char *pattern;      /* "/api/v1/cases/{id}": {x} matches one path segment */
  unsigned roles;           /* ROLE_NONE: no token needed; else the roles allowed (admin always is) */
  bool (*public_when)(void); /* when set and true, no token is needed despite roles (e.g. metrics_public) */
  enum body_mode body;
  const char *content_type; /* required media type for a body (NULL: any) */
  void (*handle)(struct request *r);
  /* BODY_STREAM: called per chunk; returns 0 to go on, or -1 after replying (the rest is discarded). */
  int (*chunk)(struct request *r, const char *data, size_t len);
};

extern const struct route http_routes[];
extern const size_t http_routes_count;

/* ---- what a handler may ask of its request ---- */
const char *req_param(const struct request *r, size_t i); /* i-th {x} of the pattern, percent-decoded */
const char *req_query(const struct request *r, const char *key);
/* Replies 400 naming the first query parameter not in allowed (NULL-terminated) and returns -1. */
int req_only_params(struct request *r, const char *const *allowed);
const char *req_header(const struct request *r, const char *name);
const struct principal *req_principal(const struct request *r);
const char *req_body(const struct request *r, size_t *len);
/* The request's database connection, acquired on first call and released when the request completes. On
 * failure replies 503 (with Retry-After) and returns NULL. */
struct db_conn *req_db(struct request *r);
struct rule_pack;
/* The rule pack in force (rules_current()); NULL after answering 503 not_ready when none is loaded. */
const struct rule_pack *req_pack(struct request *r);
/* A handler's own per-request state, freed with state_free when the request completes. */
void *req_state(const struct request *r);
void req_set_state(struct request *r, void *state, void (*state_free)(void *));
const char *req_id(const struct request *r);
bool req_replied(const struct request *r);

/* ---- replies: exactly one per request; later calls are ignored and logged ---- */
void reply_json(struct request *r, unsigned status, json_t *body); /* steals body */
void reply_text(struct request *r, unsigned status, const char *content_type, const char *text, size_t len);
/* Like reply_text, without a copy: takes text (malloc'd), freed with the response. */
void reply_owned(struct request *r, unsigned status, const char *content_type, char *text, size_t len);
void reply_error(struct request *r, enum err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* details: array of {path, message}, stolen. fmt may be NULL for the registry's message. */
void reply_error_details(struct request *r, enum err e, json_t *details, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));
/* The reply for a failed database call: 503 for DB_UNAVAILABLE, 500 otherwise. */
void reply_db_error(struct request *r, enum db_status st);
/* Streams a body of unknown length (chunked): next(arg, buf, max) returns the bytes it wrote, 0 at the end, or -1
 * on an error (the connection is then closed). done(arg) runs once when the response is finished or abandoned. */
void reply_stream(struct request *r, unsigned status, const char *content_type,
                  long (*next)(void *arg, char *buf, size_t max), void *arg, void (*done)(void *arg));
/* Adds a header to the reply already set. */
void reply_header(struct request *r, const char *name, const char *value);

/* ---- the server ---- */
struct http_server;
/* A certificate and its key, both PEM text (NUL-terminated), checked by the caller (daemon.c) to be a pair. */
struct http_tls {
  const char *cert_pem;
  const char *key_pem;
};
/* Starts listening per cfg (listen, limits, timeouts); HTTPS only when tls is not NULL (it must stay valid until
 * http_stop). Port 0 picks a free port (see http_port). */
struct http_server *http_start(const struct config *cfg, const struct http_tls *tls, char *err, size_t errlen);
unsigned http_port(const struct http_server *s);
/* Stops accepting new connections; requests in flight go on. */
void http_quiesce(struct http_server *s);
/* Requests begun and not yet completed. */
unsigned http_inflight(void);
void http_stop(struct http_server *s);

#endif
