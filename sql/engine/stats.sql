-- sql/engine/stats.sql: GET /api/v1/stats: counts of findings and cases by agency, system, rule and grade.
-- Engine file: one current definition of each function, applied by `caseaudit migrate` after the numbered
-- migrations and again whenever this file changes (its SHA-256 is recorded in schema_engine; see
-- docs/schema.md). CREATE OR REPLACE only: it runs on new databases and on databases that have it already.

-- Statistics of the cases filed in [p_from, p_to] of the agencies p_agencies (NULL: every agency), per agency.
-- Coverage figures come from the findings of the rules that check them, so they agree with the audit:
--   av_coverage          mandatory-recording events (R01 types) without an open R01 finding / all such events
--   legal_review_coverage  major decisions (decision.major, decision.complex or a hearing held) without an open
--                        L01 finding / all major decisions
--   publication_on_time  decided general-procedure penalty cases without an open P01 finding / all of them
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
