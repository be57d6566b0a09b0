/* Cursor = base64url(position JSON) "." base64url(first 16 bytes of HMAC-SHA256(key, scope NUL position)). */
#include "cursor.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "db_settings.h"

static unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
#define MAC_BYTES 16

void cursor_set_key(const unsigned char k[32]) { memcpy(key, k, sizeof key); }

enum db_status cursor_init(struct db_conn *c)
{
  if (sodium_init() < 0)
    return DB_HARD_ERROR;
  unsigned char fresh[sizeof key];
  char hex[2 * sizeof key + 1], stored[2 * sizeof key + 1];
  randombytes_buf(fresh, sizeof fresh);
  sodium_bin2hex(hex, sizeof hex, fresh, sizeof fresh);
  /* insert-if-absent, then read: every daemon ends up with the first key written */
  enum db_status st = db_setting_init(c, "cursor_key", hex, stored, sizeof stored);
  if (st != DB_OK)
    return st;
  size_t len = 0;
  if (sodium_hex2bin(key, sizeof key, stored, strlen(stored), NULL, &len, NULL) != 0 || len != sizeof key)
    return DB_HARD_ERROR;
  return DB_OK;
}

static void mac(const char *scope, const char *payload, unsigned char out[crypto_auth_hmacsha256_BYTES])
{
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key, sizeof key);
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)scope, strlen(scope) + 1);
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)payload, strlen(payload));
  crypto_auth_hmacsha256_final(&st, out);
}

char *cursor_encode(const json_t *pos, const char *scope)
{
  char *payload = json_dumps(pos, JSON_COMPACT | JSON_SORT_KEYS);
  if (payload == NULL)
    return NULL;
  unsigned char m[crypto_auth_hmacsha256_BYTES];
  mac(scope, payload, m);
  size_t plen = strlen(payload);
  size_t b1 = sodium_base64_ENCODED_LEN(plen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  size_t b2 = sodium_base64_ENCODED_LEN(MAC_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  char *out = malloc(b1 + b2 + 1);
  if (out != NULL) {
    sodium_bin2base64(out, b1, (const unsigned char *)payload, plen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    size_t n = strlen(out);
    out[n] = '.';
    sodium_bin2base64(out + n + 1, b2, m, MAC_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  }
  free(payload);
  return out;
}

json_t *cursor_decode(const char *cursor, const char *scope)
{
  const char *dot = strchr(cursor, '.');
  size_t clen = strlen(cursor);
  if (dot == NULL || clen > 4096)
    return NULL;
  unsigned char payload[4096], m[64];
  size_t plen = 0, mlen = 0;
  if (sodium_base642bin(payload, sizeof payload - 1, cursor, (size_t)(dot - cursor), NULL, &plen, NULL,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      sodium_base642bin(m, sizeof m, dot + 1, strlen(dot + 1), NULL, &mlen, NULL,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      mlen != MAC_BYTES)
    return NULL;
  payload[plen] = '\0';
  if (strlen((char *)payload) != plen)
    return NULL; /* a NUL inside */
  unsigned char want[crypto_auth_hmacsha256_BYTES];
  mac(scope, (char *)payload, want);
  if (sodium_memcmp(want, m, MAC_BYTES) != 0)
    return NULL;
  json_error_t jerr;
  json_t *pos = json_loadb((char *)payload, plen, JSON_REJECT_DUPLICATES, &jerr);
  if (!json_is_object(pos)) {
    json_decref(pos);
    return NULL;
  }
  return pos;
}
