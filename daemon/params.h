/* Query parameters: each parser leaves *out NULL when the parameter is absent, and on a bad value replies 400
 * naming the parameter and returns -1. Values point into the request (valid until it completes). */
#ifndef CASEAUDIT_PARAMS_H
#define CASEAUDIT_PARAMS_H

#include "http.h"

int param_text(struct request *r, const char *name, size_t max_bytes, const char **out);
int param_enum(struct request *r, const char *name, const char *const *choices, const char **out);
int param_date(struct request *r, const char *name, const char **out);
int param_instant(struct request *r, const char *name, const char **out);
int param_uuid(struct request *r, const char *name, const char **out);
int param_bool(struct request *r, const char *name, const char **out);
int param_agency(struct request *r, const char *name, const char **out);
int param_rule(struct request *r, const char *name, const char **out);
/* limit: default 50, 1..500, written as text into buf. */
int param_limit(struct request *r, char buf[8]);
/* count=true|false; *count true when asked. */
int param_count(struct request *r, bool *count);

/* The agencies the token may see as a PostgreSQL array ("{A,B}"), or NULL for all, in a malloc'd *scope. When
 * `agency` (a filter) is outside the token's agencies, replies 403 and returns -1. */
int param_scope(struct request *r, const char *agency, char **scope);

/* The request body parsed strictly and checked against spec (an empty body reads as {} when empty_ok). On any
 * problem replies 400 (invalid_json or invalid_input, every bad field named) and returns NULL. New reference. */
struct vspec;
json_t *req_json_body(struct request *r, const struct vspec *spec, bool empty_ok);

/* true when s is valid UTF-8. */
bool utf8_valid(const char *s);

/* The checks the parsers above make, on a value alone (no request; the fuzzer and unit tests call them). Each takes
 * a NUL-terminated value and returns NULL when it is acceptable, else the reason the parser's 400 gives. */
const char *param_check_text(const char *v, size_t max_bytes);
bool param_check_enum(const char *v, const char *const *choices);
const char *param_check_date(const char *v);
const char *param_check_instant(const char *v);
const char *param_check_uuid(const char *v);
const char *param_check_agency(const char *v);
const char *param_check_rule(const char *v);
/* v may be NULL (absent); *n is then 50, else the limit when accepted. */
const char *param_check_limit(const char *v, long *n);

#endif
