/* test_validate.c: Check tests of the strict parser, the spec walker, the case record spec (one mutation each) and
 * the query parameter checks of params.c. */
#include "validate.h"

#include "params.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The build may point this at the source tree; running from the checkout root works without it. */
#ifndef VALIDATE_FIXTURE_DIR
#define VALIDATE_FIXTURE_DIR "tests/fixtures/validate"
#endif

/* ---- Helpers ------------------------------------------------------------------------------------------------ */

static char *read_file(const char *name, size_t *len)
{
  const char *dir = getenv("VALIDATE_FIXTURE_DIR");
  char path[1024];
  char *buf = NULL;
  long n;
  FILE *f;

  snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : VALIDATE_FIXTURE_DIR, name);
  f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "cannot open fixture %s (set VALIDATE_FIXTURE_DIR)", path);
  ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
  n = ftell(f);
  ck_assert_int_ge(n, 0);
  rewind(f);
  buf = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(buf);
  ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return buf;
}

/* The example case, parsed as the daemon parses a body. */
static json_t *load_example(void)
{
  struct vreport r;
  size_t len;
  char *buf = read_file("example-case.json", &len);
  json_t *root;

  vreport_init(&r);
  root = json_parse_strict(buf, len, &r);
  ck_assert_msg(root != NULL, "example does not parse: %s", r.count ? r.items[0].message : "?");
  ck_assert_uint_eq(vreport_total(&r), 0);
  vreport_free(&r);
  free(buf);
  return root;
}

static json_t *from_template(const char *tmpl, int i)
{
  char text[1024];
  json_error_t err;
  json_t *v;

  snprintf(text, sizeof text, tmpl, i);
  v = json_loads(text, JSON_DECODE_ANY, &err);
  ck_assert_msg(v != NULL, "bad test value %s: %s", text, err.text);
  return v;
}

/* n bytes: as many copies of unit as fit, then 'a's, so a multi-byte unit shows that bounds count bytes. */
static json_t *string_of(size_t n, const char *unit)
{
  size_t u = unit ? strlen(unit) : 0;
  size_t i = 0;
  char *s = malloc(n + 1);
  json_t *v;

  ck_assert_ptr_nonnull(s);
  for (; u && i + u <= n; i += u)
    memcpy(s + i, unit, u);
  for (; i < n; i++)
    s[i] = 'a';
  s[n] = '\0';
  v = json_stringn(s, n);
  free(s);
  return v;
}

enum op {
  OP_NONE,
  OP_SET,        /* ptr := json */
  OP_DEL,        /* remove ptr */
  OP_SET_BYTES,  /* ptr := a string of n bytes made of json (a UTF-8 unit, or NULL for 'a') */
  OP_SET_NUL,    /* ptr := "a\0b", which a strict parse can never produce */
  OP_SET_ARRAY,  /* ptr := [n items from the template json, "%d" = index] */
  OP_APPEND,     /* append n items from the template json to the array at ptr */
  OP_SET_OBJECT, /* ptr := {"k<i>": template json, ... n keys} */
};

struct step {
  enum op op;
  const char *ptr;
  const char *json;
  size_t n;
};

/* Walks to the parent of ptr's last token; returns the parent and copies the unescaped last token to last. */
static json_t *parent_of(json_t *root, const char *ptr, char *last, size_t lastsz)
{
  json_t *cur = root;
  const char *p = ptr;

  ck_assert_msg(*p == '/', "pointer %s must start with /", ptr);
  for (;;) {
    size_t n = 0;

    for (p++; *p && *p != '/'; p++) {
      ck_assert_uint_lt(n + 1, lastsz);
      if (*p == '~') {
        p++;
        last[n++] = *p == '1' ? '/' : '~';
      } else {
        last[n++] = *p;
      }
    }
    last[n] = '\0';
    if (!*p)
      return cur;
    if (json_is_array(cur))
      cur = json_array_get(cur, (size_t)strtoul(last, NULL, 10));
    else
      cur = json_object_get(cur, last);
    ck_assert_msg(cur != NULL, "pointer %s does not exist in the example", ptr);
  }
}

static void put(json_t *parent, const char *tok, json_t *v)
{
  ck_assert_ptr_nonnull(v);
  if (json_is_array(parent)) {
    if (strcmp(tok, "-") == 0)
      ck_assert_int_eq(json_array_append_new(parent, v), 0);
    else
      ck_assert_int_eq(json_array_set_new(parent, (size_t)strtoul(tok, NULL, 10), v), 0);
  } else {
    ck_assert_int_eq(json_object_set_new(parent, tok, v), 0);
  }
}

static void apply(json_t *root, const struct step *s)
{
  char tok[256];
  json_t *parent, *v, *target;

  if (s->op == OP_NONE)
    return;
  parent = parent_of(root, s->ptr, tok, sizeof tok);
  switch (s->op) {
  case OP_SET:
    put(parent, tok, from_template(s->json, 0));
    break;
  case OP_DEL:
    ck_assert_int_eq(json_object_del(parent, tok), 0);
    break;
  case OP_SET_BYTES:
    put(parent, tok, string_of(s->n, s->json));
    break;
  case OP_SET_NUL:
    put(parent, tok, json_stringn("a\0b", 3));
    break;
  case OP_SET_ARRAY:
    v = json_array();
    for (size_t i = 0; i < s->n; i++)
      ck_assert_int_eq(json_array_append_new(v, from_template(s->json, (int)i)), 0);
    put(parent, tok, v);
    break;
  case OP_APPEND:
    target = json_is_array(parent) ? json_array_get(parent, (size_t)strtoul(tok, NULL, 10))
                                   : json_object_get(parent, tok);
    ck_assert_msg(json_is_array(target), "%s is not an array", s->ptr);
    for (size_t i = 0; i < s->n; i++)
      ck_assert_int_eq(json_array_append_new(target, from_template(s->json, (int)i)), 0);
    break;
  case OP_SET_OBJECT:
    v = json_object();
    for (size_t i = 0; i < s->n; i++) {
      char key[32];

      snprintf(key, sizeof key, "k%zu", i);
      ck_assert_int_eq(json_object_set_new(v, key, from_template(s->json, (int)i)), 0);
    }
    put(parent, tok, v);
    break;
  case OP_NONE:
    break;
  }
}

static void dump(const struct vreport *r)
{
  for (size_t i = 0; i < r->count; i++)
    fprintf(stderr, "  %s: %s\n", r->items[i].path, r->items[i].message);
}

/* ---- Mutations of the example ------------------------------------------------------------------------------- */

struct mutation {
  struct step a, b;
  const char *path; /* the one detail expected; NULL: the mutated record is valid */
  const char *msg;  /* its exact message, or a prefix when it ends with '*' */
};

#define SET(p, j) {OP_SET, (p), (j), 0}
#define DEL(p) {OP_DEL, (p), NULL, 0}
#define BYTES(p, n) {OP_SET_BYTES, (p), NULL, (n)}
#define UBYTES(p, unit, n) {OP_SET_BYTES, (p), (unit), (n)}
#define NUL_AT(p) {OP_SET_NUL, (p), NULL, 0}
#define ARRAY(p, t, n) {OP_SET_ARRAY, (p), (t), (n)}
#define APPEND(p, t, n) {OP_APPEND, (p), (t), (n)}
#define OBJECT(p, t, n) {OP_SET_OBJECT, (p), (t), (n)}
#define OK(s) {s, {0}, NULL, NULL}
#define OK2(s, t) {s, t, NULL, NULL}
#define BAD(s, path, msg) {s, {0}, (path), (msg)}
#define BAD2(s, t, path, msg) {s, t, (path), (msg)}

#define D "not a valid date (YYYY-MM-DD)"
#define I "not a valid instant (RFC 3339 with offset, e.g. 2022-03-01T10:20:00+08:00)"
#define K64 "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
#define K65 K64 "k"
#define DOC "{\"id\":\"X%d\",\"type\":\"other\"}"
#define EVT "{\"id\":\"X%d\",\"type\":\"other\"}"
#define ONE_REC \
  "{\"id\":\"V1\",\"event_ref\":\"E1\",\"started_at\":\"2022-03-08T09:00:00Z\",\"ended_at\":\"2022-03-08T09:01:00Z\"}"
#define REC_V1 "{\"id\":\"V1\",\"started_at\":\"2022-03-08T09:00:00Z\",\"ended_at\":\"2022-03-08T09:00:00Z\"}"
#define REC "{\"id\":\"X%d\",\"started_at\":\"2022-03-08T09:00:00Z\",\"ended_at\":\"2022-03-08T09:01:00Z\"}"

static const struct mutation mutations[] = {
  /* The example itself, and content defects that the rules, not validation, must catch. */
  OK({0}),
  OK(SET("/party/name", "\"\"")),
  OK(SET("/party/name", "\"   \"")),
  OK(SET("/agency/name", "\"\"")),
  OK(SET("/recordings/0/sha256", "\"xyz\"")),
  OK(SET("/officers", "[]")),
  OK(SET("/officers/0/cert_no", "\"\"")),
  OK(SET("/closed_on", "\"2000-01-01\"")),
  OK(SET("/events/0/document_refs", "[]")),
  OK(SET("/recordings/0/ended_at", "\"2000-01-01T00:00:00Z\"")),
  OK(SET("/extensions/0/days", "-5")),
  OK(SET("/archive/catalog/0/page_from", "0")),
  OK(SET("/documents/0/fields/name", "\"XXX\"")),
  /* null means absent for every optional key. */
  OK(SET("/sector", "null")),
  OK(SET("/violation", "null")),
  OK(SET("/events/0/started_at", "null")),
  OK(SET("/recordings/0/event_ref", "null")),
  OK(SET("/documents/0/fields/name", "null")),
  OK(SET("/documents/0/signatures", "null")),
  OK(SET("/archive/catalog", "null")),
  OK(SET("/decision/penalties/0/amount", "null")),
  OK(DEL("/documents/0/fields/name")),
  OK(DEL("/archive")),
  /* Ids are unique per array: a document may share an id with an event, because references are typed. */
  OK(APPEND("/documents", "{\"id\":\"E1\",\"type\":\"other\"}", 1)),
  OK(APPEND("/events", "{\"id\":\"D1\",\"type\":\"other\"}", 1)),
  OK(SET("/services/0/recording_ref", "\"V2\"")),
  /* procedure is required only for penalties. */
  OK2(SET("/category", "\"inspection\""), DEL("/procedure")),
  OK2(SET("/category", "\"other\""), SET("/procedure", "null")),
  OK(SET("/procedure", "\"simple\"")),

  /* Unknown keys, at top level and nested; JSON pointer escaping of "/" and "~". */
  BAD(SET("/foo", "1"), "/foo", "unknown key"),
  BAD(SET("/a~1b~0c", "1"), "/a~1b~0c", "unknown key"),
  BAD(SET("/agency/foo", "1"), "/agency/foo", "unknown key"),
  BAD(SET("/source/foo", "null"), "/source/foo", "unknown key"),
  BAD(SET("/party/foo", "1"), "/party/foo", "unknown key"),
  BAD(SET("/violation/foo", "1"), "/violation/foo", "unknown key"),
  BAD(SET("/officers/1/foo", "1"), "/officers/1/foo", "unknown key"),
  BAD(SET("/decision/foo", "1"), "/decision/foo", "unknown key"),
  BAD(SET("/decision/penalties/0/foo", "1"), "/decision/penalties/0/foo", "unknown key"),
  BAD(SET("/events/2/foo", "{\"x\":1}"), "/events/2/foo", "unknown key"),
  BAD(SET("/documents/0/foo", "1"), "/documents/0/foo", "unknown key"),
  BAD(SET("/documents/0/signatures/foo", "1"), "/documents/0/signatures/foo", "unknown key"),
  BAD(SET("/recordings/0/foo", "1"), "/recordings/0/foo", "unknown key"),
  BAD(SET("/services/0/foo", "1"), "/services/0/foo", "unknown key"),
  BAD(SET("/legal_reviews/0/reviewer/foo", "1"), "/legal_reviews/0/reviewer/foo", "unknown key"),
  BAD(SET("/collective_discussion/foo", "1"), "/collective_discussion/foo", "unknown key"),
  BAD(SET("/hearing/foo", "1"), "/hearing/foo", "unknown key"),
  BAD(SET("/defense/foo", "1"), "/defense/foo", "unknown key"),
  BAD(SET("/publication/foo", "1"), "/publication/foo", "unknown key"),
  BAD(SET("/decision_change", "{\"foo\":1}"), "/decision_change/foo", "unknown key"),
  BAD(SET("/extensions/0/foo", "1"), "/extensions/0/foo", "unknown key"),
  BAD(SET("/suspensions", "[{\"foo\":1}]"), "/suspensions/0/foo", "unknown key"),
  BAD(SET("/archive/foo", "1"), "/archive/foo", "unknown key"),
  BAD(SET("/archive/catalog/0/foo", "1"), "/archive/catalog/0/foo", "unknown key"),

  /* Required keys, absent or null. */
  BAD(DEL("/agency"), "/agency", "required"),
  BAD(DEL("/agency/code"), "/agency/code", "required"),
  BAD(DEL("/agency/name"), "/agency/name", "required"),
  BAD(SET("/agency/name", "null"), "/agency/name", "required, got null"),
  BAD(DEL("/case_no"), "/case_no", "required"),
  BAD(SET("/case_no", "null"), "/case_no", "required, got null"),
  BAD(DEL("/category"), "/category", "required"),
  BAD(DEL("/source"), "/source", "required"),
  BAD(DEL("/source/system"), "/source/system", "required"),
  BAD(DEL("/source/version"), "/source/version", "required"),
  BAD(DEL("/source/updated_at"), "/source/updated_at", "required"),
  BAD(DEL("/party"), "/party", "required"),
  BAD(DEL("/party/name"), "/party/name", "required"),
  BAD(DEL("/officers"), "/officers", "required"),
  BAD(SET("/officers", "null"), "/officers", "required, got null"),
  BAD(DEL("/officers/0/cert_no"), "/officers/0/cert_no", "required"),
  BAD(DEL("/events/0/id"), "/events/0/id", "required"),
  BAD(DEL("/events/0/type"), "/events/0/type", "required"),
  BAD(DEL("/documents/0/id"), "/documents/0/id", "required"),
  BAD(SET("/documents/0/id", "null"), "/documents/0/id", "required, got null"),
  BAD(DEL("/documents/0/type"), "/documents/0/type", "required"),
  BAD(DEL("/recordings/0/id"), "/recordings/0/id", "required"),
  BAD(DEL("/recordings/0/started_at"), "/recordings/0/started_at", "required"),
  BAD(DEL("/recordings/0/ended_at"), "/recordings/0/ended_at", "required"),
  BAD(DEL("/services/0/document_ref"), "/services/0/document_ref", "required"),
  BAD(DEL("/procedure"), "/procedure", "required when category is \"penalty\""),
  BAD(SET("/procedure", "null"), "/procedure", "required when category is \"penalty\""),

  /* Every enum. */
  BAD(SET("/category", "\"bogus\""), "/category", "must be one of: penalty, compulsion, inspection, license, other"),
  BAD(SET("/category", "\"Penalty\""), "/category", "must be one of: *"),
  BAD(SET("/procedure", "\"normal\""), "/procedure", "must be one of: simple, general"),
  BAD(SET("/party/type", "\"company\""), "/party/type", "must be one of: person, organization"),
  BAD(SET("/officers/0/role", "\"boss\""), "/officers/0/role", "must be one of: investigator, host, reviewer, other"),
  BAD(SET("/decision/outcome", "\"x\""), "/decision/outcome",
      "must be one of: penalty, no_penalty, transfer, withdrawn"),
  BAD(SET("/decision/penalties/0/kind", "\"x\""), "/decision/penalties/0/kind", "must be one of: warning, fine, *"),
  BAD(SET("/decision/notified_penalties/1/kind", "\"\""), "/decision/notified_penalties/1/kind",
      "must be one of: warning, fine, *"),
  BAD(SET("/events/0/type", "\"x\""), "/events/0/type", "must be one of: on_site_inspection, inquiry, *"),
  BAD(SET("/events/0/no_av_reason", "\"x\""), "/events/0/no_av_reason",
      "must be one of: secret, privacy, emergency, impossible"),
  BAD(SET("/documents/0/type", "\"x\""), "/documents/0/type", "must be one of: case_source, filing_approval, *"),
  BAD(SET("/documents/0/signatures/party", "\"x\""), "/documents/0/signatures/party",
      "must be one of: signed, refused, absent, not_required"),
  BAD(SET("/services/0/method", "\"x\""), "/services/0/method",
      "must be one of: direct, leaving, mail, electronic, announcement, entrusted"),
  BAD(SET("/legal_reviews/0/opinion", "\"x\""), "/legal_reviews/0/opinion",
      "must be one of: approved, rejected, revise"),
  BAD(SET("/decision_change", "{\"kind\":\"x\"}"), "/decision_change/kind",
      "must be one of: revoked, changed, confirmed_illegal, void"),
  BAD(SET("/extensions/0/kind", "\"x\""), "/extensions/0/kind", "must be one of: decision_deadline, seizure_term"),
  BAD(SET("/suspensions", "[{\"kind\":\"x\"}]"), "/suspensions/0/kind",
      "must be one of: suspension, hearing, announcement, testing"),
  BAD(SET("/archive/retention", "\"10y\""), "/archive/retention", "must be one of: permanent, 30y"),
  BAD(SET("/category", "1"), "/category", "expected string, got integer"),

  /* Dates: every date field, and the calendar. */
  OK(SET("/filed_on", "\"2024-02-29\"")),
  OK(SET("/filed_on", "\"2000-02-29\"")),
  OK(SET("/filed_on", "\"1900-01-01\"")),
  OK(SET("/filed_on", "\"2999-12-31\"")),
  BAD(SET("/filed_on", "\"2022-02-30\""), "/filed_on", D),
  BAD(SET("/filed_on", "\"2023-02-29\""), "/filed_on", D),
  BAD(SET("/filed_on", "\"1900-02-29\""), "/filed_on", D),
  BAD(SET("/filed_on", "\"2022-3-1\""), "/filed_on", D),
  BAD(SET("/filed_on", "\"2022-04-31\""), "/filed_on", D),
  BAD(SET("/filed_on", "\"2022-13-01\""), "/filed_on", D),
  BAD(SET("/filed_on", "\"2022-00-10\""), "/filed_on", D),
  BAD(SET("/filed_on", "\"2022-01-00\""), "/filed_on", D),
  BAD(SET("/filed_on", "\"1899-12-31\""), "/filed_on", D),
  BAD(SET("/filed_on", "\"3000-01-01\""), "/filed_on", D),
  BAD(SET("/filed_on", "\"20220301\""), "/filed_on", D),
  BAD(SET("/filed_on", "\"2022-03-01 \""), "/filed_on", D),
  BAD(SET("/filed_on", "\"2022-03-01T00:00:00+08:00\""), "/filed_on", D),
  BAD(SET("/filed_on", "\"\""), "/filed_on", D),
  BAD(SET("/filed_on", "20220301"), "/filed_on", "expected string, got integer"),
  BAD(SET("/decided_on", "\"2022-02-30\""), "/decided_on", D),
  BAD(SET("/closed_on", "\"2022-02-30\""), "/closed_on", D),
  BAD(SET("/violation/began_on", "\"2022-02-30\""), "/violation/began_on", D),
  BAD(SET("/violation/ended_on", "\"2022-3-1\""), "/violation/ended_on", D),
  BAD(SET("/violation/discovered_on", "\"2023-02-29\""), "/violation/discovered_on", D),
  BAD(SET("/officers/0/cert_valid_from", "\"2022-02-30\""), "/officers/0/cert_valid_from", D),
  BAD(SET("/officers/1/cert_valid_until", "\"2022-02-30\""), "/officers/1/cert_valid_until", D),
  BAD(SET("/documents/17/issued_on", "\"2022-02-30\""), "/documents/17/issued_on", D),
  BAD(SET("/services/0/served_on", "\"2022-02-30\""), "/services/0/served_on", D),
  BAD(SET("/services/2/announced_on", "\"2022-02-30\""), "/services/2/announced_on", D),
  BAD(SET("/legal_reviews/0/reviewer/first_review_on", "\"2022-02-30\""), "/legal_reviews/0/reviewer/first_review_on",
    D),
  BAD(SET("/legal_reviews/0/submitted_on", "\"2022-02-30\""), "/legal_reviews/0/submitted_on", D),
  BAD(SET("/legal_reviews/0/reviewed_on", "\"2022-02-30\""), "/legal_reviews/0/reviewed_on", D),
  BAD(SET("/collective_discussion/held_on", "\"2022-02-30\""), "/collective_discussion/held_on", D),
  BAD(SET("/hearing/requested_on", "\"2022-02-30\""), "/hearing/requested_on", D),
  BAD(SET("/hearing/notice_served_on", "\"2022-02-30\""), "/hearing/notice_served_on", D),
  BAD(SET("/hearing/held_on", "\"2022-02-30\""), "/hearing/held_on", D),
  BAD(SET("/defense/reexamined_on", "\"2022-02-30\""), "/defense/reexamined_on", D),
  BAD(SET("/publication/published_on", "\"2022-02-30\""), "/publication/published_on", D),
  BAD(SET("/publication/withdrawn_on", "\"2022-02-30\""), "/publication/withdrawn_on", D),
  BAD(SET("/decision_change", "{\"kind\":\"void\",\"on\":\"2022-02-30\"}"), "/decision_change/on", D),
  BAD(SET("/extensions/0/approved_on", "\"2022-02-30\""), "/extensions/0/approved_on", D),
  BAD(SET("/suspensions", "[{\"from\":\"2022-02-30\"}]"), "/suspensions/0/from", D),
  BAD(SET("/suspensions", "[{\"from\":\"2022-03-01\",\"to\":\"2022-3-2\"}]"), "/suspensions/0/to", D),
  BAD(SET("/archive/archived_on", "\"2022-02-30\""), "/archive/archived_on", D),

  /* Instants: every instant field, and RFC 3339's offset. */
  OK(SET("/source/updated_at", "\"2022-03-01T10:20:00Z\"")),
  OK(SET("/source/updated_at", "\"2022-03-01t10:20:00z\"")),
  OK(SET("/source/updated_at", "\"2022-03-01T10:20:00.123456+08:00\"")),
  OK(SET("/source/updated_at", "\"2024-02-29T23:59:59-05:30\"")),
  BAD(SET("/source/updated_at", "\"2022-03-01T10:20:00\""), "/source/updated_at", I),
  BAD(SET("/source/updated_at", "\"2022-03-01\""), "/source/updated_at", I),
  BAD(SET("/source/updated_at", "\"2022-02-30T10:20:00+08:00\""), "/source/updated_at", I),
  BAD(SET("/source/updated_at", "1646101200"), "/source/updated_at", "expected string, got integer"),
  BAD(SET("/events/0/started_at", "\"2022-03-08 09:30:00+08:00\""), "/events/0/started_at", I),
  BAD(SET("/events/0/ended_at", "\"2022-03-08T10:10:00+0800\""), "/events/0/ended_at", I),
  BAD(SET("/events/1/started_at", "\"2022-03-08T10:15+08:00\""), "/events/1/started_at", I),
  BAD(SET("/events/1/ended_at", "\"2022-03-08T10:45:00.+08:00\""), "/events/1/ended_at", I),
  BAD(SET("/recordings/0/started_at", "\"2022-03-08T24:00:00+08:00\""), "/recordings/0/started_at", I),
  BAD(SET("/recordings/0/ended_at", "\"2022-03-08T10:11:60+08:00\""), "/recordings/0/ended_at", I),
  BAD(SET("/recordings/1/started_at", "\"2022-03-08T10:14:00+24:00\""), "/recordings/1/started_at", I),
  BAD(SET("/recordings/1/ended_at", "\"2022-03-08T10:47:00+08:00 \""), "/recordings/1/ended_at", I),

  /* Types. */
  BAD(SET("/case_no", "15"), "/case_no", "expected string, got integer"),
  BAD(SET("/agency", "\"XQ-XK\""), "/agency", "expected object, got string"),
  BAD(SET("/party", "[]"), "/party", "expected object, got array"),
  BAD(SET("/officers", "{}"), "/officers", "expected array, got object"),
  BAD(SET("/officers/0", "null"), "/officers/0", "expected object, got null"),
  BAD(SET("/officers/0", "\"12011120170031\""), "/officers/0", "expected object, got string"),
  BAD(SET("/source/version", "\"3\""), "/source/version", "expected integer, got string"),
  BAD(SET("/source/version", "3.0"), "/source/version", "expected integer, got number"),
  BAD(SET("/documents/0/pages", "1.5"), "/documents/0/pages", "expected integer, got number"),
  BAD(SET("/decision/major", "\"yes\""), "/decision/major", "expected boolean, got string"),
  BAD(SET("/decision/major", "1"), "/decision/major", "expected boolean, got integer"),
  BAD(SET("/documents/0/seal", "0"), "/documents/0/seal", "expected boolean, got integer"),
  BAD(SET("/decision/penalties/0/amount", "\"120000\""), "/decision/penalties/0/amount", "expected number, got string"),
  BAD(SET("/documents/0/fields", "\"x\""), "/documents/0/fields", "expected object, got string"),
  BAD(SET("/documents/0/fields", "[]"), "/documents/0/fields", "expected object, got array"),
  BAD(SET("/documents/0/fields/name", "5"), "/documents/0/fields/name", "expected string, got integer"),
  BAD(SET("/documents/0/fields/name", "{}"), "/documents/0/fields/name", "expected string, got object"),
  BAD(SET("/events/0/officers/0", "null"), "/events/0/officers/0", "expected string, got null"),
  BAD(SET("/collective_discussion/attendees/0", "1"), "/collective_discussion/attendees/0",
      "expected string, got integer"),
  BAD(SET("/events/0/document_refs/0", "3"), "/events/0/document_refs/0", "expected string, got integer"),
  BAD(SET("/violation", "true"), "/violation", "expected object, got boolean"),
  /* A bad id is one problem, not one more per reference to the element it would have named. */
  BAD(SET("/documents/0/id", "1"), "/documents/0/id", "expected string, got integer"),
  BAD(SET("/events/0/id", "true"), "/events/0/id", "expected string, got boolean"),
  BAD(SET("/documents/0", "5"), "/documents/0", "expected object, got integer"),
  BAD(SET("/documents", "{}"), "/documents", "expected array, got object"),
  BAD(SET("/events", "\"E1\""), "/events", "expected array, got string"),
  BAD(SET("/recordings/0/id", "[]"), "/recordings/0/id", "expected string, got array"),
  BAD(NUL_AT("/party/name"), "/party/name", "contains a NUL character"),

  /* Integers that do not fit, amounts that make no sense. */
  OK(SET("/source/version", "2147483647")),
  BAD(SET("/source/version", "0"), "/source/version", "must be at least 1"),
  BAD(SET("/source/version", "-1"), "/source/version", "must be at least 1"),
  BAD(SET("/source/version", "2147483648"), "/source/version", "must be at most 2147483647"),
  BAD(SET("/source/version", "9223372036854775807"), "/source/version", "must be at most 2147483647"),
  OK(SET("/documents/0/pages", "0")),
  BAD(SET("/documents/0/pages", "-1"), "/documents/0/pages", "must be at least 0"),
  BAD(SET("/documents/0/pages", "3000000000"), "/documents/0/pages", "must be at most 2147483647"),
  OK(SET("/extensions/0/days", "-2147483648")),
  BAD(SET("/extensions/0/days", "2147483648"), "/extensions/0/days", "must be at most 2147483647"),
  BAD(SET("/archive/catalog/0/seq", "-2147483649"), "/archive/catalog/0/seq", "must be at least -2147483648"),
  BAD(SET("/archive/catalog/0/page_from", "1e3"), "/archive/catalog/0/page_from", "expected integer, got number"),
  BAD(SET("/archive/catalog/0/page_to", "4294967296"), "/archive/catalog/0/page_to", "must be at most 2147483647"),
  OK(SET("/decision/penalties/0/amount", "0")),
  OK(SET("/decision/penalties/0/amount", "0.5")),
  OK(SET("/decision/penalties/0/amount", "1e13")),
  BAD(SET("/decision/penalties/0/amount", "-1"), "/decision/penalties/0/amount", "must be at least 0"),
  BAD(SET("/decision/penalties/0/amount", "-0.01"), "/decision/penalties/0/amount", "must be at least 0"),
  BAD(SET("/decision/notified_penalties/0/amount", "1e300"), "/decision/notified_penalties/0/amount",
      "must be at most 10000000000000"),
  BAD(SET("/decision/penalties/1/amount", "9223372036854775807"), "/decision/penalties/1/amount",
      "must be at most 10000000000000"),

  /* String bounds, in bytes: exactly the limit passes, one more fails. */
  OK(BYTES("/case_no", 128)),
  BAD(BYTES("/case_no", 129), "/case_no", "longer than 128 bytes"),
  OK(UBYTES("/case_no", "案", 128)),                             /* 42 characters and "aa" */
  BAD(UBYTES("/case_no", "案", 129), "/case_no", "longer than 128 bytes"), /* 43 characters */
  OK(BYTES("/sector", 64)),
  BAD(BYTES("/sector", 65), "/sector", "longer than 64 bytes"),
  OK(BYTES("/agency/code", 64)),
  BAD(BYTES("/agency/code", 65), "/agency/code", "longer than 64 bytes"),
  OK(SET("/agency/code", "\"a.B_9-z\"")),
  BAD(SET("/agency/code", "\"\""), "/agency/code", "must match ^[A-Za-z0-9._-]{1,64}$"),
  BAD(SET("/agency/code", "\"XQ XK\""), "/agency/code", "must match ^[A-Za-z0-9._-]{1,64}$"),
  BAD(SET("/agency/code", "\"XQ/XK\""), "/agency/code", "must match ^[A-Za-z0-9._-]{1,64}$"),
  BAD(SET("/agency/code", "\"辛口\""), "/agency/code", "must match ^[A-Za-z0-9._-]{1,64}$"),
  OK(BYTES("/party/name", 4096)),
  BAD(BYTES("/party/name", 4097), "/party/name", "longer than 4096 bytes"),
  OK(UBYTES("/party/address", "街", 4096)),
  BAD(UBYTES("/party/address", "街", 4097), "/party/address", "longer than 4096 bytes"),
  OK(BYTES("/source/system", 4096)),
  BAD(BYTES("/source/system", 4097), "/source/system", "longer than 4096 bytes"),
  OK(BYTES("/cause", 65536)),
  BAD(BYTES("/cause", 65537), "/cause", "longer than 65536 bytes"),
  OK(BYTES("/documents/3/fields/content", 65536)),
  BAD(BYTES("/documents/3/fields/content", 65537), "/documents/3/fields/content", "longer than 65536 bytes"),
  OK(BYTES("/legal_reviews/0/comments", 65536)),
  BAD(BYTES("/legal_reviews/0/comments", 65537), "/legal_reviews/0/comments", "longer than 65536 bytes"),
  OK(BYTES("/collective_discussion/conclusion", 65536)),
  BAD(BYTES("/collective_discussion/conclusion", 65537), "/collective_discussion/conclusion",
      "longer than 65536 bytes"),
  BAD(BYTES("/recordings/0/uri", 4097), "/recordings/0/uri", "longer than 4096 bytes"),
  BAD(BYTES("/documents/0/number", 4097), "/documents/0/number", "longer than 4096 bytes"),
  OK(BYTES("/recordings/0/id", 128)),
  BAD(BYTES("/recordings/0/id", 129), "/recordings/0/id", "longer than 128 bytes"),
  BAD(BYTES("/services/0/document_ref", 129), "/services/0/document_ref", "longer than 128 bytes"),
  OK(SET("/documents/0/fields/" K64, "\"v\"")),
  BAD(SET("/documents/0/fields/" K65, "\"v\""), "/documents/0/fields/" K65, "key longer than 64 bytes"),
  OK(SET("/documents/0/fields/a~1b~0c 中", "\"v\"")),

  /* Array bounds: exactly the limit passes, one more fails (the example already holds some items). */
  OK(ARRAY("/officers", "{\"cert_no\":\"c%d\"}", 200)),
  BAD(ARRAY("/officers", "{\"cert_no\":\"c%d\"}", 201), "/officers", "more than 200 items"),
  OK(APPEND("/documents", DOC, 2000 - 18)),
  BAD(APPEND("/documents", DOC, 2001 - 18), "/documents", "more than 2000 items"),
  OK(APPEND("/events", EVT, 2000 - 3)),
  BAD(APPEND("/events", EVT, 2001 - 3), "/events", "more than 2000 items"),
  OK(APPEND("/recordings", REC, 5000 - 3)),
  BAD(APPEND("/recordings", REC, 5001 - 3), "/recordings", "more than 5000 items"),
  OK(APPEND("/services", "{\"document_ref\":\"D14\"}", 2000 - 3)),
  BAD(APPEND("/services", "{\"document_ref\":\"D14\"}", 2001 - 3), "/services", "more than 2000 items"),
  OK(APPEND("/legal_reviews", "{}", 100 - 1)),
  BAD(APPEND("/legal_reviews", "{}", 101 - 1), "/legal_reviews", "more than 100 items"),
  OK(ARRAY("/decision/penalties", "{\"kind\":\"fine\",\"amount\":%d}", 50)),
  BAD(ARRAY("/decision/penalties", "{\"kind\":\"fine\",\"amount\":%d}", 51), "/decision/penalties",
      "more than 50 items"),
  BAD(ARRAY("/decision/notified_penalties", "{}", 51), "/decision/notified_penalties", "more than 50 items"),
  OK(ARRAY("/archive/catalog", "{\"seq\":%d,\"document_ref\":\"D1\"}", 5000)),
  BAD(ARRAY("/archive/catalog", "{\"seq\":%d}", 5001), "/archive/catalog", "more than 5000 items"),
  OK(ARRAY("/collective_discussion/attendees", "\"p%d\"", 200)),
  BAD(ARRAY("/collective_discussion/attendees", "\"p%d\"", 201), "/collective_discussion/attendees",
      "more than 200 items"),
  OK(ARRAY("/events/1/document_refs", "\"D4\"", 200)),
  BAD(ARRAY("/events/1/document_refs", "\"D4\"", 201), "/events/1/document_refs", "more than 200 items"),
  OK(ARRAY("/events/1/officers", "\"c%d\"", 200)),
  BAD(ARRAY("/events/1/officers", "\"c%d\"", 201), "/events/1/officers", "more than 200 items"),
  BAD(ARRAY("/documents/4/signatures/officers", "\"c\"", 201), "/documents/4/signatures/officers",
      "more than 200 items"),
  OK(ARRAY("/extensions", "{\"days\":%d}", 100)),
  BAD(ARRAY("/extensions", "{\"days\":%d}", 101), "/extensions", "more than 100 items"),
  BAD(ARRAY("/suspensions", "{}", 101), "/suspensions", "more than 100 items"),
  OK(OBJECT("/documents/0/fields", "\"v%d\"", 200)),
  BAD(OBJECT("/documents/0/fields", "\"v%d\"", 201), "/documents/0/fields", "more than 200 keys"),

  /* Duplicate ids, within each array. */
  BAD(APPEND("/documents", "{\"id\":\"D3\",\"type\":\"other\"}", 1), "/documents/18/id",
      "duplicate id \"D3\" (first at /documents/2)"),
  BAD(APPEND("/events", "{\"id\":\"E2\",\"type\":\"other\"}", 1), "/events/3/id",
      "duplicate id \"E2\" (first at /events/1)"),
  BAD(APPEND("/recordings", REC_V1, 1), "/recordings/3/id", "duplicate id \"V1\" (first at /recordings/0)"),

  /* References that name nothing, of every kind; references are typed. */
  BAD(SET("/events/0/document_refs/0", "\"D99\""), "/events/0/document_refs/0",
      "document_ref \"D99\" names no document"),
  BAD(SET("/events/1/document_refs/2", "\"E1\""), "/events/1/document_refs/2", "document_ref \"E1\" names no document"),
  BAD(SET("/events/0/document_refs/0", "\"d3\""), "/events/0/document_refs/0", "document_ref \"d3\" names no document"),
  BAD(SET("/recordings/0/event_ref", "\"E9\""), "/recordings/0/event_ref", "event_ref \"E9\" names no event"),
  BAD(SET("/recordings/2/event_ref", "\"V3\""), "/recordings/2/event_ref", "event_ref \"V3\" names no event"),
  BAD(SET("/services/1/document_ref", "\"D99\""), "/services/1/document_ref", "document_ref \"D99\" names no document"),
  BAD(SET("/services/0/recording_ref", "\"V9\""), "/services/0/recording_ref",
      "recording_ref \"V9\" names no recording"),
  BAD(SET("/services/0/recording_ref", "\"E1\""), "/services/0/recording_ref",
      "recording_ref \"E1\" names no recording"),
  BAD(SET("/archive/catalog/17/document_ref", "\"D19\""), "/archive/catalog/17/document_ref",
      "document_ref \"D19\" names no document"),
  BAD(SET("/recordings/0/event_ref", "\"\""), "/recordings/0/event_ref", "event_ref \"\" names no event"),
  /* An absent or null events array is understood as "no events", so references into it dangle. */
  BAD2(SET("/events", "null"), SET("/recordings", "[" ONE_REC "]"), "/recordings/0/event_ref",
       "event_ref \"E1\" names no event"),
  BAD2(DEL("/events"), SET("/recordings", "[" ONE_REC "]"), "/recordings/0/event_ref",
       "event_ref \"E1\" names no event"),
};

#define N_MUTATIONS ((int)(sizeof mutations / sizeof mutations[0]))

START_TEST(test_mutation)
{
  const struct mutation *m = &mutations[_i];
  struct vreport r;
  json_t *root = load_example();
  int ret;

  apply(root, &m->a);
  apply(root, &m->b);
  vreport_init(&r);
  ret = case_validate(root, &r);
  if (!m->path) {
    if (ret != 0)
      dump(&r);
    ck_assert_msg(ret == 0 && r.count == 0, "mutation %d (%s): expected valid, got %d problems", _i,
            m->a.ptr ? m->a.ptr : "none", ret);
    goto out;
  }
  if (ret != 1 || r.count != 1)
    dump(&r);
  ck_assert_msg(ret == 1 && r.count == 1 && r.dropped == 0, "mutation %d (%s): expected 1 problem, got %d", _i,
          m->a.ptr, ret);
  ck_assert_str_eq(r.items[0].path, m->path);
  if (m->msg[strlen(m->msg) - 1] == '*')
    ck_assert_msg(strncmp(r.items[0].message, m->msg, strlen(m->msg) - 1) == 0, "message \"%s\" is not \"%s\"",
            r.items[0].message, m->msg);
  else
    ck_assert_str_eq(r.items[0].message, m->msg);
out:
  vreport_free(&r);
  json_decref(root);
}
END_TEST

/* ---- Strict parsing ----------------------------------------------------------------------------------------- */

struct parse_case {
  const char *text;
  size_t len;
  const char *msg; /* a substring of the one detail; NULL: must parse */
};

#define P(lit, msg) {(lit), sizeof(lit) - 1, (msg)}

static const struct parse_case parse_cases[] = {
  P("{}", NULL),
  P(" {\"a\": [1, 2.5, \"x\", null, true]} \r\n\t", NULL),
  P("{\"a\":\"\xe6\xa1\x88\"}", NULL),
  P("{\"a\":1,\"a\":2}", "line 1, column 10: duplicate object key"),
  P("{\"x\":{\"b\":1,\"b\":2}}", "duplicate object key"),
  P("{\n\"a\":1,\n\"a\":2}", "line 3, column "),
  P("{\"a\":\"\xff\"}", "unable to decode byte 0xff"),
  P("{\"a\":\"\xc0\xaf\"}", "unable to decode byte 0xc0"),
  P("{\"a\":\"\xed\xa0\x80\"}", "unable to decode byte 0xed"),
  P("{\"a\":\"\xe6\xa1\"}", "unable to decode byte"),
  P("{\"\xff\":1}", "unable to decode byte 0xff"),
  P("{\"a\":\"x\0y\"}", "line 1, column 8: NUL byte not allowed"),
  P("{\"a\":1}\0", "line 1, column 8: NUL byte not allowed"),
  P("{\"a\":\n\"\xe6\xa1\x88\0\"}", "line 2, column 3: NUL byte not allowed"),
  P("{\"a\":\"\\u0000\"}", "\\u0000 is not allowed"),
  P("{\"a\":1} x", "end of file expected"),
  P("{}{}", "end of file expected"),
  P("{},", "end of file expected"),
  P("[]", "expected object at top level, got array"),
  P("[{}]", "expected object at top level, got array"),
  P("\"s\"", "expected object at top level, got string"),
  P("1", "expected object at top level, got integer"),
  P("null", "expected object at top level, got null"),
  P("", "line 1, column 0: "),
  P("  \n ", "line 2, column "),
  P("{\"a\":1", "line 1, column "),
  P("{'a':1}", "line 1, column "),
  P("{\"a\":1,}", "line 1, column "),
  P("{\"a\":99999999999999999999}", "too big integer"),
  P("{\"a\":-99999999999999999999}", "too big negative integer"),
  P("{\"a\":1e400}", "real number overflow"),
  P("{\"a\":NaN}", "invalid token"),
  P("{\"a\":Infinity}", "invalid token"),
  P("\xef\xbb\xbf{}", "invalid token"),
};

#define N_PARSE ((int)(sizeof parse_cases / sizeof parse_cases[0]))

START_TEST(test_parse)
{
  const struct parse_case *c = &parse_cases[_i];
  struct vreport r;
  json_t *root;

  vreport_init(&r);
  root = json_parse_strict(c->text, c->len, &r);
  if (!c->msg) {
    ck_assert_ptr_nonnull(root);
    ck_assert(json_is_object(root));
    ck_assert_uint_eq(vreport_total(&r), 0);
  } else {
    ck_assert_ptr_null(root);
    ck_assert_uint_eq(r.count, 1);
    ck_assert_uint_eq(r.dropped, 0);
    ck_assert_str_eq(r.items[0].path, "");
    ck_assert_msg(strstr(r.items[0].message, c->msg) != NULL, "case %d: \"%s\" lacks \"%s\"", _i,
            r.items[0].message, c->msg);
  }
  json_decref(root);
  vreport_free(&r);
}
END_TEST

START_TEST(test_parse_null_buffer)
{
  struct vreport r;

  vreport_init(&r);
  ck_assert_ptr_null(json_parse_strict(NULL, 0, &r));
  ck_assert_uint_eq(r.count, 1);
  vreport_free(&r);
}
END_TEST

/* ---- Date and instant helpers ------------------------------------------------------------------------------- */

struct when {
  const char *s;
  bool date, instant;
};

static const struct when whens[] = {
  {"2022-03-01", true, false},
  {"2024-02-29", true, false},
  {"2000-02-29", true, false},
  {"2023-02-28", true, false},
  {"2022-12-31", true, false},
  {"2022-02-30", false, false},
  {"2023-02-29", false, false},
  {"2100-02-29", false, false},
  {"2022-06-31", false, false},
  {"2022-3-1", false, false},
  {"2022-03-1", false, false},
  {"22-03-01", false, false},
  {"2022/03/01", false, false},
  {"2022-03-01x", false, false},
  {"+2022-03-01", false, false},
  {"", false, false},
  {"2022-03-01T10:20:00+08:00", false, true},
  {"2022-03-01T10:20:00Z", false, true},
  {"2022-03-01T10:20:00-00:00", false, true},
  {"2022-03-01T00:00:00.5+08:00", false, true},
  {"2022-03-01T23:59:59.123456789+23:59", false, true},
  {"2022-03-01T23:59:59.1234567890+08:00", false, false},
  {"2022-03-01T10:20:00", false, false},
  {"2022-03-01T10:20:00+08", false, false},
  {"2022-03-01T10:20:00+8:00", false, false},
  {"2022-03-01T10:20:00+08:60", false, false},
  {"2022-03-01T10:20:00 +08:00", false, false},
  {"2022-03-01 10:20:00+08:00", false, false},
  {"2022-03-01T10:20+08:00", false, false},
  {"2022-03-01T25:00:00Z", false, false},
  {"2022-03-01T10:61:00Z", false, false},
  {"2022-03-01T10:20:00ZZ", false, false},
  {"2022-03-01T10:20:00+08:00x", false, false},
  {"2022-02-29T10:20:00Z", false, false},
};

START_TEST(test_when)
{
  const struct when *w = &whens[_i];

  ck_assert_msg(valid_date(w->s) == w->date, "valid_date(\"%s\")", w->s);
  ck_assert_msg(valid_instant(w->s) == w->instant, "valid_instant(\"%s\")", w->s);
}
END_TEST

START_TEST(test_when_null)
{
  ck_assert(!valid_date(NULL));
  ck_assert(!valid_instant(NULL));
}
END_TEST

/* ---- Query parameter text (params.c) --------------------------------------------------------------------- */

/* Query values reach PostgreSQL as text, which refuses ill-formed UTF-8: the check must refuse exactly what it
 * refuses (Unicode table 3-7). The fuzzer found overlong forms, surrogates and code points above U+10FFFF passing. */
struct utf8_case {
  const char *s;
  bool ok;
};

static const struct utf8_case utf8_cases[] = {
  {"", true},
  {"plain ascii", true},
  {"\xC2\x80", true},                 /* U+0080, the smallest two-byte form */
  {"\xE8\xA1\x8C\xE6\x94\xBF", true}, /* 行政 */
  {"\xE0\xA0\x80", true},             /* U+0800 */
  {"\xED\x9F\xBF", true},             /* U+D7FF, just below the surrogates */
  {"\xEE\x80\x80", true},             /* U+E000, just above them */
  {"\xF0\x90\x80\x80", true},         /* U+10000 */
  {"\xF4\x8F\xBF\xBF", true},         /* U+10FFFF, the last code point */
  {"\xC0\xAF", false},                 /* overlong "/" */
  {"\xC1\xBF", false},                 /* overlong */
  {"\xE0\x80\xAF", false},             /* overlong "/" in three bytes */
  {"\xE0\x9F\xBF", false},             /* overlong U+07FF */
  {"\xED\xA0\x80", false},             /* U+D800, a surrogate */
  {"\xED\xBF\xBF", false},             /* U+DFFF */
  {"\xF0\x80\x80\xAF", false},         /* overlong in four bytes */
  {"\xF0\x8F\xBF\xBF", false},         /* overlong U+FFFF */
  {"\xF4\x90\x80\x80", false},         /* U+110000 */
  {"\xF5\x80\x80\x80", false},
  {"\xFF", false},
  {"\x80", false},                     /* a continuation byte alone */
  {"\xE8\xA1", false},                 /* cut short at the end */
  {"\xE8\xA1x", false},                /* cut short before ASCII */
};

START_TEST(test_utf8)
{
  const struct utf8_case *c = &utf8_cases[_i];

  ck_assert_msg(utf8_valid(c->s) == c->ok, "utf8_valid(case %d)", _i);
  ck_assert_msg((param_check_text(c->s, 200) == NULL) == c->ok, "param_check_text(case %d)", _i);
}
END_TEST

START_TEST(test_param_checks)
{
  long n = 0;

  ck_assert_ptr_null(param_check_limit(NULL, &n));
  ck_assert_int_eq(n, 50);
  ck_assert_ptr_null(param_check_limit("500", &n));
  ck_assert_int_eq(n, 500);
  ck_assert_str_eq(param_check_limit("501", &n), "must be a whole number from 1 to 500");
  ck_assert_ptr_nonnull(param_check_limit("", &n));
  ck_assert_ptr_nonnull(param_check_limit("1x", &n));
  ck_assert_str_eq(param_check_text("abc", 2), "too long");
  ck_assert_str_eq(param_check_text("\xC0\xAF", 200), "not valid UTF-8");
  ck_assert_ptr_null(param_check_uuid("6f1c2a3e-9b7d-4c1e-8a2f-0d9e8b7c6a5f"));
  ck_assert_str_eq(param_check_uuid("6f1c2a3e-9b7d-4c1e-8a2f-0d9e8b7c6a5"), "not a UUID");
  ck_assert_ptr_null(param_check_agency("SAMR-0101.x_y"));
  ck_assert_str_eq(param_check_agency("SAMR 0101"), "not an agency code");
  ck_assert_ptr_nonnull(param_check_agency(""));
  ck_assert_ptr_null(param_check_rule("P01"));
  ck_assert_str_eq(param_check_rule("p01"), "not a rule id (like P01)");
  ck_assert_ptr_null(param_check_date("2024-02-29"));
  ck_assert_ptr_nonnull(param_check_date("2023-02-29"));
  ck_assert_ptr_null(param_check_instant("2022-06-30"));
  ck_assert_ptr_null(param_check_instant("2022-06-30T08:00:00+08:00"));
  ck_assert_ptr_nonnull(param_check_instant("2022-06-30T24:00:00Z"));
}
END_TEST

/* ---- Whole-record behaviour --------------------------------------------------------------------------------- */

START_TEST(test_cap)
{
  struct vreport r;
  json_t *root = load_example();
  struct step s = APPEND("/documents", "{\"id\":\"B%d\",\"type\":\"bogus\"}", 150);
  char want[64];

  apply(root, &s);
  vreport_init(&r);
  ck_assert_int_eq(case_validate(root, &r), 150);
  ck_assert_uint_eq(r.count, VALIDATE_MAX_DETAILS);
  ck_assert_uint_eq(r.dropped, 50);
  for (size_t i = 0; i < r.count; i++) {
    snprintf(want, sizeof want, "/documents/%zu/type", 18 + i);
    ck_assert_str_eq(r.items[i].path, want);
  }
  vreport_free(&r);
  json_decref(root);
}
END_TEST

/* Everything wrong is reported in one answer, in document order, then missing keys, then references. */
START_TEST(test_every_problem)
{
  static const struct step steps[] = {
    SET("/case_no", "1"), DEL("/party/name"), SET("/documents/0/pages", "-1"),
    SET("/recordings/0/event_ref", "\"E9\""), SET("/zzz", "1"), DEL("/procedure"),
  };
  static const char *const paths[] = {
    "/case_no", "/party/name", "/documents/0/pages", "/zzz", "/procedure", "/recordings/0/event_ref",
  };
  struct vreport r;
  json_t *root = load_example();

  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
    apply(root, &steps[i]);
  vreport_init(&r);
  ck_assert_int_eq(case_validate(root, &r), 6);
  ck_assert_uint_eq(r.count, 6);
  for (size_t i = 0; i < 6; i++)
    ck_assert_str_eq(r.items[i].path, paths[i]);
  /* A report accumulates: a second call adds to it and returns only its own count. */
  ck_assert_int_eq(case_validate(root, &r), 6);
  ck_assert_uint_eq(r.count, 12);
  vreport_free(&r);
  json_decref(root);
}
END_TEST

START_TEST(test_not_object)
{
  struct vreport r;
  json_t *a = json_array();

  vreport_init(&r);
  ck_assert_int_eq(case_validate(a, &r), 1);
  ck_assert_str_eq(r.items[0].path, "");
  ck_assert_str_eq(r.items[0].message, "expected object, got array");
  ck_assert_int_eq(case_validate(NULL, &r), 1);
  ck_assert_str_eq(r.items[1].message, "expected object, got null");
  vreport_free(&r);
  json_decref(a);
}
END_TEST

START_TEST(test_example_strict)
{
  json_t *root = load_example();
  struct vreport r;

  vreport_init(&r);
  ck_assert_int_eq(case_validate(root, &r), 0);
  ck_assert_ptr_null(r.items);
  vreport_free(&r);
  json_decref(root);
}
END_TEST

START_TEST(test_vreport)
{
  struct vreport r;

  vreport_init(&r);
  vreport_add(&r, NULL, "n=%d s=%s", 7, "x");
  ck_assert_str_eq(r.items[0].path, "");
  ck_assert_str_eq(r.items[0].message, "n=7 s=x");
  for (int i = 1; i < VALIDATE_MAX_DETAILS + 5; i++)
    vreport_add(&r, "/a", "%d", i);
  ck_assert_uint_eq(r.count, VALIDATE_MAX_DETAILS);
  ck_assert_uint_eq(r.dropped, 5);
  ck_assert_uint_eq(vreport_total(&r), VALIDATE_MAX_DETAILS + 5);
  ck_assert_str_eq(r.items[VALIDATE_MAX_DETAILS - 1].message, "99");
  vreport_free(&r);
  ck_assert_uint_eq(vreport_total(&r), 0);
  ck_assert_ptr_null(r.items);
  vreport_free(&r);
}
END_TEST

/* The generic machinery on a spec of its own: bounds, nullable map values, conditions, ids in nested arrays. */
static const char *const colours[] = {"red", "blue", NULL};
static const struct vspec tiny_value = {.kind = VK_STRING, .flags = V_REQUIRED, .max = 3};
static const struct vspec tiny_item = {.kind = VK_STRING, .flags = V_REQUIRED | V_ID, .max = 8, .space = "thing"};
static const struct vspec tiny_members[] = {
  {.name = "colour", .kind = VK_ENUM, .choices = colours},
  {.name = "shade", .kind = VK_STRING, .min = 2, .max = 4},
  {.name = "tags", .kind = VK_MAP, .max = 2, .key_max = 2, .items = &tiny_value},
  {.name = "things", .kind = VK_ARRAY, .min = 1, .max = 3, .items = &tiny_item},
  {.name = "pick", .kind = VK_STRING, .flags = V_REF, .max = 8, .space = "thing"},
  {.name = "n", .kind = VK_NUMBER, .dmin = -1.5, .dmax = 1.5},
  {.name = NULL},
};
static const struct vcond tiny_conds[] = {{.key = "colour", .equals = "red", .required = "shade"}, {.key = NULL}};
static const struct vspec tiny = {.kind = VK_OBJECT, .members = tiny_members, .conds = tiny_conds};

START_TEST(test_generic)
{
  static const struct {
    const char *json;
    int problems;
    const char *path, *msg;
  } cases[] = {
    {"{}", 0, NULL, NULL},
    {"{\"colour\":\"red\"}", 1, "/shade", "required when colour is \"red\""},
    {"{\"colour\":\"red\",\"shade\":\"a\"}", 1, "/shade", "shorter than 2 bytes"},
    {"{\"tags\":{\"ab\":\"x\",\"c\":null}}", 1, "/tags/c", "required, got null"},
    {"{\"tags\":{\"abc\":\"x\"}}", 1, "/tags/abc", "key longer than 2 bytes"},
    {"{\"tags\":{\"a\":\"x\",\"b\":\"y\",\"c\":\"z\"}}", 1, "/tags", "more than 2 keys"},
    {"{\"things\":[]}", 1, "/things", "fewer than 1 items"},
    {"{\"things\":[\"a\",\"b\"],\"pick\":\"b\"}", 0, NULL, NULL},
    {"{\"things\":[\"a\",\"b\"],\"pick\":\"c\"}", 1, "/pick", "thing_ref \"c\" names no thing"},
    {"{\"things\":[\"a\",\"a\"]}", 1, "/things/1", "duplicate id \"a\" (first at /things/0)"},
    {"{\"things\":[\"a\",\"123456789\"],\"pick\":\"c\"}", 1, "/things/1", "longer than 8 bytes"},
    {"{\"n\":-1.5}", 0, NULL, NULL},
    {"{\"n\":1.6}", 1, "/n", "must be at most 1.5"},
    {"{\"n\":-2}", 1, "/n", "must be at least -1.5"},
  };
  struct vreport r;
  json_t *v;

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    v = json_loads(cases[i].json, 0, NULL);
    ck_assert_ptr_nonnull(v);
    vreport_init(&r);
    ck_assert_msg(vspec_validate(&tiny, v, &r) == cases[i].problems, "generic case %zu", i);
    if (cases[i].path) {
      ck_assert_str_eq(r.items[0].path, cases[i].path);
      ck_assert_str_eq(r.items[0].message, cases[i].msg);
    }
    vreport_free(&r);
    json_decref(v);
  }
}
END_TEST

/* ---- The published schema is the validator's ------------------------------------------------------------ */

/* daemon/openapi.json's CaseRecord is what case_schema() makes of the spec (regenerate it with
 * `caseaudit schema case`, see docs/case-format.md): a field, bound or enum value added to the spec and not to the
 * published schema fails here. */
START_TEST(test_openapi_case_record_is_the_spec)
{
  json_error_t e;
  json_t *doc = json_load_file(CASEAUDIT_SOURCE_ROOT "/daemon/openapi.json", 0, &e);
  ck_assert_msg(doc != NULL, "daemon/openapi.json: %s", e.text);
  json_t *published = json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"), "CaseRecord");
  json_t *made = case_schema();
  ck_assert_ptr_nonnull(made);
  if (!json_equal(published, made)) {
    char *a = json_dumps(made, JSON_COMPACT | JSON_SORT_KEYS);
    ck_abort_msg("components.schemas.CaseRecord of daemon/openapi.json differs from the spec; run: "
                 "build/daemon/caseaudit schema case, and put its output there. The spec's schema: %.600s", a);
  }
  /* and it says what the old hand-written one did not: the document types */
  json_t *types = json_object_get(
    json_object_get(json_object_get(json_object_get(json_object_get(json_object_get(made, "properties"), "documents"),
                                                    "items"), "properties"), "type"), "enum");
  ck_assert_int_eq(json_array_size(types), 25);
  json_decref(made);
  json_decref(doc);
}
END_TEST

/* Every kind of node comes out as its schema; a bound or a refusal the validator applies shows in it. */
START_TEST(test_spec_schema_kinds)
{
  static const char *const colours[] = {"red", "blue", NULL};
  static const struct vspec str_item = {.kind = VK_STRING, .flags = V_REQUIRED, .max = 8};
  static const struct vspec members[] = {
    {.name = "code", .kind = VK_STRING, .flags = V_REQUIRED, .max = 10, .pattern = "^[a-z]+$"},
    {.name = "on", .kind = VK_DATE},
    {.name = "at", .kind = VK_INSTANT, .flags = V_REQUIRED},
    {.name = "colour", .kind = VK_ENUM, .choices = colours},
    {.name = "n", .kind = VK_INTEGER, .min = -1, .max = 9},
    {.name = "x", .kind = VK_NUMBER, .dmin = 0, .dmax = 2.5},
    {.name = "ok", .kind = VK_BOOLEAN},
    {.name = "tags", .kind = VK_ARRAY, .max = 3, .items = &str_item},
    {.name = "map", .kind = VK_MAP, .max = 4, .key_max = 6, .items = &str_item},
    {.name = NULL},
  };
  static const struct vcond conds[] = {{.key = "colour", .equals = "red", .required = "n"}, {.key = NULL}};
  static const struct vspec top = {.kind = VK_OBJECT, .members = members, .conds = conds};
  json_t *s = vspec_schema(&top);
  ck_assert_ptr_nonnull(s);
  char *text = json_dumps(s, JSON_COMPACT | JSON_SORT_KEYS);
  static const char *const want[] = {
    "\"additionalProperties\":false",
    "\"required\":[\"code\",\"at\"]",
    "\"code\":{\"maxLength\":10,\"pattern\":\"^[a-z]+$\",\"type\":\"string\",\"x-max-bytes\":10}",
    "\"on\":{\"format\":\"date\",\"nullable\":true,\"type\":\"string\"}",
    "\"at\":{\"description\":\"RFC 3339 with offset\",\"format\":\"date-time\",\"type\":\"string\"}",
    "\"colour\":{\"enum\":[\"red\",\"blue\"],\"nullable\":true,\"type\":\"string\"}",
    "\"n\":{\"maximum\":9,\"minimum\":-1,\"nullable\":true,\"type\":\"integer\"}",
    "\"x\":{\"maximum\":2.5,\"minimum\":0.0,\"nullable\":true,\"type\":\"number\"}",
    "\"tags\":{\"items\":{\"maxLength\":8,\"type\":\"string\",\"x-max-bytes\":8},\"maxItems\":3,",
    "\"map\":{\"additionalProperties\":{\"maxLength\":8,\"type\":\"string\",\"x-max-bytes\":8},"
    "\"description\":\"keys of at most 6 bytes\",\"maxProperties\":4,",
    "\"description\":\"n is required when colour is red\"",
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    ck_assert_msg(strstr(text, want[i]) != NULL, "missing %s in %s", want[i], text);
  free(text);
  json_decref(s);
}
END_TEST

static Suite *validate_suite(void)
{
  Suite *s = suite_create("validate");
  TCase *tc;

  tc = tcase_create("mutations");
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, test_mutation, 0, N_MUTATIONS);
  suite_add_tcase(s, tc);

  tc = tcase_create("schema");
  tcase_add_test(tc, test_openapi_case_record_is_the_spec);
  tcase_add_test(tc, test_spec_schema_kinds);
  suite_add_tcase(s, tc);

  tc = tcase_create("parse");
  tcase_add_loop_test(tc, test_parse, 0, N_PARSE);
  tcase_add_test(tc, test_parse_null_buffer);
  suite_add_tcase(s, tc);

  tc = tcase_create("dates");
  tcase_add_loop_test(tc, test_when, 0, (int)(sizeof whens / sizeof whens[0]));
  tcase_add_test(tc, test_when_null);
  suite_add_tcase(s, tc);

  tc = tcase_create("params");
  tcase_add_loop_test(tc, test_utf8, 0, (int)(sizeof utf8_cases / sizeof utf8_cases[0]));
  tcase_add_test(tc, test_param_checks);
  suite_add_tcase(s, tc);

  tc = tcase_create("record");
  tcase_add_test(tc, test_example_strict);
  tcase_add_test(tc, test_cap);
  tcase_add_test(tc, test_every_problem);
  tcase_add_test(tc, test_not_object);
  tcase_add_test(tc, test_vreport);
  tcase_add_test(tc, test_generic);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(validate_suite());
  int failed;

  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? 1 : 0;
}
