/* The route table: every URL caseauditd serves, its method, the roles allowed and how its body is read. */
#include "http.h"
#include "http_cases.h"
#include "http_health.h"
#include "http_me.h"
#include "http_openapi.h"
#include "http_rules.h"

const struct route http_routes[] = {
  {"GET", "/healthz", ROLE_NONE, NULL, BODY_NONE, NULL, handle_healthz, NULL},
  {"GET", "/readyz", ROLE_NONE, NULL, BODY_NONE, NULL, handle_readyz, NULL},
  {"GET", "/metrics", ROLE_SUPERVISOR | ROLE_ADMIN, metrics_are_public, BODY_NONE, NULL, handle_metrics, NULL},
  {"POST", "/api/v1/cases", ROLE_INGEST, NULL, BODY_BUFFER, "application/json", handle_case_post, NULL},
  {"POST", "/api/v1/cases/bulk", ROLE_INGEST, NULL, BODY_STREAM, "application/x-ndjson", handle_bulk_post,
   bulk_chunk},
  {"GET", "/api/v1/cases/{id}", ROLE_REVIEWER | ROLE_SUPERVISOR, NULL, BODY_NONE, NULL, handle_case_get, NULL},
  {"GET", "/api/v1/rules", ROLE_ANY, NULL, BODY_NONE, NULL, handle_rules_list, NULL},
  {"GET", "/api/v1/rules/{id}", ROLE_ANY, NULL, BODY_NONE, NULL, handle_rule_get, NULL},
  {"GET", "/api/v1/me", ROLE_ANY, NULL, BODY_NONE, NULL, handle_me, NULL},
  {"GET", "/api/v1/openapi.json", ROLE_NONE, NULL, BODY_NONE, NULL, handle_openapi, NULL},
};

const size_t http_routes_count = sizeof http_routes / sizeof http_routes[0];
