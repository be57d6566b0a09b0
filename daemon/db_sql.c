/* The one place where SQL statements are written. Each is prepared by name on every connection on first use. */
#include "db_sql.h"

/* The advisory lock key of an audit scope ($1: agency code or NULL). */
#define AUDIT_KEY "hashtextextended('caseaudit audit ' || coalesce($1::text, '*'), 0)"

#define AUDIT_RUN_JSON                                                                                          \
  "jsonb_build_object('id', id, 'agency', agency_code, 'as_of', as_of, 'pack_version', pack_version,"            \
  " 'pack_id', pack_id, 'status', status, 'holder', holder, 'started_at', started_at, 'finished_at', finished_at," \
  " 'cases_total', cases_total, 'cases_done', cases_done, 'cases_full', cases_full, 'opened', opened,"            \
  " 'resolved', resolved, 'reopened', reopened, 'changed', changed, 'unchanged', unchanged,"                    \
  " 'drift_cases', drift_cases, 'drift', drift, 'error', error)"

/* The filters of GET /api/v1/cases ($1 scope .. $11 q); each is ignored when its parameter is NULL. flagged=true
 * and flagged=false are two parameters ($3, $4), so that the variant for flagged=true says "open_findings > 0" and
 * can read the partial index of the flagged cases. */
#define CASE_FILTER                                                                                             \
  " WHERE ($1::text[] IS NULL OR c.agency_code = ANY ($1::text[]))"                                             \
  " AND ($2::text IS NULL OR c.agency_code = $2)"                                                               \
  " AND ($3::boolean IS NULL OR c.open_findings > 0) AND ($4::boolean IS NULL OR c.open_findings = 0)"          \
  " AND ($5::text IS NULL OR c.grade = $5)"                                                                     \
  " AND (($6::text IS NULL AND $7::text IS NULL AND $8::text IS NULL) OR EXISTS (SELECT 1 FROM findings f"       \
  "      WHERE f.case_id = c.id AND f.status IN ('open', 'acknowledged') AND ($6::text IS NULL OR f.rule_id = $6)" \
  "      AND ($7::text IS NULL OR f.system = $7) AND ($8::text IS NULL OR f.severity = $8)))"                     \
  " AND ($9::date IS NULL OR c.filed_on >= $9::date) AND ($10::date IS NULL OR c.filed_on <= $10::date)"        \
  " AND ($11::text IS NULL OR c.case_no LIKE '%' || $11 || '%' OR c.party_name LIKE '%' || $11 || '%')"

#define CASE_ROW                                                                                                \
  "SELECT jsonb_build_object('id', c.id, 'agency', c.agency_code, 'agency_name', ca_agency_name(c.agency_code),"  \
  " 'case_no', c.case_no, 'category', c.category,"                                                             \
  " 'procedure', c.procedure, 'sector', c.sector, 'party_name', c.party_name, 'filed_on', c.filed_on,"           \
  " 'decided_on', c.decided_on, 'closed_on', c.closed_on, 'version', c.version, 'score', c.score,"              \
  " 'grade', c.grade, 'open_findings', c.open_findings)::text, c.id, c.score FROM cases c"

/* The filters of GET /api/v1/findings ($1 scope .. $8 since). */
#define FINDING_FILTER                                                                                          \
  " WHERE ($1::text[] IS NULL OR f.agency_code = ANY ($1::text[]))"                                             \
  " AND ($2::text IS NULL OR f.agency_code = $2) AND ($3::uuid IS NULL OR f.case_id = $3::uuid)"                \
  " AND ($4::text IS NULL OR f.rule_id = $4) AND ($5::text IS NULL OR f.system = $5)"                           \
  " AND ($6::text IS NULL OR f.severity = $6) AND ($7::text IS NULL OR f.status = $7)"                          \
  " AND ($8::timestamptz IS NULL OR f.first_seen_at >= $8::timestamptz)"

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
  /* A case scored under a standard of a stored pack ($1 pack id, $2 standard id, $3 case id; sql/0028). */
  [STMT_CASE_STANDARD] = {"case_standard",
                          "SELECT jsonb_build_object('score', s.score, 'grade', s.grade, 'veto', s.veto,"
                          " 'sections', s.sections)::text FROM rule_packs p,"
                          " ca_standard_scores(p.body -> 'standards' -> $2, ca_pack_veto(p.body), ARRAY[$3::uuid]) s"
                          " WHERE p.id = $1"},
  [STMT_CASE_SUMMARY] = {"case_summary",
                         "SELECT ca_case_json(id, false)::text, agency_code FROM cases WHERE id = $1::uuid"},

  /* Rule packs (sql/0004_rules.sql). */
  [STMT_PACK_REGISTER] = {"pack_register", "SELECT ca_pack_register($1, $2, $3::jsonb)"},
  [STMT_RULE_FUNCTION_EXISTS] = {"rule_function_exists",
                                 "SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = $1)"},

  /* The working-day calendar (sql/0003_calendar.sql). */
  [STMT_CALENDAR_LOAD] = {"calendar_load",
                          "SELECT ca_calendar_load_year($1::int, $2::text, $3::text, $4::date, $5::text, $6::jsonb)"},

  /* Server settings (sql/0011_review.sql). */
  [STMT_SETTING_INIT] = {"setting_init",
                         "WITH ins AS (INSERT INTO server_settings (key, value) VALUES ($1, $2)"
                         " ON CONFLICT (key) DO NOTHING RETURNING value)"
                         " SELECT value FROM ins UNION ALL SELECT value FROM server_settings WHERE key = $1 LIMIT 1"},

  /* Listings: keyset pages ($12 (and $13 by score): the last row of the previous page; then the page size).
   * Prepared per set of filters in use (by_filters). The page size is a subquery, "LIMIT (SELECT $n)": with a
   * plain $n a plan made for a known size looks cheaper than the reusable one, and PostgreSQL planned every page
   * again (0.07-0.18 ms, as long as running it); as a subquery every plan is costed alike and the first is kept. */
  [STMT_CASE_LIST_BY_ID] = {"case_list_by_id",
                            CASE_ROW CASE_FILTER
                            " AND ($12::uuid IS NULL OR c.id > $12::uuid) ORDER BY c.id LIMIT (SELECT $13::int)"},
  [STMT_CASE_LIST_BY_SCORE] = {"case_list_by_score",
                               CASE_ROW CASE_FILTER
                               " AND ($12::uuid IS NULL OR (c.score, c.id) > ($13::int, $12::uuid))"
                               " ORDER BY c.score, c.id LIMIT (SELECT $14::int)"},
  [STMT_CASE_COUNT] = {"case_count", "SELECT count(*) FROM cases c" CASE_FILTER},
  [STMT_FINDING_LIST] = {"finding_list",
                         "SELECT ca_finding_listing_doc(f.doc, f.agency_code), f.id FROM findings f" FINDING_FILTER
                         " AND ($9::uuid IS NULL OR f.id > $9::uuid) ORDER BY f.id LIMIT (SELECT $10::int)"},
  [STMT_FINDING_COUNT] = {"finding_count", "SELECT count(*) FROM findings f" FINDING_FILTER},
  [STMT_FINDING_GET] = {"finding_get",
                        "SELECT ca_finding_detail_json(f.id)::text, f.agency_code FROM findings f"
                        " WHERE f.id = $1::uuid"},
  [STMT_REVIEW] = {"review", "SELECT status FROM ca_review($1::uuid, $2, $3, $4::date, $5, $6::date)"},
  /* The change feed: only transactions older than this snapshot's xmin, so that none can still commit behind
   * the cursor (docs/architecture.md). */
  [STMT_CHANGES] = {"changes",
                    "SELECT jsonb_build_object('id', seq, 'kind', kind, 'at',"
                    " to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
                    " 'case_id', case_id, 'finding_id', finding_id, 'data', data)::text, xid::text, seq"
                    " FROM changes WHERE (xid, seq) > ($1::xid8, $2::bigint)"
                    " AND xid < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY xid, seq LIMIT $3::int"},
  [STMT_STATS] = {"stats", "SELECT ca_stats($1, $2::text[], $3::date, $4::date)::text"},
  [STMT_AGENCIES] = {"agencies",
                     "SELECT jsonb_build_object('items', coalesce(jsonb_agg(jsonb_build_object('agency', a.code,"
                     " 'agency_name', a.name, 'last_filed_on',"
                     " (SELECT max(c.filed_on) FROM cases c WHERE c.agency_code = a.code)) ORDER BY a.code), '[]'))::text"
                     " FROM agencies a WHERE ($1::text[] IS NULL OR a.code = ANY ($1::text[]))"},
  [STMT_REVIEW_LOG_PAGE] = {"review_log_page",
                            "SELECT seq, payload, prev_hash, hash FROM review_log WHERE seq > $1::bigint"
                            " ORDER BY seq LIMIT 1000"},

  /* Batch audits (sql/0012_audit.sql). */
  [STMT_AUDIT_LOCK] = {"audit_lock", "SELECT pg_try_advisory_lock(" AUDIT_KEY ")"},
  [STMT_AUDIT_UNLOCK] = {"audit_unlock", "SELECT pg_advisory_unlock(" AUDIT_KEY ")"},
  [STMT_AUDIT_HOLDER] = {"audit_holder",
                         "SELECT format('run %s by %s, started %s', id, holder, started_at) FROM audit_runs"
                         " WHERE agency_code IS NOT DISTINCT FROM $1::text AND status = 'running'"
                         " ORDER BY id DESC LIMIT 1"},
  [STMT_AUDIT_INTERRUPTED] = {"audit_interrupted",
                              "UPDATE audit_runs SET status = 'interrupted', finished_at = now(),"
                              " error = 'the process running it stopped before the end'"
                              " WHERE agency_code IS NOT DISTINCT FROM $1::text AND status = 'running'"},
  [STMT_AUDIT_START] = {"audit_start",
                        "INSERT INTO audit_runs (agency_code, as_of, pack_id, pack_version, status, holder,"
                        " cases_total) SELECT $1::text, coalesce($2::date, current_date), $3, $4, 'running', $5,"
                        " (SELECT count(*) FROM cases WHERE $1::text IS NULL OR agency_code = $1::text)"
                        " RETURNING id, cases_total, as_of"},
  /* caseaudit audit --full: every case of the scope is evaluated by every rule, as after a new rule pack. */
  [STMT_AUDIT_FORGET] = {"audit_forget",
                         "UPDATE cases SET evaluated_pack = NULL"
                         " WHERE ($1::text IS NULL OR agency_code = $1::text) AND evaluated_pack IS NOT NULL"},
  [STMT_AUDIT_NEXT_IDS] = {"audit_next_ids",
                           "SELECT coalesce(array_agg(id ORDER BY id), '{}')::text, count(*), max(id::text) FROM"
                           " (SELECT id FROM cases WHERE ($1::text IS NULL OR agency_code = $1::text)"
                           " AND ($2::uuid IS NULL OR id > $2::uuid) ORDER BY id LIMIT $3::int) x"},
  [STMT_AUDIT_CHUNK] = {"audit_chunk", "SELECT * FROM ca_audit_chunk($1::bigint, $2, $3::uuid[], $4::date)"},
  [STMT_AUDIT_FINISH] = {"audit_finish",
                         "UPDATE audit_runs SET status = $2, error = $3, finished_at = now() WHERE id = $1::bigint"},
  [STMT_AUDIT_GET] = {"audit_get", "SELECT " AUDIT_RUN_JSON "::text FROM audit_runs WHERE id = $1::bigint"},
  [STMT_AUDIT_LIST] = {"audit_list",
                       "SELECT coalesce(jsonb_agg(" AUDIT_RUN_JSON " ORDER BY id DESC), '[]')::text"
                       " FROM (SELECT * FROM audit_runs ORDER BY id DESC LIMIT 100) r"},

  /* The audit report (sql/0013_report.sql). */
  [STMT_REPORT] = {"report", "SELECT ca_report($1, $2, $3::date, $4::date)::text"},

  [STMT_AGENCY_LIST] = {"agency_list", "SELECT code FROM agencies ORDER BY code"},
};

/* The statements prepared per set of filters in use (db_sql.h). */
const bool db_statement_by_filters[STMT__COUNT] = {
  [STMT_CASE_LIST_BY_ID] = true, [STMT_CASE_LIST_BY_SCORE] = true, [STMT_CASE_COUNT] = true,
  [STMT_FINDING_LIST] = true,    [STMT_FINDING_COUNT] = true,
};
