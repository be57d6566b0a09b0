-- standards.sql: checks sql/0028_standards.sql, ca_standard_scores: every rule of scoring of a standard (sections,
-- a section used up, caps, veto by the finding's own flag and by a listed rule, a rule in no section, no_error, the
-- four bands, what is not counted), and that the default standard scores exactly as ca_score_cases.
-- Run by tests/sql/run on a freshly migrated database (-v example=PATH: the example case record).

\set rec `cat :'example'`
BEGIN;

-- Ten cases: the example record under ten case numbers, no findings yet.
CREATE TEMP TABLE t_cases AS
SELECT n, (ca_store_case(jsonb_set(:'rec'::jsonb, '{case_no}', to_jsonb('STD-' || n)))).case_id AS id
  FROM generate_series(1, 10) AS n;

CREATE FUNCTION pg_temp.finding(p_n int, p_rule text, p_key text, p_points int, p_severity text, p_veto bool,
                                p_status text DEFAULT 'open') RETURNS void LANGUAGE sql AS $$
  INSERT INTO findings (case_id, rule_id, key, id, agency_code, rule_version, system, severity, points, veto, status,
                        message_zh, message_en, evidence, pack_id, first_seen_at, last_seen_at)
  SELECT c.id, p_rule, p_key, md5(c.id || '/' || p_rule || '/' || p_key)::uuid, k.agency_code, 1, 'documents',
         p_severity, p_points, p_veto, p_status, '测试', 'test', '{}', 'test-pack', now(), now()
    FROM t_cases c JOIN cases k ON k.id = c.id WHERE c.n = p_n
$$;

SELECT pg_temp.finding(2, 'D17', 'a', 2, 'warning', false), pg_temp.finding(2, 'D17', 'b', 2, 'warning', false),
       pg_temp.finding(2, 'D17', 'c', 2, 'warning', false);                 -- 6 points of D17, capped at 3
SELECT pg_temp.finding(3, 'A01', 'a', 25, 'warning', false), pg_temp.finding(3, 'A01', 'b', 25, 'warning', false);
                                                                           -- 50 points in a 40-point section
SELECT pg_temp.finding(4, 'R02', '', 10, 'warning', false);               -- a rule in no section
SELECT pg_temp.finding(5, 'R01', 'E1', 5, 'error', true);                 -- a gross R01: veto
SELECT pg_temp.finding(6, 'R01', 'E1', 5, 'error', false);                -- an R01 finding that is not gross
SELECT pg_temp.finding(7, 'D17', 'a', 2, 'warning', false);               -- D17, listed as veto by T2 only
SELECT pg_temp.finding(8, 'A01', 'a', 15, 'warning', false);              -- 85: good
SELECT pg_temp.finding(9, 'D17', 'a', 2, 'error', false, 'waived'),       -- not counted
       pg_temp.finding(9, 'A01', 'a', 30, 'warning', false, 'resolved');
SELECT pg_temp.finding(10, 'A01', 'a', 12, 'warning', false);             -- 88: default pass, T good

\set t '{"id": "t", "grades": [{"grade": "excellent", "min": 90}, {"grade": "good", "min": 80}, {"grade": "pass", "min": 60}, {"grade": "fail", "min": 0}], "sections": [{"id": "a", "points": 60, "rules": ["R01", "D17"]}, {"id": "b", "points": 40, "rules": ["A01"]}], "caps": {"D17": 3}, "veto": ["R01"], "items": []}'
\set t2 '{"id": "t2", "grades": [{"grade": "excellent", "min": 90}, {"grade": "fail", "min": 0}], "sections": [{"id": "a", "points": 100, "rules": ["D17"]}], "caps": {}, "veto": ["D17"], "items": []}'
\set dflt '{"id": "default", "grades": [{"grade": "excellent", "min": 90, "no_error": true}, {"grade": "pass", "min": 60}, {"grade": "fail", "min": 0}], "sections": [], "caps": {}, "veto": ["R01", "L01", "D01", "D02", "D06", "D13"], "items": []}'

CREATE TEMP TABLE t_want (n int, standard text, score int, grade text, sections jsonb);
INSERT INTO t_want VALUES
  (1, 't', 100, 'excellent', '[{"id": "a", "points": 60, "deducted": 0, "score": 60}, {"id": "b", "points": 40, "deducted": 0, "score": 40}]'),
  (2, 't', 97, 'excellent', '[{"id": "a", "points": 60, "deducted": 3, "score": 57}, {"id": "b", "points": 40, "deducted": 0, "score": 40}]'),
  (3, 't', 60, 'pass', '[{"id": "a", "points": 60, "deducted": 0, "score": 60}, {"id": "b", "points": 40, "deducted": 40, "score": 0}]'),
  (4, 't', 100, 'excellent', NULL),
  (5, 't', 95, 'fail', NULL),
  (6, 't', 95, 'excellent', NULL),
  (7, 't', 98, 'excellent', NULL),
  (8, 't', 85, 'good', NULL),
  (9, 't', 100, 'excellent', NULL),
  (10, 't', 88, 'good', NULL),
  (7, 't2', 98, 'fail', '[{"id": "a", "points": 100, "deducted": 2, "score": 98}]'),
  (2, 't2', 94, 'fail', NULL),
  (1, 't2', 100, 'excellent', NULL),
  (1, 'default', 100, 'excellent', '[]'),
  (2, 'default', 94, 'excellent', NULL),
  (3, 'default', 50, 'fail', NULL),
  (4, 'default', 90, 'excellent', NULL),
  (5, 'default', 95, 'fail', NULL),
  (6, 'default', 95, 'pass', NULL),                  -- an error finding: not excellent (no_error)
  (8, 'default', 85, 'pass', NULL),
  (9, 'default', 100, 'excellent', NULL),
  (10, 'default', 88, 'pass', NULL);

CREATE TEMP TABLE t_got AS
SELECT c.n, 't' AS standard, s.* FROM ca_standard_scores(:'t'::jsonb, ARRAY['R01','L01','D01','D02','D06','D13'],
                                                       (SELECT array_agg(id) FROM t_cases)) s JOIN t_cases c ON c.id = s.case_id
UNION ALL
SELECT c.n, 't2', s.* FROM ca_standard_scores(:'t2'::jsonb, ARRAY['R01','L01','D01','D02','D06','D13'],
                                              (SELECT array_agg(id) FROM t_cases)) s JOIN t_cases c ON c.id = s.case_id
UNION ALL
SELECT c.n, 'default', s.* FROM ca_standard_scores(:'dflt'::jsonb, ARRAY['R01','L01','D01','D02','D06','D13'],
                                                   (SELECT array_agg(id) FROM t_cases)) s JOIN t_cases c ON c.id = s.case_id;

DO $$
DECLARE w record; g record; bad text := '';
BEGIN
  IF (SELECT count(*) FROM t_got) <> 30 THEN
    RAISE EXCEPTION 'ca_standard_scores: % rows for 10 cases under 3 standards', (SELECT count(*) FROM t_got);
  END IF;
  FOR w IN SELECT * FROM t_want LOOP
    SELECT * INTO g FROM t_got WHERE n = w.n AND standard = w.standard;
    IF g.score IS DISTINCT FROM w.score OR g.grade IS DISTINCT FROM w.grade
       OR (w.sections IS NOT NULL AND g.sections IS DISTINCT FROM w.sections) THEN
      bad := bad || format(E'\n  case %s under %s: got %s %s %s, want %s %s %s', w.n, w.standard, g.score, g.grade,
                           g.sections, w.score, w.grade, coalesce(w.sections::text, '(any sections)'));
    END IF;
  END LOOP;
  IF bad <> '' THEN
    RAISE EXCEPTION 'ca_standard_scores:%', bad;
  END IF;
END $$;

-- The default standard is ca_score_cases: the same score and grade for every case.
SELECT ca_score_cases((SELECT array_agg(id) FROM t_cases), '{"excellent": 90, "pass": 60}');
DO $$
DECLARE d text;
BEGIN
  SELECT string_agg(format('case %s: ca_score_cases %s %s, default standard %s %s', t.n, c.score, c.grade, g.score,
                           g.grade), '; ')
    INTO d
    FROM t_cases t JOIN cases c ON c.id = t.id JOIN t_got g ON g.n = t.n AND g.standard = 'default'
   WHERE (c.score, c.grade) IS DISTINCT FROM (g.score, g.grade);
  IF d IS NOT NULL THEN
    RAISE EXCEPTION 'the default standard differs from ca_score_cases: %', d;
  END IF;
END $$;

-- Stored scores follow the agency's standard: a pack that scores the example's agency under t.
INSERT INTO rule_packs (id, version, body)
SELECT repeat('ab', 32), 'test', jsonb_build_object(
         'rules', (SELECT jsonb_object_agg(r, jsonb_build_object('veto', r = ANY (ARRAY['R01','L01','D01','D02','D06','D13'])))
                     FROM unnest(ARRAY['R01','R02','D17','A01','L01','D01','D02','D06','D13']) r),
         'grading', '{"excellent": 90, "pass": 60}'::jsonb,
         'standards', jsonb_build_object('default', :'dflt'::jsonb, 't', :'t'::jsonb),
         'standards_by_agency', jsonb_build_object(agency_code, 't'))
  FROM cases WHERE id = (SELECT id FROM t_cases WHERE n = 1);
UPDATE cases SET evaluated_pack = repeat('ab', 32) WHERE id IN (SELECT id FROM t_cases);
SELECT ca_score_cases((SELECT array_agg(id) FROM t_cases), '{"excellent": 90, "pass": 60}');
DO $$
DECLARE d text;
BEGIN
  SELECT string_agg(format('case %s: stored %s %s, want %s %s', t.n, c.score, c.grade, w.score, w.grade), '; ')
    INTO d
    FROM t_cases t JOIN cases c ON c.id = t.id JOIN t_want w ON w.n = t.n AND w.standard = 't'
   WHERE (c.score, c.grade) IS DISTINCT FROM (w.score, w.grade);
  IF d IS NOT NULL THEN
    RAISE EXCEPTION 'ca_score_cases under the agency''s standard t: %', d;
  END IF;
  IF (SELECT open_findings FROM cases WHERE id = (SELECT id FROM t_cases WHERE n = 2)) <> 3 THEN
    RAISE EXCEPTION 'open_findings is not the number of counted findings';
  END IF;
END $$;

-- The fourth grade can be stored.
UPDATE cases SET grade = 'good' WHERE id = (SELECT id FROM t_cases WHERE n = 8);
ROLLBACK;
