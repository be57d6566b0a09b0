/* The error registry: every error caseauditd answers, with its HTTP status, stable code and default message. */
#ifndef CASEAUDIT_ERRORS_H
#define CASEAUDIT_ERRORS_H

#include <jansson.h>

enum err {
  ERR_INVALID_INPUT,
  ERR_INVALID_JSON,
  ERR_INVALID_PARAMETER,
  ERR_UNAUTHORIZED,
  ERR_FORBIDDEN,
  ERR_AGENCY_FORBIDDEN,
  ERR_NOT_FOUND,
  ERR_METHOD_NOT_ALLOWED,
  ERR_STALE_VERSION,
  ERR_VERSION_CONFLICT,
  ERR_CONFLICT,
  ERR_BODY_TOO_LARGE,
  ERR_UNSUPPORTED_MEDIA_TYPE,
  ERR_UNPROCESSABLE,
  ERR_RATE_LIMITED,
  ERR_DB_UNAVAILABLE,
  ERR_DB_BUSY,
  ERR_DRAINING,
  ERR_NOT_READY,
  ERR_INTERNAL,
  ERR__COUNT
};

struct err_info {
  unsigned status;     /* HTTP status */
  const char *code;    /* stable snake_case name clients match on */
  const char *message; /* used when the caller gives none */
};

const struct err_info *err_info(enum err e);

/* {"error": {"code", "message", "details"}}. message may be NULL (the registry's default); details is an array of
 * {path, message} objects or NULL, and is stolen. Returns a new reference. */
json_t *err_body(enum err e, const char *message, json_t *details);

/* A JSON string of s with every byte that is not valid UTF-8 replaced by U+FFFD: for texts that may echo client
 * input (parser messages, JSON pointers), which must never make an error unserialisable. Never NULL for non-NULL s
 * (aborts on out-of-memory like jansson's callers expect). */
json_t *json_string_lossy(const char *s);

/* The details array of a validation report: [{path, message}], plus a last entry when problems were dropped. */
struct vreport;
json_t *err_details(const struct vreport *r);

#endif
