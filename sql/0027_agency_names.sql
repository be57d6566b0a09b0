-- 0027: agencies by name wherever a person reads them (issue #15): `agency_name` beside `agency` in the statistics,
-- the case listing and detail, the findings (listing, detail, a case's findings) and so in their CSV. The code stays
-- the key; the name is the one of the agencies table, which is the name of the agency's last stored record
-- (ca_store_batch), so a renamed agency shows its new name everywhere at once.
--
-- A finding's stored document (findings.doc, sql/0022) does not carry the name: a rename would leave every stored
-- document stale. The name is added when a finding is read: ca_finding_api_json for the JSON of a finding,
-- ca_finding_listing_doc for the listing, which prints the stored text and appends the name to it (the listing's
-- speed is printing stored text, sql/0022). Both give the same members; tests/sql/agency_names.sql checks it.

CREATE FUNCTION ca_agency_name(p_code text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT name FROM agencies WHERE code = p_code
$$;

-- A finding as the API shows it: its stored shape (ca_finding_json) and its agency's name.
CREATE FUNCTION ca_finding_api_json(f findings) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
  SELECT ca_finding_json(f) || jsonb_build_object('agency_name', ca_agency_name(f.agency_code))
$$;

-- The stored document of a finding (a JSON object's text) with its agency's name appended: the listing's row.
CREATE FUNCTION ca_finding_listing_doc(p_doc text, p_agency text) RETURNS text
    LANGUAGE sql STABLE AS $$
  SELECT left(p_doc, -1) || ', "agency_name": ' || coalesce(to_jsonb(ca_agency_name(p_agency))::text, 'null') || '}'
$$;

CREATE OR REPLACE FUNCTION ca_case_findings_json(p_case uuid) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
  SELECT coalesce(jsonb_agg(ca_finding_api_json(f) ORDER BY f.status = 'resolved', f.rule_id, f.key), '[]'::jsonb)
    FROM findings f WHERE f.case_id = p_case
$$;

CREATE OR REPLACE FUNCTION ca_finding_detail_json(p_finding uuid) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
  SELECT ca_finding_api_json(f)
         || jsonb_build_object('reviews',
              (SELECT coalesce(jsonb_agg(r.payload::jsonb || jsonb_build_object('hash', r.hash) ORDER BY r.seq),
                               '[]'::jsonb)
                 FROM review_log r WHERE r.finding_id = f.id))
    FROM findings f WHERE f.id = p_finding
$$;

CREATE OR REPLACE FUNCTION ca_case_json(p_case uuid, with_record bool) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
           'id', c.id, 'agency', c.agency_code, 'agency_name', ca_agency_name(c.agency_code),
           'case_no', c.case_no, 'version', c.version,
           'score', c.score, 'grade', c.grade,
           'received_at', to_char(c.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'updated_at', to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'findings', ca_case_findings_json(c.id))
         || CASE WHEN with_record THEN jsonb_build_object('record', c.record) ELSE '{}'::jsonb END
    FROM cases c WHERE c.id = p_case
$$;

-- The statistics of sql/0011 with the agency's name in each agency's entry.
CREATE OR REPLACE FUNCTION ca_stats(p_pack text, p_agencies text[], p_from date, p_to date) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
  WITH sc AS (
    SELECT c.* FROM cases c
     WHERE (p_agencies IS NULL OR c.agency_code = ANY (p_agencies))
       AND (p_from IS NULL OR c.filed_on >= p_from) AND (p_to IS NULL OR c.filed_on <= p_to)
  ), counted AS (
    SELECT f.* FROM findings f JOIN sc ON sc.id = f.case_id WHERE f.status IN ('open', 'acknowledged')
  ), mandatory AS (
    SELECT sc.agency_code, e.case_id, e.event_id
      FROM sc JOIN case_events e ON e.case_id = sc.id
     WHERE ca_rule_params(p_pack, 'R01') -> 'default' -> 'types' ? e.type
  ), per_agency AS (
    SELECT a.code AS agency, a.name AS agency_name,
      (SELECT count(*) FROM sc WHERE sc.agency_code = a.code) AS cases,
      (SELECT count(*) FROM sc WHERE sc.agency_code = a.code AND sc.open_findings > 0) AS flagged,
      (SELECT round(avg(sc.score), 2) FROM sc WHERE sc.agency_code = a.code) AS average_score,
      (SELECT jsonb_build_object('excellent', count(*) FILTER (WHERE grade = 'excellent'),
                                 'good', count(*) FILTER (WHERE grade = 'good'),
                                 'pass', count(*) FILTER (WHERE grade = 'pass'),
                                 'fail', count(*) FILTER (WHERE grade = 'fail'))
         FROM sc WHERE sc.agency_code = a.code) AS grades,
      (SELECT coalesce(jsonb_object_agg(system, n), '{}') FROM
         (SELECT system, count(*) AS n FROM counted WHERE counted.agency_code = a.code GROUP BY system) x)
        AS findings_by_system,
      (SELECT coalesce(jsonb_object_agg(rule_id, n), '{}') FROM
         (SELECT rule_id, count(*) AS n FROM counted WHERE counted.agency_code = a.code GROUP BY rule_id) x)
        AS findings_by_rule,
      (SELECT jsonb_build_object('events', count(*),
                'covered', count(*) FILTER (WHERE NOT EXISTS (
                  SELECT 1 FROM counted f WHERE f.case_id = m.case_id AND f.rule_id = 'R01' AND f.key = m.event_id)))
         FROM mandatory m WHERE m.agency_code = a.code) AS av,
      (SELECT jsonb_build_object('decisions', count(*),
                'reviewed', count(*) FILTER (WHERE NOT EXISTS (
                  SELECT 1 FROM counted f WHERE f.case_id = sc.id AND f.rule_id = 'L01')))
         FROM sc WHERE sc.agency_code = a.code
          AND (sc.decision_major OR sc.decision_complex OR sc.hearing_held_on IS NOT NULL)) AS lr,
      (SELECT jsonb_build_object('decisions', count(*),
                'on_time', count(*) FILTER (WHERE NOT EXISTS (
                  SELECT 1 FROM counted f WHERE f.case_id = sc.id AND f.rule_id = 'P01')))
         FROM sc WHERE sc.agency_code = a.code AND sc.category = 'penalty' AND sc.procedure = 'general'
          AND sc.decided_on IS NOT NULL) AS pub,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'case_no', case_no, 'score', score, 'grade', grade)
                                 ORDER BY score DESC, id), '[]')
         FROM (SELECT * FROM sc WHERE sc.agency_code = a.code ORDER BY score DESC, id LIMIT 5) b) AS best,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'case_no', case_no, 'score', score, 'grade', grade)
                                 ORDER BY score, id), '[]')
         FROM (SELECT * FROM sc WHERE sc.agency_code = a.code ORDER BY score, id LIMIT 5) w) AS worst
    FROM agencies a
    WHERE (p_agencies IS NULL OR a.code = ANY (p_agencies))
      AND EXISTS (SELECT 1 FROM sc WHERE sc.agency_code = a.code)
  )
  SELECT jsonb_build_object(
    'from', p_from, 'to', p_to,
    'agencies', coalesce(jsonb_agg(jsonb_build_object(
      'agency', agency, 'agency_name', agency_name, 'cases', cases, 'flagged_cases', flagged, 'average_score', average_score,
      'grades', grades, 'findings_by_system', findings_by_system, 'findings_by_rule', findings_by_rule,
      'av_coverage', av || jsonb_build_object('rate', CASE WHEN (av ->> 'events')::int > 0
                          THEN round((av ->> 'covered')::numeric / (av ->> 'events')::int, 4) END),
      'legal_review_coverage', lr || jsonb_build_object('rate', CASE WHEN (lr ->> 'decisions')::int > 0
                          THEN round((lr ->> 'reviewed')::numeric / (lr ->> 'decisions')::int, 4) END),
      'publication_on_time', pub || jsonb_build_object('rate', CASE WHEN (pub ->> 'decisions')::int > 0
                          THEN round((pub ->> 'on_time')::numeric / (pub ->> 'decisions')::int, 4) END),
      'best_cases', best, 'worst_cases', worst) ORDER BY agency), '[]'))
  FROM per_agency
$$;
