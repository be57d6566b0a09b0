/* Query parameter parsing shared by the listing handlers. */
#include "params.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "validate.h"

static int bad(struct request *r, const char *name, const char *why)
{
  reply_error_details(r, ERR_INVALID_PARAMETER, json_pack("[{s:s, s:s}]", "path", name, "message", why),
                      "query parameter '%s': %s", name, why);
  return -1;
}

json_t *req_json_body(struct request *r, const struct vspec *spec, bool empty_ok)
{
  size_t len;
  const char *body = req_body(r, &len);
  struct vreport rep;
  vreport_init(&rep);
  json_t *in = (len == 0 && empty_ok) ? json_object() : json_parse_strict(body, len, &rep);
  if (in == NULL || vspec_validate(spec, in, &rep) != 0) {
    reply_error_details(r, in == NULL ? ERR_INVALID_JSON : ERR_INVALID_INPUT, err_details(&rep), "%s",
                        rep.count ? rep.items[0].message : "invalid request body");
    json_decref(in);
    in = NULL;
  }
  vreport_free(&rep);
  return in;
}

/* Well-formed UTF-8 as the Unicode Standard's table 3-7 defines it: no overlong forms, no surrogates (U+D800..DFFF),
 * nothing above U+10FFFF. PostgreSQL refuses anything else, so a value that passes here must be well formed. */
bool utf8_valid(const char *s)
{
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    int n = *p < 0x80                  ? 0
            : *p >= 0xC2 && *p <= 0xDF ? 1
            : *p >= 0xE0 && *p <= 0xEF ? 2
            : *p >= 0xF0 && *p <= 0xF4 ? 3
                                       : -1;
    if (n < 0)
      return false;
    /* the second byte's range is narrower after E0 (overlong), ED (surrogates), F0 (overlong), F4 (> U+10FFFF) */
    unsigned char lo = *p == 0xE0 ? 0xA0 : *p == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = *p == 0xED ? 0x9F : *p == 0xF4 ? 0x8F : 0xBF;
    p++;
    for (int i = 0; i < n; i++, p++)
      if (*p < (i == 0 ? lo : 0x80) || *p > (i == 0 ? hi : 0xBF))
        return false;
  }
  return true;
}

/* ---- the checks, on a value alone ---- */

const char *param_check_text(const char *v, size_t max_bytes)
{
  if (!utf8_valid(v))
    return "not valid UTF-8";
  if (strlen(v) > max_bytes)
    return "too long";
  return NULL;
}

bool param_check_enum(const char *v, const char *const *choices)
{
  for (const char *const *c = choices; *c; c++)
    if (strcmp(*c, v) == 0)
      return true;
  return false;
}

const char *param_check_date(const char *v) { return valid_date(v) ? NULL : "not a date (YYYY-MM-DD)"; }

const char *param_check_instant(const char *v)
{
  return valid_instant(v) || valid_date(v) ? NULL : "not an RFC 3339 instant with offset or a date";
}

const char *param_check_uuid(const char *v)
{
  bool ok = strlen(v) == 36;
  for (int i = 0; ok && i < 36; i++) {
    char ch = v[i];
    ok = (i == 8 || i == 13 || i == 18 || i == 23) ? ch == '-'
                                                   : ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
                                                      (ch >= 'A' && ch <= 'F'));
  }
  return ok ? NULL : "not a UUID";
}

const char *param_check_agency(const char *v)
{
  size_t n = strlen(v);
  bool ok = n > 0 && n <= 64;
  for (const char *p = v; ok && *p; p++)
    ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
         *p == '_' || *p == '-';
  return ok ? NULL : "not an agency code";
}

const char *param_check_rule(const char *v)
{
  bool ok = strlen(v) == 3 && v[0] >= 'A' && v[0] <= 'Z' && v[1] >= '0' && v[1] <= '9' && v[2] >= '0' && v[2] <= '9';
  return ok ? NULL : "not a rule id (like P01)";
}

const char *param_check_limit(const char *v, long *n)
{
  *n = 50;
  if (v == NULL)
    return NULL;
  char *end;
  long l = strtol(v, &end, 10);
  if (*v == '\0' || *end != '\0' || l < 1 || l > 500)
    return "must be a whole number from 1 to 500";
  *n = l;
  return NULL;
}

/* ---- the parsers ---- */

/* Looks name up; 0 when absent or accepted by check, else replies 400 with check's reason. */
static int checked(struct request *r, const char *name, const char *(*check)(const char *), const char **out)
{
  *out = req_query(r, name);
  const char *why = *out != NULL ? check(*out) : NULL;
  return why ? bad(r, name, why) : 0;
}

int param_text(struct request *r, const char *name, size_t max_bytes, const char **out)
{
  *out = req_query(r, name);
  if (*out == NULL)
    return 0;
  const char *why = param_check_text(*out, max_bytes);
  if (why != NULL)
    return bad(r, name, why);
  if ((*out)[0] == '\0')
    *out = NULL; /* an empty filter is no filter */
  return 0;
}

int param_enum(struct request *r, const char *name, const char *const *choices, const char **out)
{
  *out = req_query(r, name);
  if (*out == NULL || param_check_enum(*out, choices))
    return 0;
  struct buf b = {0};
  buf_printf(&b, "must be one of:");
  for (const char *const *c = choices; *c; c++)
    buf_printf(&b, " %s", *c);
  int rc = bad(r, name, b.data ? b.data : "not allowed");
  buf_free(&b);
  return rc;
}

int param_date(struct request *r, const char *name, const char **out)
{
  return checked(r, name, param_check_date, out);
}

int param_instant(struct request *r, const char *name, const char **out)
{
  return checked(r, name, param_check_instant, out);
}

int param_uuid(struct request *r, const char *name, const char **out)
{
  return checked(r, name, param_check_uuid, out);
}

int param_bool(struct request *r, const char *name, const char **out)
{
  static const char *const choices[] = {"true", "false", NULL};
  return param_enum(r, name, choices, out);
}

int param_agency(struct request *r, const char *name, const char **out)
{
  return checked(r, name, param_check_agency, out);
}

int param_rule(struct request *r, const char *name, const char **out)
{
  return checked(r, name, param_check_rule, out);
}

int param_limit(struct request *r, char buf[8])
{
  long n;
  const char *why = param_check_limit(req_query(r, "limit"), &n);
  if (why != NULL)
    return bad(r, "limit", why);
  snprintf(buf, 8, "%ld", n);
  return 0;
}

int param_count(struct request *r, bool *count)
{
  const char *v;
  if (param_bool(r, "count", &v) != 0)
    return -1;
  *count = v != NULL && strcmp(v, "true") == 0;
  return 0;
}

int param_scope(struct request *r, const char *agency, char **scope)
{
  const struct principal *p = req_principal(r);
  *scope = NULL;
  if (p->role == ROLE_ADMIN || p->role == ROLE_SUPERVISOR)
    return 0; /* every agency (http-api.md) */
  if (agency != NULL && !principal_may_agency(p, agency)) {
    reply_error_details(r, ERR_AGENCY_FORBIDDEN,
                        json_pack("[{s:s, s:s}]", "path", "agency", "message", "not an agency of this token"),
                        "token '%s' may not read agency '%s'", p->name, agency);
    return -1;
  }
  if (p->nagencies == 0)
    return 0;
  struct buf b = {0};
  buf_append(&b, "{", 1);
  for (size_t i = 0; i < p->nagencies; i++)
    buf_printf(&b, "%s\"%s\"", i ? "," : "", p->agencies[i]); /* agency codes have no quotes or backslashes */
  buf_append(&b, "}", 1);
  *scope = b.data;
  return 0;
}
