/* The one place where SQL statements are written. Each is prepared by name on every connection on first use. */
#include "db_sql.h"

const struct db_stmt db_statements[STMT__COUNT] = {
  [STMT_SCHEMA_VERSION] = {"schema_version",
                           "SELECT coalesce(max(version), 0) FROM schema_migrations"},
  [STMT_PING] = {"ping", "SELECT 1"},

  [STMT_TOKEN_INSERT] = {"token_insert",
                         "INSERT INTO tokens (id, name, role, agencies, secret_hash) "
                         "VALUES ($1, $2, $3, $4::text[], decode($5, 'hex'))"},
  [STMT_TOKEN_LOOKUP] = {"token_lookup",
                         "SELECT name, role, array_to_json(agencies)::text, encode(secret_hash, 'hex'), "
                         "revoked_at IS NOT NULL FROM tokens WHERE id = $1"},
  [STMT_TOKEN_LIST] = {"token_list",
                       "SELECT name, role, array_to_string(agencies, ','), "
                       "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                       "coalesce(to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') "
                       "FROM tokens ORDER BY name"},
  [STMT_TOKEN_REVOKE] = {"token_revoke",
                         "UPDATE tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL RETURNING id"},

  /* Cases: storing runs the whole batch in SQL (sql/0004_ingest.sql); reading builds the JSON in SQL. */
  [STMT_CASES_STORE] = {"cases_store",
                        "SELECT ord, case_id, status, version, stored_version, error "
                        "FROM ca_store_batch($1::jsonb, $2)"},
  [STMT_CASE_GET] = {"case_get", "SELECT ca_case_json(id, true)::text, agency_code FROM cases WHERE id = $1::uuid"},
  [STMT_CASE_SUMMARY] = {"case_summary",
                         "SELECT ca_case_json(id, false)::text, agency_code FROM cases WHERE id = $1::uuid"},

  /* Rule packs (sql/0004_rules.sql). */
  [STMT_PACK_REGISTER] = {"pack_register", "SELECT ca_pack_register($1, $2, $3::jsonb)"},
  [STMT_RULE_FUNCTION_EXISTS] = {"rule_function_exists",
                                 "SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = $1)"},

  /* The working-day calendar (sql/0003_calendar.sql). */
  [STMT_CALENDAR_LOAD] = {"calendar_load",
                          "SELECT ca_calendar_load_year($1::int, $2::text, $3::text, $4::date, $5::text, $6::jsonb)"},
};
