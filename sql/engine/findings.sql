-- sql/engine/findings.sql: A finding's JSON document (stored with it by the trigger zz_findings_doc) and the case's
-- and detail views of it. Engine file: one current definition of each function, applied by `caseaudit migrate` after
-- the numbered migrations and again whenever this file changes (its SHA-256 is recorded in schema_engine; see
-- docs/schema.md). CREATE OR REPLACE only: it runs on new databases and on databases that have it already.

-- The findings of a case as the API shows them.
CREATE OR REPLACE FUNCTION ca_finding_json(f findings) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', f.id, 'case_id', f.case_id, 'agency', f.agency_code,
    'case_no', (SELECT case_no FROM cases WHERE id = f.case_id),
    'rule', f.rule_id, 'rule_version', f.rule_version, 'system', f.system, 'severity', f.severity,
    'points', f.points, 'veto', f.veto, 'status', f.status, 'key', f.key,
    'message', jsonb_build_object('zh', f.message_zh, 'en', f.message_en), 'evidence', f.evidence,
    'first_seen_at', to_char(f.first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'last_seen_at', to_char(f.last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'resolved_at', to_char(f.resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'waived_until', f.waived_until)
$$;

CREATE OR REPLACE FUNCTION ca_agency_name(p_code text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT name FROM agencies WHERE code = p_code
$$;

-- A finding as the API shows it: its stored shape (ca_finding_json) and its agency's name.
CREATE OR REPLACE FUNCTION ca_finding_api_json(f findings) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
  SELECT ca_finding_json(f) || jsonb_build_object('agency_name', ca_agency_name(f.agency_code))
$$;

-- The stored document of a finding (a JSON object's text) with its agency's name appended: the listing's row.
CREATE OR REPLACE FUNCTION ca_finding_listing_doc(p_doc text, p_agency text) RETURNS text
    LANGUAGE sql STABLE AS $$
  SELECT left(p_doc, -1) || ', "agency_name": ' || coalesce(to_jsonb(ca_agency_name(p_agency))::text, 'null') || '}'
$$;

CREATE OR REPLACE FUNCTION ca_case_findings_json(p_case uuid) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
  SELECT coalesce(jsonb_agg(ca_finding_api_json(f) ORDER BY f.status = 'resolved', f.rule_id, f.key), '[]'::jsonb)
    FROM findings f WHERE f.case_id = p_case
$$;

CREATE OR REPLACE FUNCTION ca_findings_doc() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.doc := ca_finding_json(NEW)::text;
  RETURN NEW;
END;
$$;

-- Named to sort after any other BEFORE trigger on findings (PostgreSQL fires them in name order), so that the
-- document is made from the row as it will be stored. Here, beside its function, and not in sql/0022 (which added
-- the column): a trigger needs its function, and the functions are applied after the migrations.
CREATE OR REPLACE TRIGGER zz_findings_doc BEFORE INSERT OR UPDATE ON findings
    FOR EACH ROW EXECUTE FUNCTION ca_findings_doc();

-- A finding with its review history (for GET /api/v1/findings/{id}).
CREATE OR REPLACE FUNCTION ca_finding_detail_json(p_finding uuid) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
  SELECT ca_finding_api_json(f)
         || jsonb_build_object('reviews',
              (SELECT coalesce(jsonb_agg(r.payload::jsonb || jsonb_build_object('hash', r.hash) ORDER BY r.seq),
                               '[]'::jsonb)
                 FROM review_log r WHERE r.finding_id = f.id))
    FROM findings f WHERE f.id = p_finding
$$;
