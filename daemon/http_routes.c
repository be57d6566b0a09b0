/* The route table: every URL caseauditd serves, its method, the roles allowed and how its body is read. */
#include "http.h"
#include "http_agencies.h"
#include "http_audits.h"
#include "http_cases.h"
#include "http_changes.h"
#include "http_findings.h"
#include "http_health.h"
#include "http_me.h"
#include "http_openapi.h"
#include "http_rules.h"
#include "http_standards.h"
#include "http_stats.h"
#include "http_ui.h"

const struct route http_routes[] = {
  {"GET", "/healthz", ROLE_NONE, NULL, BODY_NONE, NULL, handle_healthz, NULL},
  {"GET", "/readyz", ROLE_NONE, NULL, BODY_NONE, NULL, handle_readyz, NULL},
  {"GET", "/metrics", ROLE_SUPERVISOR | ROLE_ADMIN, metrics_are_public, BODY_NONE, NULL, handle_metrics, NULL},
  {"POST", "/api/v1/cases", ROLE_INGEST, NULL, BODY_BUFFER, "application/json", handle_case_post, NULL},
  {"POST", "/api/v1/cases/bulk", ROLE_INGEST, NULL, BODY_STREAM, "application/x-ndjson", handle_bulk_post,
   bulk_chunk},
  {"GET", "/api/v1/cases", ROLE_REVIEWER | ROLE_SUPERVISOR, NULL, BODY_NONE, NULL, handle_case_list, NULL},
  {"GET", "/api/v1/findings", ROLE_REVIEWER | ROLE_SUPERVISOR, NULL, BODY_NONE, NULL, handle_finding_list, NULL},
  {"GET", "/api/v1/findings/{id}", ROLE_REVIEWER | ROLE_SUPERVISOR, NULL, BODY_NONE, NULL, handle_finding_get, NULL},
  {"POST", "/api/v1/findings/{id}/reviews", ROLE_REVIEWER, NULL, BODY_BUFFER, "application/json",
   handle_review_post, NULL},
  {"GET", "/api/v1/changes", ROLE_SUPERVISOR, NULL, BODY_NONE, NULL, handle_changes, NULL},
  {"POST", "/api/v1/audits", ROLE_ADMIN, NULL, BODY_BUFFER, "application/json", handle_audit_post, NULL},
  {"GET", "/api/v1/audits", ROLE_ADMIN | ROLE_SUPERVISOR, NULL, BODY_NONE, NULL, handle_audit_list, NULL},
  {"GET", "/api/v1/audits/{id}", ROLE_ADMIN | ROLE_SUPERVISOR, NULL, BODY_NONE, NULL, handle_audit_get, NULL},
  {"GET", "/api/v1/stats", ROLE_REVIEWER | ROLE_SUPERVISOR, NULL, BODY_NONE, NULL, handle_stats, NULL},
  {"GET", "/api/v1/agencies", ROLE_REVIEWER | ROLE_SUPERVISOR, NULL, BODY_NONE, NULL, handle_agencies, NULL},
  {"GET", "/api/v1/cases/{id}", ROLE_REVIEWER | ROLE_SUPERVISOR, NULL, BODY_NONE, NULL, handle_case_get, NULL},
  {"GET", "/api/v1/rules", ROLE_ANY, NULL, BODY_NONE, NULL, handle_rules_list, NULL},
  {"GET", "/api/v1/rules/{id}", ROLE_ANY, NULL, BODY_NONE, NULL, handle_rule_get, NULL},
  {"GET", "/api/v1/standards", ROLE_ANY, NULL, BODY_NONE, NULL, handle_standards_list, NULL},
  {"GET", "/api/v1/standards/{id}", ROLE_ANY, NULL, BODY_NONE, NULL, handle_standard_get, NULL},
  {"GET", "/api/v1/me", ROLE_ANY, NULL, BODY_NONE, NULL, handle_me, NULL},
  {"GET", "/api/v1/openapi.json", ROLE_NONE, NULL, BODY_NONE, NULL, handle_openapi, NULL},
  /* The reviewers' web page: public files; the page asks for a token and sends it to the API only. */
  {"GET", "/ui", ROLE_NONE, NULL, BODY_NONE, NULL, handle_ui_redirect, NULL},
  {"GET", "/ui/", ROLE_NONE, NULL, BODY_NONE, NULL, handle_ui_index, NULL},
  {"GET", "/ui/{file}", ROLE_NONE, NULL, BODY_NONE, NULL, handle_ui_file, NULL},
};

const size_t http_routes_count = sizeof http_routes / sizeof http_routes[0];
