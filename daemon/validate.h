/* validate.h: strict JSON loading and a table-driven validator that names every bad field by JSON pointer. */
#ifndef CASEAUDIT_VALIDATE_H
#define CASEAUDIT_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* ---- Report ------------------------------------------------------------------------------------------------- */

/* A 400 answer lists at most this many details; the rest are only counted, so a hostile body cannot make the
 * error response larger than the request. */
#define VALIDATE_MAX_DETAILS 100

struct vdetail {
  char *path;    /* JSON pointer (RFC 6901: "~" as "~0", "/" as "~1"); "" is the whole document */
  char *message; /* readable English, e.g. "expected string, got integer" */
};

struct vreport {
  struct vdetail *items; /* count entries, in the order found */
  size_t count;
  size_t dropped; /* problems found beyond VALIDATE_MAX_DETAILS, or not recorded for want of memory */
};

/* An empty report; vreport_free() releases what vreport_add() allocates. A report may collect problems from several
 * calls (count and dropped accumulate). */
void vreport_init(struct vreport *r);

/* Record one problem at path (NULL means ""), message formatted printf-style. Never fails: past the cap, or when
 * memory runs out, the problem is counted in r->dropped instead. */
void vreport_add(struct vreport *r, const char *path, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* Free every detail and reset r to empty; r may be reused. */
void vreport_free(struct vreport *r);

/* Total problems recorded in r (count + dropped). */
size_t vreport_total(const struct vreport *r);

/* ---- Strict parsing ----------------------------------------------------------------------------------------- */

/* Parse buf[0..len) as one JSON object: duplicate keys, NUL bytes (raw or \u0000), invalid UTF-8, trailing
 * non-white-space and a top level other than an object are all errors. Integers beyond 64 bits and reals beyond
 * double range are errors too (jansson refuses them).
 * Returns a new reference the caller must json_decref(), or NULL after adding exactly one detail to r with path ""
 * and a message "line L, column C: <jansson's text>" (or, for a non-object top level, "expected object at top
 * level, got array"). buf need not be NUL-terminated. */
json_t *json_parse_strict(const char *buf, size_t len, struct vreport *r);

/* ---- Spec ------------------------------------------------------------------------------------------------------ */

enum vkind {
  VK_OBJECT = 1, /* members: fixed keys from .members, any other key is "unknown key" */
  VK_MAP,        /* object with free-form keys (each <= .key_max bytes, at most .max keys), values per .items */
  VK_ARRAY,      /* .min..max items, each per .items; items are never null */
  VK_STRING,     /* .min..max bytes of UTF-8; optional .check for syntax */
  VK_DATE,       /* string, valid_date() */
  VK_INSTANT,    /* string, valid_instant() */
  VK_ENUM,       /* string, one of .choices */
  VK_INTEGER,    /* JSON integer (not 2.0) in .min..max */
  VK_NUMBER,     /* JSON integer or real, finite, in .dmin..dmax */
  VK_BOOLEAN,
};

#define V_REQUIRED 0x1u /* present and not null; without it, absent and null both mean "not given" */
#define V_ID 0x2u       /* a string that identifies its element: unique within the record in id space .space */
#define V_REF 0x4u      /* a string that must equal some V_ID value of id space .space in the same record */

/* "When member key is the string equals, member required must be given (present and not null)." */
struct vcond {
  const char *key;
  const char *equals;
  const char *required;
};

/* One node of a spec: an object member (name set) or an array item / map value (name unused).
 * Bounds are always applied, so a string or array spec must set .max: a forgotten bound rejects data loudly
 * instead of letting unbounded data through. */
struct vspec {
  const char *name;              /* member name; NULL ends a .members table */
  enum vkind kind;
  unsigned flags;                /* V_REQUIRED, V_ID, V_REF */
  long long min, max;            /* STRING: bytes; ARRAY: items; MAP: keys; INTEGER: value */
  double dmin, dmax;             /* NUMBER: value */
  size_t key_max;                /* MAP: bytes per key */
  const char *const *choices;    /* ENUM: NULL-terminated */
  const struct vspec *members;   /* OBJECT: table ended by an entry with name NULL */
  const struct vspec *items;     /* ARRAY: item spec; MAP: value spec */
  const struct vcond *conds;     /* OBJECT: table ended by an entry with key NULL; may be NULL */
  const char *space;             /* V_ID, V_REF: id space name, e.g. "document" */
  bool (*check)(const char *s);  /* STRING: extra syntax check, run after the length check */
  const char *check_msg;         /* STRING: message when check() fails */
  const char *pattern;           /* STRING: the regular expression check() implements, for the schema only */
  const char *doc;               /* a description for the schema (what the name and kind do not say) */
};

/* Walk value against spec and add one detail per problem to r: type, bounds, enum, dates, unknown keys, missing
 * required members, conditional requirements, duplicate ids ("duplicate id \"D3\" (first at /documents/2)") and
 * references that name nothing ("document_ref \"D99\" names no document"). Every problem is reported, not just the
 * first. A subtree that cannot be understood (wrong type, too many items, a missing or bad id) is not descended
 * into, and references into the id spaces it would have defined are not checked, so one mistake gives one detail.
 * Returns the number of problems found (0 = valid), or -1 when memory ran out (r may then be incomplete: answer
 * 500, not 400). Does not keep value or spec. */
int vspec_validate(const struct vspec *spec, const json_t *value, struct vreport *r);

/* The spec as an OpenAPI 3.0 schema object (a subset of JSON Schema), so that the published schema cannot drift
 * from what is validated: types, required members (nullable otherwise: null means "not given"), enums, dates
 * (format date) and instants (format date-time), integer and number bounds, item counts (maxItems, maxProperties
 * of a map), unknown keys refused (additionalProperties false). A string's bound is in bytes of UTF-8: maxLength
 * carries it (a string of N bytes has at most N characters) and x-max-bytes says that it counts bytes; ids, references
 * and conditions are described in words. New reference, or NULL when memory ran out. */
json_t *vspec_schema(const struct vspec *spec);

/* ---- Case record (case_spec.c) ------------------------------------------------------------------------------ */

/* Validate a case record (shared/contract/case-record.md) as vspec_validate() does: returns the number of problems
 * added to r (0 = valid), or -1 when memory ran out. */
int case_validate(const json_t *record, struct vreport *r);

/* The case record's schema (vspec_schema of the spec case_validate uses): `caseaudit schema case` prints it, and
 * daemon/openapi.json's CaseRecord is tested equal to it. New reference, or NULL when memory ran out. */
json_t *case_schema(void);

/* ---- Helpers the storage layer may reuse -------------------------------------------------------------------- */

/* s is exactly "YYYY-MM-DD", a real Gregorian calendar date with year 1900..2999. NULL gives false. */
bool valid_date(const char *s);

/* s is an RFC 3339 date-time with a UTC offset: "YYYY-MM-DDTHH:MM:SS[.f]" then "Z" or "+HH:MM"/"-HH:MM".
 * The date as valid_date(); hours 00-23, minutes 00-59, seconds 00-59 (no leap second), 1 to 9 fraction digits;
 * "T" and "Z" may be lower case (RFC 3339 5.6); offsets up to +-23:59. NULL gives false. */
bool valid_instant(const char *s);

#endif
