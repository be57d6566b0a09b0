/* case_spec.c: the case record (shared/contract/case-record.md) declared as a spec table, and case_validate(). */
#include "validate.h"

#include <stdint.h>

/* Bounds. They reject only what storage cannot reasonably keep or a client cannot have meant; lengths are bytes of
 * UTF-8 (a Chinese character takes 3), item counts are per array. Content defects (blank strings, bad hashes, dates
 * out of order) pass: the rules report them as findings. */
#define STR_MAX 4096            /* any string not named below */
#define TEXT_MAX 65536          /* long prose: cause, documents[].fields values, comments, conclusion */
#define CASE_NO_MAX 128
#define SECTOR_MAX 64
#define AGENCY_CODE_MAX 64
#define ID_MAX 128              /* ids of documents, events, recordings, and every reference to them */
#define FIELD_KEY_MAX 64        /* keys of documents[].fields */
#define FIELDS_MAX 200          /* keys per documents[].fields */
#define DOCUMENTS_MAX 2000
#define EVENTS_MAX 2000
#define RECORDINGS_MAX 5000
#define SERVICES_MAX 2000
#define LEGAL_REVIEWS_MAX 100
#define OFFICERS_MAX 200
#define PENALTIES_MAX 50        /* decision.penalties and decision.notified_penalties */
#define CATALOG_MAX 5000
#define ATTENDEES_MAX 200
#define REFS_MAX 200            /* events[].officers, events[].document_refs, documents[].signatures.officers */
#define EXTENSIONS_MAX 100
#define SUSPENSIONS_MAX 100
#define AMOUNT_MAX 1e13         /* yuan; ten trillion is beyond any fine, and keeps cents exact in a double */
#define VERSION_MIN 1
/* Counts and page numbers are stored as PostgreSQL integer; what does not fit cannot be stored. */
#define INT32_LO INT32_MIN
#define INT32_HI INT32_MAX

/* Spec builders: each sets every bound its kind needs, so no field can be declared unbounded by accident. */
#define STR(n, mx, fl) {.name = (n), .kind = VK_STRING, .flags = (fl), .max = (mx)}
#define DATE(n) {.name = (n), .kind = VK_DATE}
#define INSTANT(n, fl) {.name = (n), .kind = VK_INSTANT, .flags = (fl)}
#define ENUM(n, ch, fl) {.name = (n), .kind = VK_ENUM, .flags = (fl), .choices = (ch)}
#define INT(n, lo, hi, fl) {.name = (n), .kind = VK_INTEGER, .flags = (fl), .min = (lo), .max = (hi)}
#define AMOUNT(n) {.name = (n), .kind = VK_NUMBER, .dmin = 0, .dmax = AMOUNT_MAX}
#define BOOL(n) {.name = (n), .kind = VK_BOOLEAN}
#define OBJ(n, mem, fl) {.name = (n), .kind = VK_OBJECT, .flags = (fl), .members = (mem)}
#define ARR(n, mx, item, fl) {.name = (n), .kind = VK_ARRAY, .flags = (fl), .max = (mx), .items = &(item)}
#define ID(sp) {.name = "id", .kind = VK_STRING, .flags = V_REQUIRED | V_ID, .max = ID_MAX, .space = (sp)}
#define REF(n, sp, fl) {.name = (n), .kind = VK_STRING, .flags = (fl) | V_REF, .max = ID_MAX, .space = (sp)}
#define ITEM(mem) {.kind = VK_OBJECT, .flags = V_REQUIRED, .members = (mem)}
#define END {.name = NULL}

/* agency.code scopes tokens and statistics, and appears in URLs and file names: ^[A-Za-z0-9._-]{1,64}$. */
static bool agency_code_ok(const char *s)
{
  if (!*s)
    return false;
  for (; *s; s++) {
    char c = *s;

    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
          c == '-'))
      return false;
  }
  return true;
}

static const char *const categories[] = {"penalty", "compulsion", "inspection", "license", "other", NULL};
static const char *const procedures[] = {"simple", "general", NULL};
static const char *const party_types[] = {"person", "organization", NULL};
static const char *const officer_roles[] = {"investigator", "host", "reviewer", "other", NULL};
static const char *const outcomes[] = {"penalty", "no_penalty", "transfer", "withdrawn", NULL};
static const char *const penalty_kinds[] = {
  "warning", "fine", "confiscate_gains", "confiscate_property", "suspend_license", "revoke_license",
  "lower_qualification", "suspend_business", "order_closure", "restrict_practice", "detention", "other", NULL};
static const char *const event_types[] = {
  "on_site_inspection", "inquiry", "evidence_collection", "evidence_preservation", "sealing", "seizure",
  "forced_demolition", "forced_execution", "restriction_of_freedom", "hearing", "service", "other", NULL};
static const char *const no_av_reasons[] = {"secret", "privacy", "emergency", "impossible", NULL};
static const char *const document_types[] = {
  "case_source", "filing_approval", "inquiry_record", "inspection_record", "on_site_record", "evidence",
  "preservation_notice", "seizure_decision", "seizure_list", "release_decision", "investigation_report",
  "legal_review_opinion", "collective_discussion_record", "prior_notice", "hearing_notice", "hearing_record",
  "statement_record", "decision_approval", "penalty_decision", "onsite_penalty_decision", "service_receipt",
  "payment_receipt", "closing_report", "archive_note", "other", NULL};
static const char *const signature_party[] = {"signed", "refused", "absent", "not_required", NULL};
static const char *const service_methods[] = {
  "direct", "leaving", "mail", "electronic", "announcement", "entrusted", NULL};
static const char *const opinions[] = {"approved", "rejected", "revise", NULL};
static const char *const change_kinds[] = {"revoked", "changed", "confirmed_illegal", "void", NULL};
static const char *const extension_kinds[] = {"decision_deadline", "seizure_term", NULL};
static const char *const suspension_kinds[] = {"suspension", "hearing", "announcement", "testing", NULL};
static const char *const retentions[] = {"permanent", "30y", NULL};

/* Item specs of plain lists. */
static const struct vspec cert_no_item = {.kind = VK_STRING, .flags = V_REQUIRED, .max = STR_MAX};
static const struct vspec name_item = {.kind = VK_STRING, .flags = V_REQUIRED, .max = STR_MAX};
static const struct vspec document_ref_item = {
  .kind = VK_STRING, .flags = V_REQUIRED | V_REF, .max = ID_MAX, .space = "document"};
/* documents[].fields values: null means the item is absent from the form, as for any optional key. */
static const struct vspec field_value = {.kind = VK_STRING, .max = TEXT_MAX};

static const struct vspec agency[] = {
  {.name = "code", .kind = VK_STRING, .flags = V_REQUIRED, .max = AGENCY_CODE_MAX, .check = agency_code_ok,
   .check_msg = "must match ^[A-Za-z0-9._-]{1,64}$", .pattern = "^[A-Za-z0-9._-]{1,64}$"},
  STR("name", STR_MAX, V_REQUIRED),
  END,
};

static const struct vspec source[] = {
  STR("system", STR_MAX, V_REQUIRED),
  INT("version", VERSION_MIN, INT32_HI, V_REQUIRED),
  INSTANT("updated_at", V_REQUIRED),
  END,
};

/* privacy.c masks these two */
#define PERSONAL "personal data: masked for roles that may not see it (docs/case-format.md)"

static const struct vspec party[] = {
  ENUM("type", party_types, 0),
  STR("name", STR_MAX, V_REQUIRED),
  STR("id_type", STR_MAX, 0),
  {.name = "id_number", .kind = VK_STRING, .max = STR_MAX, .doc = PERSONAL},
  STR("address", STR_MAX, 0),
  {.name = "phone", .kind = VK_STRING, .max = STR_MAX, .doc = PERSONAL},
  STR("legal_representative", STR_MAX, 0),
  END,
};

static const struct vspec violation[] = {
  DATE("began_on"),
  DATE("ended_on"),
  DATE("discovered_on"),
  BOOL("life_health_or_financial_safety"),
  BOOL("harmful_consequence"),
  END,
};

static const struct vspec officer[] = {
  STR("name", STR_MAX, 0),
  STR("cert_no", STR_MAX, V_REQUIRED),
  DATE("cert_valid_from"),
  DATE("cert_valid_until"),
  ENUM("role", officer_roles, 0),
  END,
};
static const struct vspec officer_item = ITEM(officer);

static const struct vspec penalty[] = {
  ENUM("kind", penalty_kinds, 0),
  AMOUNT("amount"),
  END,
};
static const struct vspec penalty_item = ITEM(penalty);

static const struct vspec decision[] = {
  ENUM("outcome", outcomes, 0),
  ARR("penalties", PENALTIES_MAX, penalty_item, 0),
  ARR("notified_penalties", PENALTIES_MAX, penalty_item, 0),
  BOOL("major"),
  BOOL("complex"),
  BOOL("social_impact"),
  END,
};

static const struct vspec event[] = {
  ID("event"),
  ENUM("type", event_types, V_REQUIRED),
  INSTANT("started_at", 0),
  INSTANT("ended_at", 0),
  /* Officers are named by cert_no but not checked against officers[]: a stranger on an event is a finding (D01). */
  ARR("officers", REFS_MAX, cert_no_item, 0),
  ARR("document_refs", REFS_MAX, document_ref_item, 0),
  ENUM("no_av_reason", no_av_reasons, 0),
  END,
};
static const struct vspec event_item = ITEM(event);

static const struct vspec signatures[] = {
  ARR("officers", REFS_MAX, cert_no_item, 0),
  ENUM("party", signature_party, 0),
  BOOL("witness"),
  STR("approver", STR_MAX, 0),
  END,
};

static const struct vspec document[] = {
  ID("document"),
  ENUM("type", document_types, V_REQUIRED),
  STR("number", STR_MAX, 0),
  DATE("issued_on"),
  INT("pages", 0, INT32_HI, 0),
  BOOL("seal"),
  OBJ("signatures", signatures, 0),
  {.name = "fields", .kind = VK_MAP, .max = FIELDS_MAX, .key_max = FIELD_KEY_MAX, .items = &field_value},
  END,
};
static const struct vspec document_item = ITEM(document);

static const struct vspec recording[] = {
  ID("recording"),
  REF("event_ref", "event", 0),
  INSTANT("started_at", V_REQUIRED),
  INSTANT("ended_at", V_REQUIRED),
  STR("device_id", STR_MAX, 0),
  STR("officer_cert_no", STR_MAX, 0),
  /* Any string: a malformed hash is a finding (R04), not a reason to lose the recording. */
  STR("sha256", STR_MAX, 0),
  STR("uri", STR_MAX, 0),
  STR("interruption_note", STR_MAX, 0),
  END,
};
static const struct vspec recording_item = ITEM(recording);

static const struct vspec service[] = {
  REF("document_ref", "document", V_REQUIRED),
  ENUM("method", service_methods, 0),
  DATE("served_on"),
  BOOL("witness"),
  REF("recording_ref", "recording", 0),
  STR("tracking_no", STR_MAX, 0),
  BOOL("consent"),
  DATE("announced_on"),
  END,
};
static const struct vspec service_item = ITEM(service);

static const struct vspec reviewer[] = {
  STR("name", STR_MAX, 0),
  STR("cert_no", STR_MAX, 0),
  BOOL("qualified"),
  DATE("first_review_on"),
  END,
};

static const struct vspec legal_review[] = {
  OBJ("reviewer", reviewer, 0),
  DATE("submitted_on"),
  DATE("reviewed_on"),
  ENUM("opinion", opinions, 0),
  STR("comments", TEXT_MAX, 0),
  END,
};
static const struct vspec legal_review_item = ITEM(legal_review);

static const struct vspec collective_discussion[] = {
  DATE("held_on"),
  STR("chair", STR_MAX, 0),
  ARR("attendees", ATTENDEES_MAX, name_item, 0),
  STR("conclusion", TEXT_MAX, 0),
  BOOL("signed"),
  END,
};

static const struct vspec hearing[] = {
  BOOL("right_notified"),
  DATE("requested_on"),
  DATE("notice_served_on"),
  DATE("held_on"),
  STR("host_cert_no", STR_MAX, 0),
  BOOL("waived"),
  BOOL("record_signed"),
  END,
};

static const struct vspec defense[] = {
  BOOL("made"),
  DATE("reexamined_on"),
  END,
};

static const struct vspec publication[] = {
  DATE("published_on"),
  STR("url", STR_MAX, 0),
  STR("document_number", STR_MAX, 0),
  DATE("withdrawn_on"),
  STR("withdraw_reason", STR_MAX, 0),
  END,
};

static const struct vspec decision_change[] = {
  ENUM("kind", change_kinds, 0),
  DATE("on"),
  END,
};

/* days, seq and page numbers only have to fit: a negative or zero value is a content defect for the rules. */
static const struct vspec extension[] = {
  ENUM("kind", extension_kinds, 0),
  DATE("approved_on"),
  INT("days", INT32_LO, INT32_HI, 0),
  END,
};
static const struct vspec extension_item = ITEM(extension);

static const struct vspec suspension[] = {
  ENUM("kind", suspension_kinds, 0),
  DATE("from"),
  DATE("to"),
  END,
};
static const struct vspec suspension_item = ITEM(suspension);

static const struct vspec catalog_entry[] = {
  INT("seq", INT32_LO, INT32_HI, 0),
  REF("document_ref", "document", 0),
  STR("title", STR_MAX, 0),
  INT("page_from", INT32_LO, INT32_HI, 0),
  INT("page_to", INT32_LO, INT32_HI, 0),
  END,
};
static const struct vspec catalog_item = ITEM(catalog_entry);

static const struct vspec archive[] = {
  DATE("archived_on"),
  ENUM("retention", retentions, 0),
  ARR("catalog", CATALOG_MAX, catalog_item, 0),
  END,
};

static const struct vspec record[] = {
  OBJ("agency", agency, V_REQUIRED),
  STR("case_no", CASE_NO_MAX, V_REQUIRED),
  ENUM("category", categories, V_REQUIRED),
  /* required for penalties: see record_conds */
  {.name = "procedure", .kind = VK_ENUM, .choices = procedures, .doc = "required when category is penalty"},
  STR("sector", SECTOR_MAX, 0),
  STR("cause", TEXT_MAX, 0),
  OBJ("source", source, V_REQUIRED),
  OBJ("party", party, V_REQUIRED),
  OBJ("violation", violation, 0),
  DATE("filed_on"),
  DATE("decided_on"),
  DATE("closed_on"),
  /* Required so that "no officers" is an explicit claim the rules can flag, but it may be empty. */
  ARR("officers", OFFICERS_MAX, officer_item, V_REQUIRED),
  OBJ("decision", decision, 0),
  ARR("events", EVENTS_MAX, event_item, 0),
  ARR("documents", DOCUMENTS_MAX, document_item, 0),
  ARR("recordings", RECORDINGS_MAX, recording_item, 0),
  ARR("services", SERVICES_MAX, service_item, 0),
  ARR("legal_reviews", LEGAL_REVIEWS_MAX, legal_review_item, 0),
  OBJ("collective_discussion", collective_discussion, 0),
  OBJ("hearing", hearing, 0),
  OBJ("defense", defense, 0),
  OBJ("publication", publication, 0),
  OBJ("decision_change", decision_change, 0),
  ARR("extensions", EXTENSIONS_MAX, extension_item, 0),
  ARR("suspensions", SUSPENSIONS_MAX, suspension_item, 0),
  OBJ("archive", archive, 0),
  END,
};

/* Which procedure was followed decides which rules apply to a penalty; without it the case cannot be audited. */
static const struct vcond record_conds[] = {
  {.key = "category", .equals = "penalty", .required = "procedure"},
  {.key = NULL},
};

static const struct vspec case_record = {
  .kind = VK_OBJECT, .flags = V_REQUIRED, .members = record, .conds = record_conds,
  .doc = "A case record (docs/case-format.md). Unknown and duplicate keys are refused; ids are unique within a case "
         "and every reference must name an element of the record; null means the same as an absent key"};

int case_validate(const json_t *rec, struct vreport *r)
{
  return vspec_validate(&case_record, rec, r);
}

json_t *case_schema(void) { return vspec_schema(&case_record); }
