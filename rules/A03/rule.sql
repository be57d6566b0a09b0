-- rules/A03/rule.sql: the one definition of rule A03 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- A03: a closed case is archived within N working days of closed_on ----------------------------------------
-- The deadline is the archive_wd-th working day after closed_on (ca_add_workdays semantics), computed by a join to
-- calendar_ordinals that yields NULL instead of raising when the calendar does not reach it. Late when archived_on
-- (or, not archived yet, the audit date) is after the deadline. When the deadline is not computable and the case
-- could be late (the reference date is more than N days after closing and lies beyond the loaded calendar), one
-- warning with calendar_missing_year is emitted instead.
CREATE OR REPLACE FUNCTION ca_rule_a03(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS (
    SELECT c.id, c.closed_on, c.archived_on, coalesce(c.archived_on, p_as_of) AS ref,
           ca_ra_count(ca_param(k.pp, c.sector, c.agency_code, 'archive_wd')) AS n
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'A03') AS pp OFFSET 0) k  -- OFFSET 0: evaluated once, not per row
     WHERE c.id = ANY (p_ids)
       AND c.closed_on IS NOT NULL
  ), d AS (
    SELECT c.*, w.day AS deadline
      FROM c
      LEFT JOIN calendar_ordinals o ON o.day = c.closed_on
      LEFT JOIN calendar_ordinals w
             ON w.working
            AND w.ordinal = o.ordinal + c.n + CASE WHEN c.n = 0 AND NOT o.working THEN 1 ELSE 0 END
            AND w.run_start = o.run_start
     WHERE c.n IS NOT NULL
       AND c.ref > c.closed_on + c.n   -- the deadline is at least n days after closing: earlier is never late
  )
  SELECT d.id, '', 'warning', false,
         jsonb_build_object(
           'closed_on', d.closed_on, 'archived_on', d.archived_on, 'deadline', d.deadline, 'archive_wd', d.n,
           'as_of', CASE WHEN d.archived_on IS NULL THEN p_as_of END,
           'detail_zh', format('应于%s前（结案后%s个工作日内）归档，', ca_ra_d(d.deadline), d.n)
                        || CASE WHEN d.archived_on IS NOT NULL THEN format('实际于%s归档', ca_ra_d(d.archived_on))
                                ELSE format('截至%s仍未归档', ca_ra_d(p_as_of)) END,
           'detail_en', format('it was due for archiving by %s (%s working days after closing) ', ca_ra_d(d.deadline), d.n)
                        || CASE WHEN d.archived_on IS NOT NULL THEN format('and was archived on %s', ca_ra_d(d.archived_on))
                                ELSE format('and is still not archived as of %s', ca_ra_d(p_as_of)) END)
    FROM d
   WHERE d.deadline IS NOT NULL AND d.ref > d.deadline
  UNION ALL
  SELECT d.id, '', 'warning', false,
         jsonb_build_object(
           'closed_on', d.closed_on, 'archived_on', d.archived_on, 'archive_wd', d.n,
           'calendar_missing_year', extract(year FROM g.gap)::int,
           'detail_zh', format('归档期限（结案后%s个工作日）无法计算：工作日历缺少%s年的节假日安排，请加载该年度数据',
                               d.n, extract(year FROM g.gap)),
           'detail_en', format('the archiving deadline (%s working days after closing) cannot be computed: the '
                               'working-day calendar has no data for %s', d.n, extract(year FROM g.gap)))
    FROM d
    CROSS JOIN LATERAL ca_calendar_gap_rel(d.closed_on, d.ref) g
   WHERE d.deadline IS NULL AND g.gap IS NOT NULL
$$;
