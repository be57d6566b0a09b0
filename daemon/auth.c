/* Token making and checking. Secrets are 256-bit random values; only their SHA-256 is ever stored. */
#include "auth.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db_tokens.h"
#include "log.h"

static const char *const role_names[] = {"ingest", "reviewer", "supervisor", "admin"};

enum role role_parse(const char *s)
{
  for (int i = 0; i < 4; i++)
    if (strcmp(s, role_names[i]) == 0)
      return (enum role)(1 << i);
  return 0;
}

const char *role_name(enum role r)
{
  for (int i = 0; i < 4; i++)
    if (r == (enum role)(1 << i))
      return role_names[i];
  return "none";
}

bool principal_may_agency(const struct principal *p, const char *code)
{
  if (p->role == ROLE_ADMIN || p->nagencies == 0)
    return true;
  for (size_t i = 0; i < p->nagencies; i++)
    if (strcmp(p->agencies[i], code) == 0)
      return true;
  return false;
}

void principal_clear(struct principal *p)
{
  for (size_t i = 0; i < p->nagencies; i++)
    free(p->agencies[i]);
  free(p->agencies);
  memset(p, 0, sizeof *p);
}

static void hash_secret(const char *secret, char hex[65])
{
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, (const unsigned char *)secret, strlen(secret));
  sodium_bin2hex(hex, 65, digest, sizeof digest);
}

int token_new(char token[TOKEN_MAX], char id[13], char secret_hash_hex[65])
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  if (sodium_init() < 0)
    return -1;
  for (int i = 0; i < 12; i++)
    id[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
  id[12] = '\0';
  unsigned char raw[32];
  char secret[64];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2base64(secret, sizeof secret, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  snprintf(token, TOKEN_MAX, "ca_%s_%s", id, secret);
  hash_secret(secret, secret_hash_hex);
  sodium_memzero(secret, sizeof secret);
  return 0;
}

int token_split(const char *token, char id[13], char secret_hash_hex[65])
{
  if (strncmp(token, "ca_", 3) != 0 || strlen(token) != 3 + 12 + 1 + 43 || token[15] != '_')
    return -1;
  for (int i = 0; i < 12; i++) {
    char ch = token[3 + i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
      return -1;
    id[i] = ch;
  }
  id[12] = '\0';
  const char *secret = token + 16;
  for (const char *s = secret; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
          *s == '_'))
      return -1;
  hash_secret(secret, secret_hash_hex);
  return 0;
}

static int fill_agencies(struct principal *p, const char *json_text)
{
  json_error_t jerr;
  json_t *arr = json_loads(json_text, 0, &jerr);
  int rc = -1;
  if (!json_is_array(arr))
    goto out;
  size_t n = json_array_size(arr);
  if (n > 0) {
    p->agencies = calloc(n, sizeof *p->agencies);
    if (p->agencies == NULL)
      goto out;
  }
  for (size_t i = 0; i < n; i++) {
    const char *code = json_string_value(json_array_get(arr, i));
    if (code == NULL || (p->agencies[i] = strdup(code)) == NULL)
      goto out;
    p->nagencies++;
  }
  rc = 0;
out:
  json_decref(arr);
  return rc;
}

enum auth_result auth_check(struct db_conn *c, const char *authorization, struct principal *out)
{
  memset(out, 0, sizeof *out);
  if (authorization == NULL || authorization[0] == '\0')
    return AUTH_MISSING;
  if (strncasecmp(authorization, "Bearer ", 7) != 0)
    return AUTH_INVALID;
  const char *token = authorization + 7;
  while (*token == ' ')
    token++;
  char id[13], presented[65];
  if (token_split(token, id, presented) != 0)
    return AUTH_INVALID;

  struct token_row row;
  enum db_status st = db_token_lookup(c, id, &row);
  if (st == DB_NO_ROW)
    return AUTH_INVALID;
  if (st != DB_OK)
    return st == DB_UNAVAILABLE ? AUTH_DB_UNAVAILABLE : AUTH_ERROR;

  enum auth_result result = AUTH_INVALID;
  if (sodium_memcmp(presented, row.secret_hash_hex, 64) != 0)
    goto out;
  if (row.revoked) {
    result = AUTH_REVOKED;
    goto out;
  }
  snprintf(out->name, sizeof out->name, "%s", row.name);
  out->role = role_parse(row.role);
  if (out->role == 0 || fill_agencies(out, row.agencies_json) != 0) {
    log_error("token %s: unreadable role or agencies", row.name);
    principal_clear(out);
    result = AUTH_ERROR;
    goto out;
  }
  result = AUTH_OK;
out:
  free(row.agencies_json);
  return result;
}
