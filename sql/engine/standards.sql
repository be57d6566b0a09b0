-- Scoring standards (review-workflow.md "Scoring standards", docs/standards.md): a case scored under a standard of
-- the pack, set-based for a whole chunk. The standards themselves are validated by the daemon (daemon/standards.c)
-- and stored in the pack's body; ca_score_cases (evaluate.sql) stores each case's score under its agency's.

-- The rules a pack marks veto (its body's rules with "veto": true), for ca_standard_scores.
CREATE OR REPLACE FUNCTION ca_pack_veto(p_body jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(r.key ORDER BY r.key), '{}') FROM jsonb_each(p_body -> 'rules') r
   WHERE (r.value ->> 'veto')::boolean
$$;

-- p_standard: a standard as in the pack body; p_pack_veto: the rules the pack marks veto; p_ids: the cases.
-- sections: [{id, points, deducted, score}] in the standard's order ([] without sections); deducted is what the
-- section lost (its points - its score), so that the sections' scores add up to the score.
CREATE OR REPLACE FUNCTION ca_standard_scores(p_standard jsonb, p_pack_veto text[], p_ids uuid[])
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
