/* The error registry and the one function that builds every error body. */
#include "errors.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

static const struct err_info registry[ERR__COUNT] = {
  [ERR_INVALID_INPUT] = {400, "invalid_input", "The request body is not a valid case record."},
  [ERR_INVALID_JSON] = {400, "invalid_json", "The request body is not well-formed JSON."},
  [ERR_INVALID_PARAMETER] = {400, "invalid_parameter", "A query parameter is unknown or has a bad value."},
  [ERR_UNAUTHORIZED] = {401, "unauthorized", "A valid bearer token is required."},
  [ERR_FORBIDDEN] = {403, "forbidden", "This token's role may not do this."},
  [ERR_AGENCY_FORBIDDEN] = {403, "agency_forbidden", "This token may not act for this agency."},
  [ERR_NOT_FOUND] = {404, "not_found", "No such resource."},
  [ERR_METHOD_NOT_ALLOWED] = {405, "method_not_allowed", "This method is not allowed here; see Allow."},
  [ERR_STALE_VERSION] = {409, "stale_version", "A newer version of this case is already stored."},
  [ERR_VERSION_CONFLICT] = {409, "version_conflict",
                            "This version of the case is already stored with different content."},
  [ERR_CONFLICT] = {409, "conflict", "The request conflicts with the current state."},
  [ERR_BODY_TOO_LARGE] = {413, "body_too_large", "The request body is larger than allowed."},
  [ERR_UNSUPPORTED_MEDIA_TYPE] = {415, "unsupported_media_type", "Wrong Content-Type for this endpoint."},
  [ERR_UNPROCESSABLE] = {422, "unprocessable", "The request is well-formed but refused by a business rule."},
  [ERR_RATE_LIMITED] = {429, "rate_limited", "Too many requests; retry later."},
  [ERR_DB_UNAVAILABLE] = {503, "database_unavailable", "The database is unavailable; retry later."},
  [ERR_DB_BUSY] = {503, "database_busy", "All database connections are busy; retry later."},
  [ERR_DRAINING] = {503, "server_draining", "The server is shutting down; retry on another instance."},
  [ERR_NOT_READY] = {503, "not_ready", "The service is not ready."},
  [ERR_INTERNAL] = {500, "internal_error", "Internal error; the request id in the logs tells what happened."},
};

const struct err_info *err_info(enum err e)
{
  if ((int)e < 0 || e >= ERR__COUNT)
    e = ERR_INTERNAL;
  return &registry[e];
}

json_t *json_string_lossy(const char *s)
{
  json_t *j = json_string(s);
  if (j != NULL)
    return j;
  size_t n = strlen(s);
  char *out = malloc(n * 3 + 1);
  if (out == NULL)
    return json_string("");
  const unsigned char *p = (const unsigned char *)s;
  size_t o = 0;
  while (*p) {
    int len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 && *p >= 0xC2 ? 2 : (*p & 0xF0) == 0xE0 ? 3
              : (*p & 0xF8) == 0xF0 && *p <= 0xF4 ? 4 : 0;
    bool ok = len > 0;
    for (int i = 1; ok && i < len; i++)
      ok = (p[i] & 0xC0) == 0x80;
    if (ok) {
      memcpy(out + o, p, (size_t)len);
      o += (size_t)len;
      p += len;
    } else {
      memcpy(out + o, "\xEF\xBF\xBD", 3); /* U+FFFD */
      o += 3;
      p++;
    }
  }
  out[o] = '\0';
  j = json_string(out);
  free(out);
  return j ? j : json_string("");
}

json_t *err_details(const struct vreport *r)
{
  json_t *d = json_array();
  for (size_t i = 0; i < r->count; i++)
    json_array_append_new(d, json_pack("{s:o, s:o}", "path", json_string_lossy(r->items[i].path), "message",
                                       json_string_lossy(r->items[i].message)));
  if (r->dropped > 0) {
    char msg[96];
    snprintf(msg, sizeof msg, "%zu further problems not listed", r->dropped);
    json_array_append_new(d, json_pack("{s:s, s:s}", "path", "", "message", msg));
  }
  return d;
}

json_t *err_body(enum err e, const char *message, json_t *details)
{
  const struct err_info *info = err_info(e);
  if (details == NULL)
    details = json_array();
  return json_pack("{s:{s:s, s:o, s:o}}", "error", "code", info->code, "message",
                   json_string_lossy(message != NULL ? message : info->message), "details", details);
}
