-- rules/L02/rule.sql: the one definition of rule L02 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- L02: the last review is approved, before the decision; rejections are followed by an approval ---------------
-- One window pass over the reviews of decided cases gives, per review, its position from the end and whether it is
-- a rejected / revise opinion that no later approval (later in order and not dated earlier) follows.
CREATE OR REPLACE FUNCTION ca_rule_l02(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH r AS (
    SELECT r.case_id, r.ord, r.opinion, r.reviewed_on,
           row_number() OVER w AS rn,
           r.opinion IN ('rejected', 'revise')
             AND NOT coalesce(bool_or(r.opinion = 'approved') OVER later
                              AND (r.reviewed_on IS NULL
                                   OR bool_or(r.opinion = 'approved' AND r.reviewed_on IS NULL) OVER later
                                   OR max(r.reviewed_on) FILTER (WHERE r.opinion = 'approved') OVER later
                                        >= r.reviewed_on), false) AS unresolved
      FROM case_legal_reviews r
     WHERE r.case_id = ANY (p_ids)
    WINDOW w AS (PARTITION BY r.case_id ORDER BY r.ord DESC),
           later AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
  ), g AS (
    SELECT r.case_id, count(*) AS n, max(r.ord) AS last_ord,
           min(r.opinion) FILTER (WHERE r.rn = 1) AS last_opinion,
           min(r.reviewed_on) FILTER (WHERE r.rn = 1) AS last_reviewed_on,
           array_agg(r.ord) FILTER (WHERE r.unresolved AND r.rn > 1) AS unresolved
      FROM r
     GROUP BY r.case_id
  ), f AS MATERIALIZED (
    SELECT c.id, c.decided_on, g.n, g.last_ord, g.last_opinion, g.last_reviewed_on,
           CASE WHEN g.last_opinion = 'approved' THEN g.unresolved END AS unresolved
      FROM cases c
      JOIN g ON g.case_id = c.id
     WHERE c.id = ANY (p_ids)
       AND c.decided_on IS NOT NULL
       AND c.decision_outcome IS DISTINCT FROM 'withdrawn'
       AND (g.last_opinion IS DISTINCT FROM 'approved' OR g.last_reviewed_on IS NULL
            OR g.last_reviewed_on > c.decided_on OR g.unresolved IS NOT NULL)
  ), u AS (
    -- the texts of the unresolved opinions (few rows)
    SELECT f.id,
           string_agg(format('第%s次审核（%s）意见为“%s”', r.ord, coalesce(ca_ra_d(r.reviewed_on), '日期未记载'),
                             ca_ra_opinion_zh(r.opinion)), '，' ORDER BY r.ord) AS zh,
           string_agg(format('review %s (%s) said %s', r.ord, coalesce(ca_ra_d(r.reviewed_on), 'undated'), r.opinion),
                      ', ' ORDER BY r.ord) AS en
      FROM f
      JOIN case_legal_reviews r ON r.case_id = f.id AND r.ord = ANY (f.unresolved)
     WHERE f.unresolved IS NOT NULL
     GROUP BY f.id
  )
  SELECT f.id, '', 'error', false,
         jsonb_build_object(
           'decided_on', f.decided_on, 'reviews', f.n,
           'last_review', f.last_ord, 'last_opinion', f.last_opinion, 'last_reviewed_on', f.last_reviewed_on,
           'unresolved_reviews', to_jsonb(f.unresolved),
           'problems', to_jsonb(p.codes),
           'problems_zh', array_to_string(p.zh, '；'), 'problems_en', array_to_string(p.en, '; '))
    FROM f
    LEFT JOIN u ON u.id = f.id
    CROSS JOIN LATERAL (
      SELECT array_agg(x.code ORDER BY x.o) AS codes, array_agg(x.zh ORDER BY x.o) AS zh,
             array_agg(x.en ORDER BY x.o) AS en
        FROM (VALUES
          (1, f.last_opinion IS DISTINCT FROM 'approved', 'not_approved',
              format('最后一次法制审核（第%s次，%s）意见为“%s”，未经审核通过即于%s作出决定', f.last_ord,
                     coalesce(ca_ra_d(f.last_reviewed_on), '日期未记载'), ca_ra_opinion_zh(f.last_opinion),
                     ca_ra_d(f.decided_on)),
              format('the last legal review (no. %s, %s) said %s, yet the decision was made on %s without an approval',
                     f.last_ord, coalesce(ca_ra_d(f.last_reviewed_on), 'undated'), coalesce(f.last_opinion, 'nothing'),
                     ca_ra_d(f.decided_on))),
          (2, f.last_opinion = 'approved' AND f.last_reviewed_on IS NULL, 'approval_undated',
              format('审核通过的日期未记载，无法确认审核先于%s的决定', ca_ra_d(f.decided_on)),
              format('the approval is undated, so it cannot be shown to precede the decision of %s',
                     ca_ra_d(f.decided_on))),
          (3, f.last_opinion = 'approved' AND f.last_reviewed_on > f.decided_on, 'approved_after_decision',
              format('审核通过日期%s晚于决定日期%s', ca_ra_d(f.last_reviewed_on), ca_ra_d(f.decided_on)),
              format('the approval of %s came after the decision of %s', ca_ra_d(f.last_reviewed_on),
                     ca_ra_d(f.decided_on))),
          (4, f.unresolved IS NOT NULL, 'rejection_not_followed',
              format('%s，而其后记录的审核通过日期（%s）早于该意见，未见修改后再次审核通过', u.zh,
                     coalesce(ca_ra_d(f.last_reviewed_on), '未记载')),
              format('%s, but the approval recorded after it is dated earlier (%s): no approval followed the '
                     'correction', u.en, coalesce(ca_ra_d(f.last_reviewed_on), 'undated')))
        ) AS x(o, hit, code, zh, en)
       WHERE x.hit
    ) p
$$;
