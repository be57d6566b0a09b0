-- sql/engine/report.sql: The audit report of one agency and period (caseaudit report; GET /api/v1/report).
-- Engine file: one current definition of each function, applied by `caseaudit migrate` after the numbered
-- migrations and again whenever this file changes (its SHA-256 is recorded in schema_engine; see
-- docs/schema.md). CREATE OR REPLACE only: it runs on new databases and on databases that have it already.

-- {agency, agency_name, from, to, previous: {from, to}, pack_version, current: <ca_stats agency entry>,
--  previous_stats: <same for the previous period>, rules: {"P01": {"title_zh", "title_en", "system", "severity"}},
--  serious_cases: the ten cases with the most serious counted findings (veto first, then points)}
CREATE OR REPLACE FUNCTION ca_report(p_pack text, p_agency text, p_from date, p_to date) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
  WITH period AS (
    SELECT p_from AS f, p_to AS t, (p_from - (p_to - p_from + 1)) AS pf, (p_from - 1) AS pt
  ), cur AS (
    SELECT ca_stats(p_pack, ARRAY[p_agency], p.f, p.t) -> 'agencies' -> 0 AS s FROM period p
  ), prev AS (
    SELECT ca_stats(p_pack, ARRAY[p_agency], p.pf, p.pt) -> 'agencies' -> 0 AS s FROM period p
  ), serious AS (
    SELECT c.id, c.case_no, c.score, c.grade, c.party_name,
           bool_or(f.veto) AS veto, sum(f.points) AS points,
           jsonb_agg(jsonb_build_object('rule', f.rule_id, 'severity', f.severity, 'veto', f.veto,
                                        'message', f.message_zh) ORDER BY f.veto DESC, f.points DESC, f.rule_id)
             AS findings
      FROM cases c JOIN findings f ON f.case_id = c.id AND f.status IN ('open', 'acknowledged')
     WHERE c.agency_code = p_agency AND c.filed_on BETWEEN p_from AND p_to
     GROUP BY c.id
     ORDER BY bool_or(f.veto) DESC, sum(f.points) DESC, c.id
     LIMIT 10
  )
  SELECT jsonb_build_object(
    'agency', p_agency,
    'agency_name', (SELECT name FROM agencies WHERE code = p_agency),
    'from', p_from, 'to', p_to,
    'previous', (SELECT jsonb_build_object('from', pf, 'to', pt) FROM period),
    'pack_version', (SELECT version FROM rule_packs WHERE id = p_pack),
    'generated_at', to_char(now(), 'YYYY-MM-DD HH24:MI'),
    'current', coalesce((SELECT s FROM cur), '{}'),
    'previous_stats', coalesce((SELECT s FROM prev), '{}'),
    'rules', (SELECT coalesce(jsonb_object_agg(r.key, jsonb_build_object(
                'title_zh', r.value #>> '{title,zh}', 'title_en', r.value #>> '{title,en}',
                'system', r.value ->> 'system', 'severity', r.value ->> 'severity')), '{}')
                FROM rule_packs p, jsonb_each(p.body -> 'rules') r WHERE p.id = p_pack),
    'serious_cases', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'case_no', case_no, 'score', score,
                        'grade', grade, 'party_name', party_name, 'veto', veto, 'points', points,
                        'findings', findings) ORDER BY veto DESC, points DESC, id), '[]') FROM serious))
$$;
