-- rules/P03/rule.sql: the one definition of rule P03 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- P03: after a decision change the publication is withdrawn within withdraw_wd working days -------------------
-- Scope: decision_change of any kind (revoked, changed, confirmed_illegal, void: 行政处罚法 art. 48 names all four)
-- with its date, on a decision that was published (published_on, or a withdrawn_on, on or before p_as_of). The
-- period runs from decision_change.on. A withdrawal dated after the audit date does not count as of that date.
-- Error when withdrawn after the deadline, or not withdrawn and the deadline passed before p_as_of; calendar gaps as
-- in P01.
CREATE OR REPLACE FUNCTION ca_rule_p03(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id, c.decision_change_kind AS change_kind, c.decision_change_on AS change_on,
           c.publication_published_on AS published_on, c.publication_withdrawn_on AS withdrawn_on,
           CASE WHEN c.publication_withdrawn_on <= p_as_of THEN c.publication_withdrawn_on END AS wd,
           greatest(least(ca_param(k.pp, c.sector, c.agency_code, 'withdraw_wd')::numeric, 100000), -100000)::int
             AS withdraw_wd
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'P03') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
       AND c.decision_change_kind IN ('revoked', 'changed', 'confirmed_illegal', 'void')
       AND c.decision_change_on IS NOT NULL
       AND coalesce(c.publication_published_on, c.publication_withdrawn_on) <= p_as_of
  ), due AS (
    SELECT x.change_on, x.withdraw_wd, r.day, r.gap
      FROM (SELECT DISTINCT c.change_on, c.withdraw_wd FROM c) x
      CROSS JOIN LATERAL ca_pr_due_rel(x.change_on, x.withdraw_wd) AS r
  ), d AS (
    SELECT c.*, due.day AS deadline, due.gap,
           CASE WHEN due.day IS NOT NULL AND c.wd > due.day THEN 'late'
                WHEN due.day IS NOT NULL AND c.wd IS NULL AND p_as_of > due.day THEN 'missing'
                WHEN due.day IS NULL AND coalesce(c.wd, p_as_of) > due.gap THEN 'calendar' END AS kind,
           CASE c.change_kind WHEN 'revoked' THEN '撤销' WHEN 'changed' THEN '变更'
                              WHEN 'confirmed_illegal' THEN '确认违法' ELSE '确认无效' END AS change_zh,
           CASE c.change_kind WHEN 'revoked' THEN 'revoked' WHEN 'changed' THEN 'changed'
                              WHEN 'confirmed_illegal' THEN 'confirmed illegal' ELSE 'declared void' END AS change_en
      FROM c
      JOIN due ON due.change_on = c.change_on AND due.withdraw_wd = c.withdraw_wd
  )
  SELECT d.id, '',
         CASE WHEN d.kind = 'calendar' THEN 'warning' ELSE 'error' END,
         false,
         jsonb_build_object(
           'change_kind', d.change_kind, 'change_kind_zh', d.change_zh, 'change_kind_en', d.change_en,
           'change_on', d.change_on,
           'deadline', d.deadline, 'published_on', d.published_on, 'withdrawn_on', d.withdrawn_on,
           'as_of', p_as_of, 'withdraw_wd', d.withdraw_wd,
           'detail_zh', CASE d.kind
             WHEN 'missing' THEN format('最迟应于%s撤回，截至%s未撤回', ca_pr_d(d.deadline), ca_pr_d(p_as_of))
             WHEN 'late' THEN format('最迟应于%s撤回，实际于%s撤回，已逾期', ca_pr_d(d.deadline), ca_pr_d(d.wd))
             ELSE format('工作日历缺少%s年的节假日安排，无法计算撤回期限，请导入后重新审查',
                         extract(year FROM d.gap)::int) END,
           'detail_en', CASE d.kind
             WHEN 'missing' THEN format('the deadline was %s and it was still not withdrawn on %s',
                                        ca_pr_d(d.deadline), ca_pr_d(p_as_of))
             WHEN 'late' THEN format('the deadline was %s but it was withdrawn on %s',
                                     ca_pr_d(d.deadline), ca_pr_d(d.wd))
             ELSE format('the working-day calendar has no data for %s, so the deadline cannot be computed; '
                         'load that year and audit again',
                         extract(year FROM d.gap)::int) END)
         || CASE WHEN d.kind = 'calendar'
                 THEN jsonb_build_object('calendar_missing_year', extract(year FROM d.gap)::int)
                 ELSE '{}'::jsonb END
    FROM d
   WHERE d.kind IS NOT NULL
$$;
