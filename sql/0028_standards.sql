-- 0028: scoring standards (评查标准, review-workflow.md "Scoring standards"; issue #17).
--
-- A standard is a file of the rule pack (rules/standards/ID.json), validated whole by the daemon when the pack
-- loads (daemon/standards.c) and stored with the pack's body (rule_packs.body -> 'standards'). This migration adds
-- the fourth grade (良好, 'good') that sectioned standards use, and the one function that scores cases under a
-- standard, set-based: all the cases of an audit chunk in one statement, never case by case.
--
-- Score: with sections, the sum over sections of max(0, section points - the deductions of the rules placed in it);
-- without sections (the default standard) max(0, 100 - every deduction), as rules.md scores. A rule deducts the
-- points of its counted (open or acknowledged) findings, all of one rule's findings in one case at most caps[rule];
-- a rule in no section of a sectioned standard deducts nothing (不在标准内的不计分).
-- Grade: a counted finding of a rule the standard lists in veto fails the case (a rule the pack itself marks veto
-- vetoes by its finding's own flag, as today: D13 only for its gross findings; any other listed rule by every
-- counted finding); otherwise the first band, in the standard's order, whose min <= score and, when the band says
-- no_error, that has no counted error finding.
-- The default standard (no sections, pack.json's bands with no_error on excellent, the pack's veto rules) gives
-- exactly the scores and grades of ca_score_cases as it was (0004): tests/sql/standards.sql on every rule of
-- scoring, and on 20,000 generated cases (bench/generate --seed 7, audited as of 2026-06-01) every case's score,
-- grade and open findings recomputed by this ca_score_cases equalled the old one's (docs/standards.md).

ALTER TABLE cases DROP CONSTRAINT cases_grade_check;
ALTER TABLE cases ADD CONSTRAINT cases_grade_check CHECK (grade IN ('excellent', 'good', 'pass', 'fail'));

-- The rules a pack marks veto (its body's rules with "veto": true), for ca_standard_scores.
CREATE FUNCTION ca_pack_veto(p_body jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(r.key ORDER BY r.key), '{}') FROM jsonb_each(p_body -> 'rules') r
   WHERE (r.value ->> 'veto')::boolean
$$;

-- p_standard: a standard as in the pack body; p_pack_veto: the rules the pack marks veto; p_ids: the cases.
-- sections: [{id, points, deducted, score}] in the standard's order ([] without sections); deducted is what the
-- section lost (its points - its score), so that the sections' scores add up to the score.
CREATE FUNCTION ca_standard_scores(p_standard jsonb, p_pack_veto text[], p_ids uuid[])
    RETURNS TABLE (case_id uuid, score int, grade text, veto boolean, sections jsonb, counted int)
    LANGUAGE sql STABLE AS $$
  WITH sec AS (
    SELECT s.ord, s.v ->> 'id' AS id, (s.v ->> 'points')::int AS points, s.v -> 'rules' AS rules
      FROM jsonb_array_elements(p_standard -> 'sections') WITH ORDINALITY AS s(v, ord)
  ), placed AS (
    SELECT r.rule, sec.id AS section FROM sec, jsonb_array_elements_text(sec.rules) AS r(rule)
  ), per_rule AS (
    SELECT f.case_id, f.rule_id,
           CASE WHEN p_standard -> 'caps' ? f.rule_id
                THEN least(sum(f.points), (p_standard -> 'caps' ->> f.rule_id)::int) ELSE sum(f.points) END AS ded,
           bool_or(f.severity = 'error') AS has_error,
           bool_or(p_standard -> 'veto' ? f.rule_id AND (f.veto OR f.rule_id <> ALL (p_pack_veto))) AS veto,
           count(*) AS n
      FROM findings f
     WHERE f.case_id = ANY (p_ids) AND f.status IN ('open', 'acknowledged')
     GROUP BY f.case_id, f.rule_id
  ), per_case AS (
    SELECT pr.case_id, sum(pr.ded) AS ded, bool_or(pr.has_error) AS has_error, bool_or(pr.veto) AS veto,
           sum(pr.n)::int AS n
      FROM per_rule pr GROUP BY pr.case_id
  ), per_section AS (
    SELECT x.id AS case_id, sec.ord, sec.id, sec.points,
           least(sec.points, coalesce(sum(pr.ded), 0))::int AS deducted
      FROM unnest(p_ids) AS x(id)
      CROSS JOIN sec
      LEFT JOIN placed pl ON pl.section = sec.id
      LEFT JOIN per_rule pr ON pr.case_id = x.id AND pr.rule_id = pl.rule
     GROUP BY x.id, sec.ord, sec.id, sec.points
  ), by_section AS (
    SELECT ps.case_id, sum(ps.points - ps.deducted)::int AS score,
           jsonb_agg(jsonb_build_object('id', ps.id, 'points', ps.points, 'deducted', ps.deducted,
                                        'score', ps.points - ps.deducted) ORDER BY ps.ord) AS sections
      FROM per_section ps GROUP BY ps.case_id
  ), scored AS (
    SELECT x.id AS case_id,
           CASE WHEN bs.case_id IS NULL THEN greatest(0, 100 - coalesce(pc.ded, 0))::int ELSE bs.score END AS score,
           coalesce(pc.has_error, false) AS has_error, coalesce(pc.veto, false) AS veto,
           coalesce(bs.sections, '[]'::jsonb) AS sections, coalesce(pc.n, 0) AS n
      FROM unnest(p_ids) AS x(id)
      LEFT JOIN per_case pc ON pc.case_id = x.id
      LEFT JOIN by_section bs ON bs.case_id = x.id
  ), bands AS (
    SELECT g.ord, g.v ->> 'grade' AS grade, (g.v ->> 'min')::int AS min,
           coalesce((g.v ->> 'no_error')::boolean, false) AS no_error
      FROM jsonb_array_elements(p_standard -> 'grades') WITH ORDINALITY AS g(v, ord)
  )
  SELECT s.case_id, s.score,
         CASE WHEN s.veto THEN 'fail'
              ELSE coalesce((SELECT b.grade FROM bands b
                              WHERE b.min <= s.score AND NOT (b.no_error AND s.has_error)
                              ORDER BY b.ord LIMIT 1), 'fail') END,
         s.veto, s.sections, s.n
    FROM scored s
$$;

-- The stored score, grade and open findings of the cases p_ids: each under its agency's standard
-- (standards_by_agency, else default) of the pack it was evaluated with (cases.evaluated_pack), one
-- ca_standard_scores call per pack and standard among them. A case whose pack has no standards (one stored before
-- this migration, or none) is scored as ca_score_cases scored until now: the bands of p_grading (pack.json's
-- grading), and veto by the findings' own flags. Rows already right are not written.
CREATE OR REPLACE FUNCTION ca_score_cases(p_ids uuid[], p_grading jsonb) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
  g record;
  v_standard jsonb;
  v_veto text[];
BEGIN
  FOR g IN
    SELECT c.evaluated_pack AS pack, coalesce(p.body -> 'standards_by_agency' ->> c.agency_code, 'default') AS sid,
           array_agg(c.id) AS ids
      FROM cases c LEFT JOIN rule_packs p ON p.id = c.evaluated_pack
     WHERE c.id = ANY (p_ids)
     GROUP BY 1, 2
  LOOP
    SELECT p.body -> 'standards' -> g.sid, ca_pack_veto(p.body) INTO v_standard, v_veto
      FROM rule_packs p WHERE p.id = g.pack;
    IF v_standard IS NULL THEN
      SELECT coalesce(array_agg(DISTINCT f.rule_id), '{}') INTO v_veto
        FROM findings f WHERE f.case_id = ANY (g.ids) AND f.veto;
      v_standard := jsonb_build_object(
        'grades', jsonb_build_array(
          jsonb_build_object('grade', 'excellent', 'min', coalesce((p_grading ->> 'excellent')::int, 90),
                             'no_error', true),
          jsonb_build_object('grade', 'pass', 'min', coalesce((p_grading ->> 'pass')::int, 60)),
          jsonb_build_object('grade', 'fail', 'min', 0)),
        'sections', '[]'::jsonb, 'caps', '{}'::jsonb, 'veto', to_jsonb(v_veto));
    END IF;
    UPDATE cases c
       SET score = s.score, grade = s.grade, open_findings = s.counted
      FROM ca_standard_scores(v_standard, v_veto, g.ids) s
     WHERE c.id = s.case_id
       AND (c.score, c.grade, c.open_findings) IS DISTINCT FROM (s.score, s.grade, s.counted);
  END LOOP;
END;
$$;
