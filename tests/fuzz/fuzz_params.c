/* fuzz_params.c: a query string as the listing handlers read it: split at "&" and "=", "+" and %XX decoded
 * (libmicrohttpd's MHD_http_unescape), each value through the check its parameter gets (and through every other
 * check too), "cursor" and "since" through cursor_decode() with a fixed key. A pair "sign=PAYLOAD" is signed here
 * with the same key, so the fuzzer also reaches what lies behind the MAC check.
 * Invariants: a check answers NULL or a reason; what a check accepts has the shape it promises; a cursor that
 * decodes is an object that encodes and decodes back to itself and to nothing under another scope; a signed
 * payload decodes exactly when it is a JSON object. */
#include <microhttpd.h>
#include <sodium.h>
#include <string.h>

#include "cursor.h"
#include "fuzz.h"
#include "params.h"

#define CASES_SCOPE "cases\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f" "0"
#define FINDINGS_SCOPE "findings\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f"
#define FEED_SCOPE "changes"

static const char *const scopes[] = {CASES_SCOPE, FINDINGS_SCOPE, FEED_SCOPE};
static const unsigned char fuzz_key[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                           17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

static const char *const bools[] = {"true", "false", NULL};
static const char *const grades[] = {"excellent", "pass", "fail", NULL};
static const char *const systems[] = {"publicity", "recording", "review", "documents", "archive", NULL};
static const char *const statuses[] = {"open", "acknowledged", "waived", "resolved", NULL};

/* The reference: well-formed UTF-8 byte sequences as the Unicode Standard's table 3-7 lists them (no overlong
 * forms, no surrogates, nothing above U+10FFFF), written out range by range. PostgreSQL refuses anything else. */
static bool well_formed_utf8(const unsigned char *s)
{
  while (*s) {
    unsigned char b = *s++;
    int more;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b <= 0x7F)
      continue;
    if (b >= 0xC2 && b <= 0xDF)
      more = 1;
    else if (b >= 0xE0 && b <= 0xEF)
      more = 2;
    else if (b >= 0xF0 && b <= 0xF4)
      more = 3;
    else
      return false;
    if (b == 0xE0)
      lo = 0xA0;
    else if (b == 0xED)
      hi = 0x9F;
    else if (b == 0xF0)
      lo = 0x90;
    else if (b == 0xF4)
      hi = 0x8F;
    if (*s < lo || *s > hi)
      return false;
    s++;
    for (int i = 1; i < more; i++, s++)
      if (*s < 0x80 || *s > 0xBF)
        return false;
  }
  return true;
}

static void check_reason(const char *why)
{
  FUZZ_CHECK(why == NULL || why[0] != '\0');
}

/* Every check on v, with what acceptance promises. */
static void all_checks(const char *v)
{
  const char *why;
  long n = 0;

  check_reason(why = param_check_text(v, 200));
  FUZZ_CHECK((why == NULL) == (well_formed_utf8((const unsigned char *)v) && strlen(v) <= 200));
  check_reason(why = param_check_date(v));
  FUZZ_CHECK(why != NULL || (strlen(v) == 10 && v[4] == '-' && v[7] == '-'));
  check_reason(why = param_check_instant(v));
  FUZZ_CHECK(why != NULL || strlen(v) >= 10);
  check_reason(why = param_check_uuid(v));
  FUZZ_CHECK(why != NULL || strlen(v) == 36);
  check_reason(why = param_check_agency(v));
  FUZZ_CHECK(why != NULL || (strlen(v) >= 1 && strlen(v) <= 64));
  check_reason(why = param_check_rule(v));
  FUZZ_CHECK(why != NULL || strlen(v) == 3);
  check_reason(why = param_check_limit(v, &n));
  FUZZ_CHECK(why != NULL || (n >= 1 && n <= 500));
  FUZZ_CHECK(param_check_enum(v, bools) == (strcmp(v, "true") == 0 || strcmp(v, "false") == 0));
  (void)param_check_enum(v, grades);
  (void)param_check_enum(v, systems);
  (void)param_check_enum(v, statuses);
}

/* A position that decoded is an object that survives encode and decode, and only under its own scope. */
static void check_position(json_t *pos, size_t scope)
{
  FUZZ_CHECK(json_is_object(pos));
  char *again = cursor_encode(pos, scopes[scope]);
  if (again == NULL)
    return;
  json_t *back = cursor_decode(again, scopes[scope]);
  FUZZ_CHECK(back != NULL && json_equal(back, pos));
  json_decref(back);
  FUZZ_CHECK(cursor_decode(again, scopes[(scope + 1) % 3]) == NULL);
  free(again);
}

static void check_cursor(const char *v)
{
  for (size_t s = 0; s < 3; s++) {
    json_t *pos = cursor_decode(v, scopes[s]);
    if (pos != NULL)
      check_position(pos, s);
    json_decref(pos);
  }
}

/* Signs payload as cursor_encode() does (base64url(payload) "." base64url(HMAC(key, scope NUL payload)[0..16])),
 * whatever the payload holds, and checks what cursor_decode() makes of it. */
static void check_signed(const char *payload, size_t scope)
{
  size_t plen = strlen(payload);
  if (plen > 2048)
    return;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, fuzz_key, sizeof fuzz_key);
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)scopes[scope], strlen(scopes[scope]) + 1);
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)payload, plen);
  crypto_auth_hmacsha256_final(&st, mac);
  char cursor[4096];
  sodium_bin2base64(cursor, 2800, (const unsigned char *)payload, plen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  size_t n = strlen(cursor);
  cursor[n] = '.';
  sodium_bin2base64(cursor + n + 1, sizeof cursor - n - 1, mac, 16, sodium_base64_VARIANT_URLSAFE_NO_PADDING);

  json_error_t jerr;
  json_t *want = json_loadb(payload, plen, JSON_REJECT_DUPLICATES, &jerr);
  json_t *got = cursor_decode(cursor, scopes[scope]);
  FUZZ_CHECK((got != NULL) == json_is_object(want));
  if (got != NULL) {
    FUZZ_CHECK(json_equal(got, want));
    check_position(got, scope);
  }
  json_decref(got);
  json_decref(want);
}

/* One decoded key=value pair, through the parser its name gets in the handlers. */
static void check_pair(const char *key, const char *value, size_t scope)
{
  all_checks(value);
  if (strcmp(key, "cursor") == 0 || strcmp(key, "since") == 0)
    check_cursor(value);
  else if (strcmp(key, "sign") == 0)
    check_signed(value, scope);
}

static void unescape(char *s)
{
  for (char *p = s; *p; p++)
    if (*p == '+')
      *p = ' ';
  size_t before = strlen(s);
  /* "%00" decodes to a NUL: the value a handler sees (a C string) ends there, as with libmicrohttpd's lookup */
  FUZZ_CHECK(MHD_http_unescape(s) <= before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static bool ready;
  if (!ready) {
    FUZZ_CHECK(sodium_init() >= 0);
    cursor_set_key(fuzz_key);
    ready = true;
  }
  char *q = malloc(size + 1);
  if (q == NULL)
    return 0;
  memcpy(q, data, size);
  q[size] = '\0';
  size_t scope = size ? data[0] % 3 : 0;
  /* the whole input as one value, as a handler sees a parameter it knows */
  all_checks(q);
  check_cursor(q);
  char *save = NULL;
  for (char *pair = strtok_r(q, "&", &save); pair != NULL; pair = strtok_r(NULL, "&", &save)) {
    char *eq = strchr(pair, '=');
    if (eq == NULL)
      continue; /* "key" alone has no value: req_query() answers NULL */
    *eq = '\0';
    unescape(pair);
    unescape(eq + 1);
    check_pair(pair, eq + 1, scope);
  }
  free(q);
  return 0;
}
