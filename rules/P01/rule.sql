-- rules/P01/rule.sql: the one definition of rule P01 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- P01: the penalty decision is published within publish_wd working days -------------------------------------
-- Scope: category penalty, procedure general, decided_on given, and a penalty decided (decision.outcome penalty or
-- absent: no_penalty, transfer and withdrawn decide no penalty to publish). warning_only_exempt (market profile)
-- skips cases whose penalties are all warnings (at least one). A publication dated after the audit date does not
-- count as of that date. Error: not published and the deadline passed before p_as_of; warning: published after
-- the deadline. When the calendar lacks a year the answer depends on: a warning with calendar_missing_year.
-- The deadline is computed once per distinct (decided_on, publish_wd), then joined back.
CREATE OR REPLACE FUNCTION ca_rule_p01(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id, c.decided_on, c.publication_published_on AS published_on,
           CASE WHEN c.publication_published_on <= p_as_of THEN c.publication_published_on END AS pub,
           greatest(least(ca_param(k.pp, c.sector, c.agency_code, 'publish_wd')::numeric, 100000), -100000)::int
             AS publish_wd,
           coalesce(ca_param(k.pp, c.sector, c.agency_code, 'warning_only_exempt')::bool, false) AS exempt
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'P01') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
       AND c.category = 'penalty' AND c.procedure = 'general' AND c.decided_on IS NOT NULL
       AND coalesce(c.decision_outcome, 'penalty') = 'penalty'
  ), pen AS MATERIALIZED (   -- per case: are all (final) penalties warnings?
    SELECT p.case_id, bool_and(p.kind IS NOT DISTINCT FROM 'warning') AS warning_only
      FROM case_penalties p
     WHERE p.case_id = ANY (p_ids) AND NOT p.notified
     GROUP BY p.case_id
  ), due AS (
    SELECT x.decided_on, x.publish_wd, r.day, r.gap
      FROM (SELECT DISTINCT c.decided_on, c.publish_wd FROM c) x
      CROSS JOIN LATERAL ca_pr_due_rel(x.decided_on, x.publish_wd) AS r
  ), d AS (
    SELECT c.*, due.day AS deadline, due.gap,
           CASE WHEN due.day IS NOT NULL AND c.pub > due.day THEN 'late'
                WHEN due.day IS NOT NULL AND c.pub IS NULL AND p_as_of > due.day THEN 'missing'
                WHEN due.day IS NULL AND coalesce(c.pub, p_as_of) > due.gap THEN 'calendar' END AS kind
      FROM c
      JOIN due ON due.decided_on = c.decided_on AND due.publish_wd = c.publish_wd
      LEFT JOIN pen ON pen.case_id = c.id
     WHERE NOT (c.exempt AND coalesce(pen.warning_only, false))
  )
  SELECT d.id, '',
         CASE d.kind WHEN 'missing' THEN 'error' ELSE 'warning' END,
         false,
         jsonb_build_object(
           'decided_on', d.decided_on, 'deadline', d.deadline, 'published_on', d.published_on, 'as_of', p_as_of,
           'publish_wd', d.publish_wd, 'warning_only_exempt', d.exempt,
           'detail_zh', CASE d.kind
             WHEN 'missing' THEN format('最迟应于%s公示，截至%s未公示', ca_pr_d(d.deadline), ca_pr_d(p_as_of))
             WHEN 'late' THEN format('最迟应于%s公示，实际于%s公示，已逾期', ca_pr_d(d.deadline), ca_pr_d(d.pub))
             ELSE format('工作日历缺少%s年的节假日安排，无法计算公示期限，请导入后重新审查',
                         extract(year FROM d.gap)::int) END,
           'detail_en', CASE d.kind
             WHEN 'missing' THEN format('the deadline was %s and it was still unpublished on %s',
                                        ca_pr_d(d.deadline), ca_pr_d(p_as_of))
             WHEN 'late' THEN format('the deadline was %s but it was published on %s',
                                     ca_pr_d(d.deadline), ca_pr_d(d.pub))
             ELSE format('the working-day calendar has no data for %s, so the deadline cannot be computed; '
                         'load that year and audit again',
                         extract(year FROM d.gap)::int) END)
         || CASE WHEN d.kind = 'calendar'
                 THEN jsonb_build_object('calendar_missing_year', extract(year FROM d.gap)::int)
                 ELSE '{}'::jsonb END
    FROM d
   WHERE d.kind IS NOT NULL
$$;
