/* validate.c: strict JSON parsing and the one generic walker that checks a JSON value against a declared spec. */
#include "validate.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A spec names a handful of id spaces (documents, events, recordings); a fixed table keeps lookups trivial. */
#define MAX_SPACES 8

/* ---- Report ------------------------------------------------------------------------------------------------- */

static char *copy_string(const char *s)
{
  size_t n = strlen(s) + 1;
  char *c = malloc(n);

  if (c)
    memcpy(c, s, n);
  return c;
}

void vreport_init(struct vreport *r)
{
  r->items = NULL;
  r->count = 0;
  r->dropped = 0;
}

static void vreport_vadd(struct vreport *r, const char *path, const char *fmt, va_list ap)
{
  char *p = NULL;
  char *m = NULL;
  bool kept = false;
  va_list aq;
  int n;

  if (r->count >= VALIDATE_MAX_DETAILS)
    goto out;
  /* The array is allocated whole on first use: it never grows past the cap, so one allocation is enough. */
  if (!r->items) {
    r->items = calloc(VALIDATE_MAX_DETAILS, sizeof *r->items);
    if (!r->items)
      goto out;
  }
  va_copy(aq, ap);
  n = vsnprintf(NULL, 0, fmt, aq);
  va_end(aq);
  if (n < 0)
    goto out;
  m = malloc((size_t)n + 1);
  p = copy_string(path ? path : "");
  if (!m || !p)
    goto out;
  vsnprintf(m, (size_t)n + 1, fmt, ap);
  r->items[r->count].path = p;
  r->items[r->count].message = m;
  r->count++;
  p = m = NULL;
  kept = true;
out:
  /* Counting what could not be recorded keeps "0 problems" meaning valid even when memory is short. */
  if (!kept)
    r->dropped++;
  free(p);
  free(m);
}

void vreport_add(struct vreport *r, const char *path, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vreport_vadd(r, path, fmt, ap);
  va_end(ap);
}

void vreport_free(struct vreport *r)
{
  for (size_t i = 0; i < r->count; i++) {
    free(r->items[i].path);
    free(r->items[i].message);
  }
  free(r->items);
  vreport_init(r);
}

size_t vreport_total(const struct vreport *r)
{
  return r->count + r->dropped;
}

/* ---- Strict parsing ----------------------------------------------------------------------------------------- */

static const char *type_name(const json_t *v)
{
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "object";
  case JSON_ARRAY: return "array";
  case JSON_STRING: return "string";
  case JSON_INTEGER: return "integer";
  case JSON_REAL: return "number";
  case JSON_TRUE:
  case JSON_FALSE: return "boolean";
  case JSON_NULL: return "null";
  }
  return "unknown";
}

json_t *json_parse_strict(const char *buf, size_t len, struct vreport *r)
{
  json_error_t err;
  json_t *root = NULL;
  const char *nul;

  if (!buf)
    buf = "";
  /* jansson stops at a raw NUL and then blames the wrong thing ("end of file expected near end of file"), so find
   * it first and say what it is. Columns count characters, as jansson's do, so both kinds of message agree. */
  nul = memchr(buf, '\0', len);
  if (nul) {
    int line = 1, column = 1;

    for (const char *c = buf; c < nul; c++) {
      if (*c == '\n') {
        line++;
        column = 1;
      } else if (((unsigned char)*c & 0xC0) != 0x80) {
        column++;
      }
    }
    vreport_add(r, "", "line %d, column %d: NUL byte not allowed", line, column);
    goto out;
  }
  /* JSON_DECODE_ANY lets a scalar or array through so the message can say what came instead of an object. */
  root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
  if (!root) {
    vreport_add(r, "", "line %d, column %d: %s", err.line, err.column, err.text);
    goto out;
  }
  if (!json_is_object(root)) {
    vreport_add(r, "", "expected object at top level, got %s", type_name(root));
    json_decref(root);
    root = NULL;
  }
out:
  return root;
}

/* ---- Dates -------------------------------------------------------------------------------------------------- */

/* Reads exactly n digits; stops at the first non-digit, so it never reads past a terminating NUL. */
static bool digits(const char *s, int n, int *out)
{
  int v = 0;

  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

static bool date_prefix(const char *s)
{
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y, m, d, max;

  if (!s || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' || !digits(s + 8, 2, &d))
    return false;
  /* 1900..2999 keeps typos such as 0202 or 20222 out while leaving room for any real case file. */
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
    return false;
  max = mdays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    max = 29;
  return d <= max;
}

bool valid_date(const char *s)
{
  return date_prefix(s) && s[10] == '\0';
}

bool valid_instant(const char *s)
{
  const char *p;
  int h, mi, sec, oh, om, nfrac = 0;

  if (!date_prefix(s) || (s[10] != 'T' && s[10] != 't'))
    return false;
  if (!digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
      !digits(s + 17, 2, &sec))
    return false;
  /* Second 60 is refused: a leap second is real only at a few instants, and most consumers (PostgreSQL rolls it
   * over, many libraries refuse it) would not store it as sent. */
  if (h > 23 || mi > 59 || sec > 59)
    return false;
  p = s + 19;
  if (*p == '.') {
    for (p++; *p >= '0' && *p <= '9'; p++)
      nfrac++;
    /* Nine digits reach nanoseconds; more can only be noise and would lengthen what storage must keep. */
    if (nfrac < 1 || nfrac > 9)
      return false;
  }
  if (*p == 'Z' || *p == 'z')
    return p[1] == '\0';
  if (*p != '+' && *p != '-')
    return false;
  if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || p[6] != '\0')
    return false;
  return oh <= 23 && om <= 59;
}

/* ---- Walker ------------------------------------------------------------------------------------------------- */

struct idspace {
  const char *name;
  json_t *seen;  /* id -> JSON pointer of the element that first carried it */
  bool tainted;  /* some id of this space could not be read, so a dangling reference may not be the client's fault */
};

struct ref {
  size_t path_off; /* into walk.arena */
  const char *value;
  size_t space;
};

struct walk {
  struct vreport *r;
  bool failed; /* out of memory or spec over MAX_SPACES: the result cannot be trusted */
  char *path;
  size_t len, cap;
  struct idspace spaces[MAX_SPACES];
  size_t nspaces;
  /* References are resolved after the walk, so a spec may list referring arrays before the arrays they refer to. */
  struct ref *refs;
  size_t nrefs, caprefs;
  char *arena;
  size_t arena_len, arena_cap;
};

static bool reserve(struct walk *w, char **buf, size_t *cap, size_t need)
{
  size_t n;
  char *b;

  if (need <= *cap)
    return true;
  n = *cap ? *cap : 256;
  while (n < need)
    n *= 2;
  b = realloc(*buf, n);
  if (!b) {
    w->failed = true;
    return false;
  }
  *buf = b;
  *cap = n;
  return true;
}

/* Appends one RFC 6901 reference token; returns the length to restore with pop(). */
static size_t push_key(struct walk *w, const char *key)
{
  size_t mark = w->len;
  size_t extra = 1;

  for (const char *c = key; *c; c++)
    extra += (*c == '~' || *c == '/') ? 2 : 1;
  if (!reserve(w, &w->path, &w->cap, w->len + extra + 1))
    return mark;
  w->path[w->len++] = '/';
  for (const char *c = key; *c; c++) {
    if (*c == '~' || *c == '/') {
      w->path[w->len++] = '~';
      w->path[w->len++] = *c == '~' ? '0' : '1';
    } else {
      w->path[w->len++] = *c;
    }
  }
  w->path[w->len] = '\0';
  return mark;
}

static size_t push_index(struct walk *w, size_t i)
{
  char tok[24];

  snprintf(tok, sizeof tok, "%zu", i);
  return push_key(w, tok);
}

static void pop(struct walk *w, size_t mark)
{
  w->len = mark;
  if (w->path)
    w->path[mark] = '\0';
}

static void report(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report(struct walk *w, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vreport_vadd(w->r, w->path ? w->path : "", fmt, ap);
  va_end(ap);
}

static struct idspace *space_of(struct walk *w, const char *name, size_t *index)
{
  size_t i;

  for (i = 0; i < w->nspaces; i++)
    if (strcmp(w->spaces[i].name, name) == 0)
      goto out;
  if (w->nspaces == MAX_SPACES) {
    w->failed = true;
    return NULL;
  }
  w->spaces[i].name = name;
  w->spaces[i].seen = json_object();
  w->spaces[i].tainted = false;
  if (!w->spaces[i].seen) {
    w->failed = true;
    return NULL;
  }
  w->nspaces++;
out:
  if (index)
    *index = i;
  return &w->spaces[i];
}

/* A subtree that was rejected whole may have carried ids; references into those spaces are then unverifiable. */
static void taint_below(struct walk *w, const struct vspec *s)
{
  struct idspace *sp;

  if (s->flags & V_ID) {
    sp = space_of(w, s->space, NULL);
    if (sp)
      sp->tainted = true;
  }
  if (s->kind == VK_OBJECT && s->members)
    for (const struct vspec *m = s->members; m->name; m++)
      taint_below(w, m);
  if ((s->kind == VK_ARRAY || s->kind == VK_MAP) && s->items)
    taint_below(w, s->items);
}

static const char *expected_name(enum vkind k)
{
  switch (k) {
  case VK_OBJECT:
  case VK_MAP: return "object";
  case VK_ARRAY: return "array";
  case VK_STRING:
  case VK_DATE:
  case VK_INSTANT:
  case VK_ENUM: return "string";
  case VK_INTEGER: return "integer";
  case VK_NUMBER: return "number";
  case VK_BOOLEAN: return "boolean";
  }
  return "?";
}

static void add_id(struct walk *w, const struct vspec *s, const char *id)
{
  struct idspace *sp = space_of(w, s->space, NULL);
  const json_t *first;
  const char *slash;
  json_t *here;

  if (!sp)
    return;
  first = json_object_get(sp->seen, id);
  if (first) {
    report(w, "duplicate id \"%s\" (first at %s)", id, json_string_value(first));
    return;
  }
  /* "First at" names the element, not its id member: that is what a client looks for in its own data. An id that
   * is itself an array item (no member name) is its own element. */
  slash = s->name ? strrchr(w->path, '/') : NULL;
  here = json_stringn(w->path, slash ? (size_t)(slash - w->path) : w->len);
  if (!here || json_object_set_new(sp->seen, id, here) != 0)
    w->failed = true;
}

static void add_ref(struct walk *w, const struct vspec *s, const char *value)
{
  size_t space;
  struct ref *nr;

  if (!space_of(w, s->space, &space))
    return;
  if (w->nrefs == w->caprefs) {
    size_t n = w->caprefs ? w->caprefs * 2 : 64;

    nr = realloc(w->refs, n * sizeof *nr);
    if (!nr) {
      w->failed = true;
      return;
    }
    w->refs = nr;
    w->caprefs = n;
  }
  if (!reserve(w, &w->arena, &w->arena_cap, w->arena_len + w->len + 1))
    return;
  memcpy(w->arena + w->arena_len, w->path, w->len + 1);
  w->refs[w->nrefs].path_off = w->arena_len;
  w->refs[w->nrefs].value = value;
  w->refs[w->nrefs].space = space;
  w->nrefs++;
  w->arena_len += w->len + 1;
}

static void report_choices(struct walk *w, const char *const *choices)
{
  size_t n = 1;
  char *list, *p;

  for (const char *const *c = choices; *c; c++)
    n += strlen(*c) + 2;
  list = malloc(n);
  if (!list) {
    w->failed = true;
    return;
  }
  p = list;
  *p = '\0';
  for (const char *const *c = choices; *c; c++) {
    size_t l = strlen(*c);

    if (c != choices) {
      memcpy(p, ", ", 2);
      p += 2;
    }
    memcpy(p, *c, l + 1);
    p += l;
  }
  report(w, "must be one of: %s", list);
  free(list);
}

/* Returns false when the string was rejected. */
static bool walk_string(struct walk *w, const struct vspec *s, const json_t *v)
{
  const char *str = json_string_value(v);
  size_t len = json_string_length(v);

  /* The parser refuses \u0000, but a record built by other code might not have been parsed strictly, and neither
   * PostgreSQL text nor C strings can hold it. */
  if (memchr(str, '\0', len)) {
    report(w, "contains a NUL character");
    return false;
  }
  switch (s->kind) {
  case VK_STRING:
    if ((long long)len > s->max) {
      report(w, "longer than %lld bytes", s->max);
      return false;
    }
    if ((long long)len < s->min) {
      report(w, "shorter than %lld bytes", s->min);
      return false;
    }
    if (s->check && !s->check(str)) {
      report(w, "%s", s->check_msg ? s->check_msg : "not valid");
      return false;
    }
    return true;
  case VK_DATE:
    if (!valid_date(str)) {
      report(w, "not a valid date (YYYY-MM-DD)");
      return false;
    }
    return true;
  case VK_INSTANT:
    if (!valid_instant(str)) {
      report(w, "not a valid instant (RFC 3339 with offset, e.g. 2022-03-01T10:20:00+08:00)");
      return false;
    }
    return true;
  case VK_ENUM:
    for (const char *const *c = s->choices; c && *c; c++)
      if (strcmp(*c, str) == 0)
        return true;
    report_choices(w, s->choices ? s->choices : (const char *const[]){NULL});
    return false;
  default:
    return false;
  }
}

static void walk_value(struct walk *w, const struct vspec *s, const json_t *v);

static const struct vspec *member_spec(const struct vspec *s, const char *key)
{
  for (const struct vspec *m = s->members; m && m->name; m++)
    if (strcmp(m->name, key) == 0)
      return m;
  return NULL;
}

static void walk_object(struct walk *w, const struct vspec *s, const json_t *v)
{
  const char *key;
  json_t *m;
  size_t mark;

  /* Document order first, so details read top to bottom like the client's own JSON. */
  json_object_foreach ((json_t *)v, key, m) {
    const struct vspec *ms = member_spec(s, key);

    mark = push_key(w, key);
    if (!ms)
      report(w, "unknown key");
    else if (!json_is_null(m))
      walk_value(w, ms, m);
    else if (ms->flags & V_REQUIRED) {
      report(w, "required, got null");
      taint_below(w, ms);
    }
    pop(w, mark);
  }
  for (const struct vspec *ms = s->members; ms && ms->name; ms++) {
    if (!(ms->flags & V_REQUIRED) || json_object_get(v, ms->name))
      continue;
    mark = push_key(w, ms->name);
    report(w, "required");
    taint_below(w, ms);
    pop(w, mark);
  }
  for (const struct vcond *c = s->conds; c && c->key; c++) {
    const json_t *k = json_object_get(v, c->key);
    const json_t *t = json_object_get(v, c->required);
    const struct vspec *ts;

    if (!json_is_string(k) || strcmp(json_string_value(k), c->equals) != 0 || (t && !json_is_null(t)))
      continue;
    mark = push_key(w, c->required);
    report(w, "required when %s is \"%s\"", c->key, c->equals);
    ts = member_spec(s, c->required);
    if (ts)
      taint_below(w, ts);
    pop(w, mark);
  }
}

static void walk_map(struct walk *w, const struct vspec *s, const json_t *v)
{
  const char *key;
  json_t *m;
  size_t mark;

  if ((long long)json_object_size(v) > s->max) {
    report(w, "more than %lld keys", s->max);
    taint_below(w, s);
    return;
  }
  json_object_foreach ((json_t *)v, key, m) {
    mark = push_key(w, key);
    if (strlen(key) > s->key_max)
      report(w, "key longer than %zu bytes", s->key_max);
    else if (!json_is_null(m))
      walk_value(w, s->items, m);
    else if (s->items->flags & V_REQUIRED)
      report(w, "required, got null");
    pop(w, mark);
  }
}

static void walk_array(struct walk *w, const struct vspec *s, const json_t *v)
{
  size_t n = json_array_size(v);
  size_t mark;

  /* An over-long array is not walked: the bound exists to cap the work as much as the storage. */
  if ((long long)n > s->max) {
    report(w, "more than %lld items", s->max);
    taint_below(w, s);
    return;
  }
  if ((long long)n < s->min)
    report(w, "fewer than %lld items", s->min);
  for (size_t i = 0; i < n; i++) {
    const json_t *item = json_array_get(v, i);

    mark = push_index(w, i);
    /* A null item is never "absent": a shorter list would have said that, so it is a client bug. */
    if (json_is_null(item)) {
      report(w, "expected %s, got null", expected_name(s->items->kind));
      taint_below(w, s->items);
    } else {
      walk_value(w, s->items, item);
    }
    pop(w, mark);
  }
}

static void walk_value(struct walk *w, const struct vspec *s, const json_t *v)
{
  double d;
  json_int_t i;
  bool ok;

  if (w->failed)
    return;
  switch (s->kind) {
  case VK_OBJECT:
  case VK_MAP:
  case VK_ARRAY:
    if ((s->kind == VK_ARRAY && !json_is_array(v)) || (s->kind != VK_ARRAY && !json_is_object(v))) {
      report(w, "expected %s, got %s", expected_name(s->kind), type_name(v));
      taint_below(w, s);
    } else if (s->kind == VK_OBJECT) {
      walk_object(w, s, v);
    } else if (s->kind == VK_MAP) {
      walk_map(w, s, v);
    } else {
      walk_array(w, s, v);
    }
    break;
  case VK_STRING:
  case VK_DATE:
  case VK_INSTANT:
  case VK_ENUM:
    ok = json_is_string(v);
    if (!ok)
      report(w, "expected string, got %s", type_name(v));
    else
      ok = walk_string(w, s, v);
    if (!ok)
      taint_below(w, s);
    else if (s->flags & V_ID)
      add_id(w, s, json_string_value(v));
    else if (s->flags & V_REF)
      add_ref(w, s, json_string_value(v));
    break;
  case VK_INTEGER:
    if (!json_is_integer(v)) {
      report(w, "expected integer, got %s", type_name(v));
      break;
    }
    i = json_integer_value(v);
    if (i < s->min)
      report(w, "must be at least %lld", s->min);
    else if (i > s->max)
      report(w, "must be at most %lld", s->max);
    break;
  case VK_NUMBER:
    if (!json_is_number(v)) {
      report(w, "expected number, got %s", type_name(v));
      break;
    }
    d = json_number_value(v);
    if (!isfinite(d))
      report(w, "must be a finite number");
    else if (d < s->dmin)
      report(w, "must be at least %.15g", s->dmin);
    else if (d > s->dmax)
      report(w, "must be at most %.15g", s->dmax);
    break;
  case VK_BOOLEAN:
    if (!json_is_boolean(v))
      report(w, "expected boolean, got %s", type_name(v));
    break;
  }
}

static void resolve_refs(struct walk *w)
{
  for (size_t i = 0; i < w->nrefs && !w->failed; i++) {
    const struct ref *f = &w->refs[i];
    const struct idspace *sp = &w->spaces[f->space];

    if (sp->tainted || json_object_get(sp->seen, f->value))
      continue;
    vreport_add(w->r, w->arena + f->path_off, "%s_ref \"%s\" names no %s", sp->name, f->value, sp->name);
  }
}

int vspec_validate(const struct vspec *spec, const json_t *value, struct vreport *r)
{
  struct walk w = {.r = r};
  size_t before = vreport_total(r);
  int ret = -1;

  /* The root path is "", which must exist as a string before anything is reported. */
  if (!reserve(&w, &w.path, &w.cap, 1))
    goto out;
  w.path[0] = '\0';
  if (!value || json_is_null(value)) {
    report(&w, "expected %s, got null", expected_name(spec->kind));
  } else {
    walk_value(&w, spec, value);
    resolve_refs(&w);
  }
  if (w.failed)
    goto out;
  ret = (int)(vreport_total(r) - before);
out:
  for (size_t i = 0; i < w.nspaces; i++)
    json_decref(w.spaces[i].seen);
  free(w.arena);
  free(w.refs);
  free(w.path);
  return ret;
}

/* ---- Schema ------------------------------------------------------------------------------------------------- */

static int set_new(json_t *o, const char *key, json_t *v) { return v == NULL ? -1 : json_object_set_new(o, key, v); }

static json_t *schema_of(const struct vspec *s, bool nullable);

static int schema_object(json_t *o, const struct vspec *s)
{
  json_t *props = json_object(), *req = json_array();
  int rc = props != NULL && req != NULL ? 0 : -1;
  for (const struct vspec *m = s->members; rc == 0 && m && m->name; m++) {
    rc |= set_new(props, m->name, schema_of(m, (m->flags & V_REQUIRED) == 0));
    if (m->flags & V_REQUIRED)
      rc |= json_array_append_new(req, json_string(m->name));
  }
  rc |= set_new(o, "type", json_string("object"));
  rc |= set_new(o, "additionalProperties", json_false());
  rc |= set_new(o, "properties", props);
  if (json_array_size(req) > 0)
    rc |= set_new(o, "required", req);
  else
    json_decref(req);
  return rc;
}

static json_t *schema_of(const struct vspec *s, bool nullable)
{
  json_t *o = json_object();
  int rc = o != NULL ? 0 : -1;
  char doc[512] = "";
  if (s->doc)
    snprintf(doc, sizeof doc, "%s", s->doc);
  switch (s->kind) {
  case VK_OBJECT:
    rc |= schema_object(o, s);
    for (const struct vcond *c = s->conds; c && c->key; c++)
      snprintf(doc + strlen(doc), sizeof doc - strlen(doc), "%s%s is required when %s is %s", doc[0] ? "; " : "",
               c->required, c->key, c->equals);
    break;
  case VK_MAP:
    rc |= set_new(o, "type", json_string("object"));
    rc |= set_new(o, "maxProperties", json_integer(s->max));
    rc |= set_new(o, "additionalProperties", schema_of(s->items, (s->items->flags & V_REQUIRED) == 0));
    snprintf(doc + strlen(doc), sizeof doc - strlen(doc), "%skeys of at most %zu bytes", doc[0] ? "; " : "",
             s->key_max);
    break;
  case VK_ARRAY:
    rc |= set_new(o, "type", json_string("array"));
    if (s->min > 0)
      rc |= set_new(o, "minItems", json_integer(s->min));
    rc |= set_new(o, "maxItems", json_integer(s->max));
    rc |= set_new(o, "items", schema_of(s->items, false)); /* items are never null */
    break;
  case VK_STRING:
    rc |= set_new(o, "type", json_string("string"));
    if (s->min > 0)
      rc |= set_new(o, "minLength", json_integer(s->min));
    rc |= set_new(o, "maxLength", json_integer(s->max));
    rc |= set_new(o, "x-max-bytes", json_integer(s->max));
    if (s->pattern)
      rc |= set_new(o, "pattern", json_string(s->pattern));
    break;
  case VK_DATE:
    rc |= set_new(o, "type", json_string("string"));
    rc |= set_new(o, "format", json_string("date"));
    break;
  case VK_INSTANT:
    rc |= set_new(o, "type", json_string("string"));
    rc |= set_new(o, "format", json_string("date-time"));
    snprintf(doc + strlen(doc), sizeof doc - strlen(doc), "%sRFC 3339 with offset", doc[0] ? "; " : "");
    break;
  case VK_ENUM: {
    json_t *e = json_array();
    rc |= e != NULL ? 0 : -1;
    for (const char *const *c = s->choices; e && c && *c; c++)
      rc |= json_array_append_new(e, json_string(*c));
    rc |= set_new(o, "type", json_string("string"));
    rc |= set_new(o, "enum", e);
    break;
  }
  case VK_INTEGER:
    rc |= set_new(o, "type", json_string("integer"));
    rc |= set_new(o, "minimum", json_integer(s->min));
    rc |= set_new(o, "maximum", json_integer(s->max));
    break;
  case VK_NUMBER:
    rc |= set_new(o, "type", json_string("number"));
    rc |= set_new(o, "minimum", json_real(s->dmin));
    rc |= set_new(o, "maximum", json_real(s->dmax));
    break;
  case VK_BOOLEAN:
    rc |= set_new(o, "type", json_string("boolean"));
    break;
  }
  if (s->flags & V_ID)
    snprintf(doc + strlen(doc), sizeof doc - strlen(doc), "%sthe %s's id, unique among the %ss of the record",
             doc[0] ? "; " : "", s->space, s->space);
  if (s->flags & V_REF)
    snprintf(doc + strlen(doc), sizeof doc - strlen(doc), "%snames a %s of the record by its id", doc[0] ? "; " : "",
             s->space);
  if (doc[0])
    rc |= set_new(o, "description", json_string(doc));
  if (nullable)
    rc |= set_new(o, "nullable", json_true());
  if (rc != 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

json_t *vspec_schema(const struct vspec *spec) { return schema_of(spec, false); }
