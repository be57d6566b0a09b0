/* Masking of personal information, applied to every response a role may not see it in. */
#include "privacy.h"

#include <stdlib.h>
#include <string.h>

bool may_see_personal(const struct principal *p, const char *agency)
{
  if (p->role == ROLE_ADMIN)
    return true;
  return p->role == ROLE_REVIEWER && principal_may_agency(p, agency);
}

/* Counts UTF-8 characters, so that masking never cuts one in half. */
static size_t utf8_chars(const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80)
      n++;
  return n;
}

static const char *utf8_skip(const char *s, size_t chars)
{
  while (*s && chars > 0) {
    s++;
    while (((unsigned char)*s & 0xC0) == 0x80)
      s++;
    chars--;
  }
  return s;
}

char *mask_personal(const char *value)
{
  size_t n = utf8_chars(value);
  size_t head = n >= 15 ? 6 : n >= 11 ? 3 : 0;
  size_t tail = n >= 11 ? 4 : 0;
  size_t stars = n - head - tail;
  const char *head_end = utf8_skip(value, head);
  const char *tail_start = utf8_skip(value, n - tail);
  size_t hb = (size_t)(head_end - value), tb = strlen(tail_start);
  char *out = malloc(hb + stars + tb + 1);
  if (out == NULL)
    return NULL;
  memcpy(out, value, hb);
  memset(out + hb, '*', stars);
  memcpy(out + hb + stars, tail_start, tb + 1);
  return out;
}

void mask_record(json_t *record)
{
  json_t *party = json_object_get(record, "party");
  static const char *const keys[] = {"id_number", "phone"};
  for (size_t i = 0; i < 2; i++) {
    const char *v = json_string_value(json_object_get(party, keys[i]));
    if (v == NULL)
      continue;
    char *m = mask_personal(v);
    if (m != NULL)
      json_object_set_new(party, keys[i], json_string(m));
    free(m);
  }
}
