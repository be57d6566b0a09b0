/* The HTTP server: libmicrohttpd setup, the dispatcher (routing, limits, authentication, roles) and replies.
 *
 * Threading: one thread per connection (MHD_USE_THREAD_PER_CONNECTION). Handlers call libpq, which blocks; a
 * thread per connection lets them block without stalling other clients, and the database pool (not the thread
 * count) bounds database concurrency. See docs/architecture.md. */
#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "buf.h"
#include "log.h"
#include "metrics.h"
#include "ratelimit.h"
#include "rules.h"

#define MAX_PARAMS 4
#define DISCARD_MAX ((size_t)64 << 20)
#define STREAM_TIMEOUT_S 3600

struct request {
  struct MHD_Connection *conn;
  char id[17];
  const char *method;
  char *path;
  const struct route *route;
  int route_index; /* -1 when no route matched */
  char *params[MAX_PARAMS];
  size_t nparams;
  struct principal who;
  struct buf body;
  uint64_t declared_length; /* Content-Length, or 0 */
  bool has_body;
  void *state;
  void (*state_free)(void *);
  struct db_conn *db;
  struct MHD_Response *resp;
  unsigned status;
  bool queued; /* the response went to libmicrohttpd */
  size_t discarded; /* body bytes dropped after a refusal */
  size_t bytes_out;
  struct timespec started;
};

struct http_server {
  struct MHD_Daemon *mhd;
  unsigned port;
};

static atomic_uint inflight;

unsigned http_inflight(void) { return atomic_load(&inflight); }

/* ---- accessors ---- */

const char *req_param(const struct request *r, size_t i) { return i < r->nparams ? r->params[i] : NULL; }

const char *req_query(const struct request *r, const char *key)
{
  return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *req_header(const struct request *r, const char *name)
{
  return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

struct param_check {
  const char *const *allowed;
  const char *bad;
};

static enum MHD_Result check_param(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
  (void)kind;
  (void)value;
  struct param_check *pc = cls;
  for (const char *const *a = pc->allowed; *a; a++)
    if (strcmp(*a, key) == 0)
      return MHD_YES;
  pc->bad = key;
  return MHD_NO;
}

int req_only_params(struct request *r, const char *const *allowed)
{
  struct param_check pc = {.allowed = allowed};
  MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_param, &pc);
  if (pc.bad == NULL)
    return 0;
  json_t *details = json_pack("[{s:s, s:s}]", "path", pc.bad, "message", "unknown query parameter");
  reply_error_details(r, ERR_INVALID_PARAMETER, details, "unknown query parameter '%s'", pc.bad);
  return -1;
}

const struct principal *req_principal(const struct request *r) { return &r->who; }

const char *req_body(const struct request *r, size_t *len)
{
  *len = r->body.len;
  return r->body.data ? r->body.data : "";
}

struct db_conn *req_db(struct request *r)
{
  if (r->db != NULL)
    return r->db;
  enum db_status why;
  r->db = db_pool_acquire(app_config()->db_acquire_timeout_ms, &why);
  if (r->db == NULL)
    reply_error(r, why == DB_RETRY ? ERR_DB_BUSY : ERR_DB_UNAVAILABLE, NULL);
  return r->db;
}

const struct rule_pack *req_pack(struct request *r)
{
  const struct rule_pack *p = rules_current();
  if (p == NULL)
    reply_error(r, ERR_NOT_READY, "no rule pack is loaded");
  return p;
}

void *req_state(const struct request *r) { return r->state; }

void req_set_state(struct request *r, void *state, void (*state_free)(void *))
{
  r->state = state;
  r->state_free = state_free;
}

const char *req_id(const struct request *r) { return r->id; }
bool req_replied(const struct request *r) { return r->resp != NULL || r->queued; }

/* ---- replies ---- */

static void set_response(struct request *r, unsigned status, struct MHD_Response *resp, size_t len)
{
  if (resp == NULL) {
    log_error("out of memory building a response");
    return;
  }
  if (req_replied(r)) {
    log_error("a second reply for one request was dropped (status %u): this is a bug", status);
    MHD_destroy_response(resp);
    return;
  }
  MHD_add_response_header(resp, "X-Request-Id", r->id);
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(resp, "Cache-Control", "no-store");
  r->resp = resp;
  r->status = status;
  r->bytes_out = len;
}

void reply_owned(struct request *r, unsigned status, const char *content_type, char *text, size_t len)
{
  struct MHD_Response *resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
  if (resp == NULL) {
    free(text);
    return;
  }
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
  set_response(r, status, resp, len);
}

void reply_text(struct request *r, unsigned status, const char *content_type, const char *text, size_t len)
{
  struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_MUST_COPY);
  if (resp != NULL)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
  set_response(r, status, resp, len);
}

struct stream {
  long (*next)(void *arg, char *buf, size_t max);
  void *arg;
  void (*done)(void *arg);
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
  (void)pos;
  struct stream *st = cls;
  long n = st->next(st->arg, buf, max);
  if (n < 0)
    return MHD_CONTENT_READER_END_WITH_ERROR;
  if (n == 0)
    return MHD_CONTENT_READER_END_OF_STREAM;
  return (ssize_t)n;
}

static void stream_free(void *cls)
{
  struct stream *st = cls;
  st->done(st->arg);
  free(st);
}

void reply_stream(struct request *r, unsigned status, const char *content_type,
                  long (*next)(void *arg, char *buf, size_t max), void *arg, void (*done)(void *arg))
{
  struct stream *st = malloc(sizeof *st);
  if (st == NULL) {
    done(arg);
    reply_error(r, ERR_INTERNAL, "out of memory");
    return;
  }
  *st = (struct stream){next, arg, done};
  struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read, st,
                                                                stream_free);
  if (resp == NULL) {
    stream_free(st);
    reply_error(r, ERR_INTERNAL, "out of memory");
    return;
  }
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
  set_response(r, status, resp, 0);
}

void reply_json(struct request *r, unsigned status, json_t *body)
{
  char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
  json_decref(body);
  if (text == NULL) {
    log_error("cannot serialise a reply");
    text = strdup("{\"error\":{\"code\":\"internal_error\",\"message\":\"cannot build the reply\",\"details\":[]}}");
    status = 500;
    if (text == NULL)
      return;
  }
  size_t len = strlen(text);
  struct MHD_Response *resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
  if (resp == NULL) {
    free(text);
    return;
  }
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
  set_response(r, status, resp, len);
}

static void reply_error_va(struct request *r, enum err e, json_t *details, const char *fmt, va_list ap)
{
  char msg[1024];
  if (fmt != NULL)
    vsnprintf(msg, sizeof msg, fmt, ap);
  const struct err_info *info = err_info(e);
  reply_json(r, info->status, err_body(e, fmt != NULL ? msg : NULL, details));
  if (info->status == 503 || info->status == 429)
    reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
  if (info->status == 401)
    reply_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"caseaudit\"");
}

void reply_error(struct request *r, enum err e, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  reply_error_va(r, e, NULL, fmt, ap);
  va_end(ap);
}

void reply_error_details(struct request *r, enum err e, json_t *details, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  reply_error_va(r, e, details, fmt, ap);
  va_end(ap);
}

void reply_db_error(struct request *r, enum db_status st)
{
  if (st == DB_UNAVAILABLE)
    reply_error(r, ERR_DB_UNAVAILABLE, NULL);
  else
    reply_error(r, ERR_INTERNAL, NULL);
}

void reply_header(struct request *r, const char *name, const char *value)
{
  if (r->resp != NULL)
    MHD_add_response_header(r->resp, name, value);
}

/* Replaces a header the registry already set (Retry-After: 1 on every 429 and 503). */
static void reply_header_replace(struct request *r, const char *name, const char *value)
{
  if (r->resp == NULL)
    return;
  MHD_del_response_header(r->resp, name, MHD_get_response_header(r->resp, name));
  MHD_add_response_header(r->resp, name, value);
}

/* ---- routing ---- */

/* Matches path against pattern; on success stores the {x} segments in r->params. */
static bool match(const char *pattern, const char *path, struct request *r)
{
  size_t n = 0;
  char *caps[MAX_PARAMS];
  const char *p = pattern, *s = path;
  while (*p && *s) {
    if (*p == '{') {
      const char *pend = strchr(p, '}');
      const char *send = strchr(s, '/');
      if (send == NULL)
        send = s + strlen(s);
      if (pend == NULL || send == s || n == MAX_PARAMS)
        goto no;
      caps[n] = strndup(s, (size_t)(send - s));
      if (caps[n] == NULL)
        goto no;
      n++;
      p = pend + 1;
      s = send;
      continue;
    }
    if (*p != *s)
      goto no;
    p++;
    s++;
  }
  if (*p || *s)
    goto no;
  if (r != NULL) {
    for (size_t i = 0; i < n; i++)
      r->params[i] = caps[i];
    r->nparams = n;
  } else {
    for (size_t i = 0; i < n; i++)
      free(caps[i]);
  }
  return true;
no:
  for (size_t i = 0; i < n; i++)
    free(caps[i]);
  return false;
}

/* Finds the route; on a path that exists under other methods, fills allow ("GET, POST"). */
static int find_route(struct request *r, char *allow, size_t allowlen)
{
  allow[0] = '\0';
  for (size_t i = 0; i < http_routes_count; i++) {
    const struct route *rt = &http_routes[i];
    if (!match(rt->pattern, r->path, NULL))
      continue;
    if (strcmp(rt->method, r->method) == 0) {
      match(rt->pattern, r->path, r);
      return (int)i;
    }
    if (strstr(allow, rt->method) == NULL) {
      size_t used = strlen(allow);
      snprintf(allow + used, allowlen - used, "%s%s", used ? ", " : "", rt->method);
    }
  }
  return -1;
}

static bool media_type_is(const char *header, const char *want)
{
  if (header == NULL)
    return false;
  size_t n = strlen(want);
  if (strncasecmp(header, want, n) != 0)
    return false;
  return header[n] == '\0' || header[n] == ';' || header[n] == ' ';
}

/* Authenticates with a connection held only for the lookup, so a slow upload never pins a database slot. */
static const struct sockaddr *client_address(const struct request *r)
{
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  return ci ? ci->client_addr : NULL;
}

static void authenticate(struct request *r)
{
  const struct config *cfg = app_config();
  unsigned wait = ratelimit_blocked(client_address(r), (unsigned)cfg->auth_fail_limit,
                                    (unsigned)cfg->auth_fail_window_s);
  if (wait > 0) {
    char retry[16];
    snprintf(retry, sizeof retry, "%u", wait);
    reply_error(r, ERR_RATE_LIMITED, "too many failed authentications from this address; retry in %u s", wait);
    reply_header_replace(r, MHD_HTTP_HEADER_RETRY_AFTER, retry);
    return;
  }
  enum db_status why;
  struct db_conn *c = db_pool_acquire(app_config()->db_acquire_timeout_ms, &why);
  if (c == NULL) {
    reply_error(r, why == DB_RETRY ? ERR_DB_BUSY : ERR_DB_UNAVAILABLE, NULL);
    return;
  }
  enum auth_result ar = auth_check(c, req_header(r, MHD_HTTP_HEADER_AUTHORIZATION), &r->who);
  db_pool_release(c);
  if (ar == AUTH_MISSING || ar == AUTH_INVALID || ar == AUTH_REVOKED)
    ratelimit_failed(client_address(r), (unsigned)cfg->auth_fail_window_s);
  switch (ar) {
  case AUTH_OK:
    break;
  case AUTH_MISSING:
    reply_error(r, ERR_UNAUTHORIZED, "this endpoint needs an 'Authorization: Bearer <token>' header");
    return;
  case AUTH_INVALID:
    reply_error(r, ERR_UNAUTHORIZED, "unknown or malformed token");
    return;
  case AUTH_REVOKED:
    reply_error(r, ERR_UNAUTHORIZED, "this token has been revoked");
    return;
  case AUTH_DB_UNAVAILABLE:
    reply_error(r, ERR_DB_UNAVAILABLE, NULL);
    return;
  case AUTH_ERROR:
    reply_error(r, ERR_INTERNAL, NULL);
    return;
  }
  if (r->who.role != ROLE_ADMIN && (r->route->roles & r->who.role) == 0)
    reply_error(r, ERR_FORBIDDEN, "role '%s' may not %s %s", role_name(r->who.role), r->method, r->route->pattern);
}

/* Everything the dispatcher decides before any body byte is read. Leaves a reply set when the request is
 * refused. */
static void admit(struct request *r)
{
  const struct config *cfg = app_config();
  if (app_draining()) {
    reply_error(r, ERR_DRAINING, NULL);
    return;
  }
  char allow[128];
  r->route_index = find_route(r, allow, sizeof allow);
  if (r->route_index < 0) {
    if (allow[0] != '\0') {
      reply_error(r, ERR_METHOD_NOT_ALLOWED, "%s is not allowed on %s; allowed: %s", r->method, r->path, allow);
      reply_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    } else {
      reply_error(r, ERR_NOT_FOUND, "no such path: %s", r->path);
    }
    return;
  }
  r->route = &http_routes[r->route_index];
  if (r->has_body && r->route->body == BODY_NONE) {
    reply_error(r, ERR_BODY_TOO_LARGE, "%s %s takes no request body", r->method, r->route->pattern);
    return;
  }
  if (r->route->body == BODY_BUFFER && r->declared_length > (uint64_t)cfg->body_max_bytes) {
    reply_error(r, ERR_BODY_TOO_LARGE, "the body is %llu bytes; the limit is %ld",
                (unsigned long long)r->declared_length, cfg->body_max_bytes);
    return;
  }
  if (r->has_body && r->route->body != BODY_NONE && r->route->content_type != NULL) {
    const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!media_type_is(ct, r->route->content_type)) {
      reply_error(r, ERR_UNSUPPORTED_MEDIA_TYPE, "Content-Type must be %s, not %s", r->route->content_type,
                  ct ? ct : "absent");
      return;
    }
  }
  bool public = r->route->roles == ROLE_NONE || (r->route->public_when != NULL && r->route->public_when());
  if (!public)
    authenticate(r);
  /* libmicrohttpd counts the time a handler blocks (storing and evaluating a batch) as idleness: an accepted,
   * authenticated upload must not be cut off by connection_timeout_s between two batches. */
  if (r->resp == NULL && r->route->body == BODY_STREAM && !public)
    MHD_set_connection_option(r->conn, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)STREAM_TIMEOUT_S);
}

static enum MHD_Result queue(struct request *r)
{
  if (r->resp == NULL) {
    log_error("%s %s: the handler set no reply: this is a bug", r->method, r->path);
    reply_error(r, ERR_INTERNAL, NULL);
    if (r->resp == NULL)
      return MHD_NO;
  }
  enum MHD_Result ret = MHD_queue_response(r->conn, r->status, r->resp);
  MHD_destroy_response(r->resp);
  r->resp = NULL;
  r->queued = true;
  return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
  (void)cls;
  (void)version;
  struct request *r = *con_cls;

  if (r == NULL) {
    r = calloc(1, sizeof *r);
    if (r == NULL)
      return MHD_NO;
    *con_cls = r;
    atomic_fetch_add(&inflight, 1);
    clock_gettime(CLOCK_MONOTONIC, &r->started);
    unsigned char raw[8];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(r->id, sizeof r->id, raw, sizeof raw);
    log_set_request_id(r->id);
    r->conn = conn;
    r->method = method;
    r->route_index = -1;
    r->path = strdup(url);
    if (r->path == NULL)
      return MHD_NO;
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if (cl != NULL)
      r->declared_length = strtoull(cl, NULL, 10);
    r->has_body = r->declared_length > 0 || te != NULL;
    admit(r);
    /* A refusal of a request with a body goes out now (libmicrohttpd then skips the body and closes the
     * connection); anything else is answered from a later call, which keeps the connection alive. */
    if (r->resp != NULL && r->has_body)
      return queue(r);
    return MHD_YES;
  }

  log_set_request_id(r->id);
  if (*upload_data_size > 0) {
    size_t n = *upload_data_size;
    *upload_data_size = 0;
    /* libmicrohttpd 0.9.75 cannot queue a response while a body is arriving: a refusal decided mid-body waits
     * for the end of the body, which is read and dropped, up to DISCARD_MAX bytes; past that the connection is
     * closed without a reply. */
    if (r->queued || r->resp != NULL) {
      r->discarded += n;
      return r->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
    }
    if (r->route->body == BODY_STREAM) {
      r->route->chunk(r, upload_data, n);
      return MHD_YES;
    }
    const struct config *cfg = app_config();
    if (r->body.len + n > (size_t)cfg->body_max_bytes) {
      reply_error(r, ERR_BODY_TOO_LARGE, "the body is larger than the limit of %ld bytes", cfg->body_max_bytes);
      buf_free(&r->body);
      return MHD_YES;
    }
    if (buf_append(&r->body, upload_data, n) != 0)
      reply_error(r, ERR_INTERNAL, "out of memory");
    return MHD_YES;
  }

  if (r->queued)
    return MHD_YES;
  if (r->resp == NULL) {
    if (r->route->body == BODY_STREAM)
      r->route->chunk(r, NULL, 0); /* end of body */
    if (r->resp == NULL)
      r->route->handle(r);
  }
  return queue(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
  (void)cls;
  (void)conn;
  struct request *r = *con_cls;
  if (r == NULL)
    return;
  *con_cls = NULL;
  log_set_request_id(r->id);
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double ms = (double)(now.tv_sec - r->started.tv_sec) * 1e3 + (double)(now.tv_nsec - r->started.tv_nsec) / 1e6;
  unsigned status = r->queued ? r->status : 0;
  const char *route = r->route ? r->route->pattern : "-";
  log_info("access method=%s path=%s route=%s status=%u bytes=%zu latency_ms=%.2f token=%s%s", r->method,
           r->path ? r->path : "-", route, status, r->bytes_out, ms, r->who.name[0] ? r->who.name : "-",
           toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
  metrics_request(r->route_index, status, ms);

  if (r->resp != NULL)
    MHD_destroy_response(r->resp);
  if (r->state_free != NULL)
    r->state_free(r->state);
  db_pool_release(r->db);
  principal_clear(&r->who);
  for (size_t i = 0; i < r->nparams; i++)
    free(r->params[i]);
  buf_free(&r->body);
  free(r->path);
  free(r);
  atomic_fetch_sub(&inflight, 1);
  log_set_request_id(NULL);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
  (void)cls;
  char msg[1024];
  vsnprintf(msg, sizeof msg, fmt, ap);
  log_warn("libmicrohttpd: %s", msg);
}

/* The metrics count requests per route of the table, each named "METHOD pattern". */
static int route_metrics(void)
{
  char **names = calloc(http_routes_count + 1, sizeof *names);
  int rc = names == NULL ? -1 : 0;
  for (size_t i = 0; rc == 0 && i < http_routes_count; i++)
    if (asprintf(&names[i], "%s %s", http_routes[i].method, http_routes[i].pattern) < 0) {
      names[i] = NULL;
      rc = -1;
    }
  if (rc == 0)
    rc = metrics_init((const char *const *)names, http_routes_count);
  for (size_t i = 0; names != NULL && i < http_routes_count; i++)
    free(names[i]);
  free(names);
  return rc;
}

struct http_server *http_start(const struct config *cfg, const struct http_tls *tls, char *err, size_t errlen)
{
  char host[256];
  unsigned port;
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST};
  struct addrinfo *ai = NULL;
  struct http_server *s = NULL;

  if (config_listen_parts(cfg->listen, host, sizeof host, &port) != 0) {
    snprintf(err, errlen, "listen '%s' is not ADDR:PORT", cfg->listen);
    goto fail;
  }
  int gai = getaddrinfo(host, NULL, &hints, &ai);
  if (gai != 0) {
    snprintf(err, errlen, "listen '%s': %s (give a numeric address)", cfg->listen, gai_strerror(gai));
    goto fail;
  }
  if (ai->ai_family == AF_INET)
    ((struct sockaddr_in *)ai->ai_addr)->sin_port = htons((uint16_t)port);
  else
    ((struct sockaddr_in6 *)ai->ai_addr)->sin6_port = htons((uint16_t)port);

  s = calloc(1, sizeof *s);
  if (s == NULL || route_metrics() != 0) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
                   MHD_USE_ERROR_LOG | (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0) | (tls ? MHD_USE_TLS : 0);
  /* TLS 1.2 and 1.3 only; the list ends at once (plain HTTP) when tls is NULL */
  struct MHD_OptionItem tls_options[] = {
    {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, tls ? (void *)tls->cert_pem : NULL},
    {MHD_OPTION_HTTPS_MEM_KEY, 0, tls ? (void *)tls->key_pem : NULL},
    {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"},
    {MHD_OPTION_END, 0, NULL},
  };
  s->mhd = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, NULL,
                            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, /* first, or MHD warns it may miss some */
                            MHD_OPTION_SOCK_ADDR, ai->ai_addr,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->max_connections_per_ip,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->connection_timeout_s,
                            MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1024 * 1024),
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                            MHD_OPTION_ARRAY, tls_options,
                            MHD_OPTION_END);
  if (s->mhd == NULL) {
    snprintf(err, errlen, "cannot listen on %s (address in use or not local?)", cfg->listen);
    goto fail;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
  s->port = info ? info->port : port;
  freeaddrinfo(ai);
  return s;
fail:
  if (ai)
    freeaddrinfo(ai);
  free(s);
  return NULL;
}

unsigned http_port(const struct http_server *s) { return s->port; }

void http_quiesce(struct http_server *s)
{
  MHD_socket fd = MHD_quiesce_daemon(s->mhd);
  if (fd != MHD_INVALID_SOCKET)
    close(fd);
}

void http_stop(struct http_server *s)
{
  if (s == NULL)
    return;
  MHD_stop_daemon(s->mhd);
  free(s);
  metrics_free();
}
