-- rules/D05/rule.sql: the one definition of rule D05 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- D05: decision within decision_days of filing (行政处罚法 art. 60) --------------------------------------------
-- General-procedure penalty cases with filed_on. The deadline is filed_on + decision_days + the days of approved
-- decision_deadline extensions (approved on or before the decision, or the audit date; an extension without an
-- approval date counts) + the calendar days of the suspensions (each from..to inclusive, overlaps counted once,
-- clipped to the days after filing up to the decision or audit date; an open suspension runs to that date). A
-- decided case fails when decided_on is after the deadline; an undecided one (no decided_on, outcome or closed_on)
-- fails when the audit date is after it.
-- ---- D05 (sql/0008): extensions and suspensions of all the ids at once, islands per case by window partition -----
CREATE OR REPLACE FUNCTION ca_rule_d05(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH k AS MATERIALIZED (SELECT ca_rule_params(p_pack, 'D05') AS pp),
  c AS (
    SELECT c.id, c.filed_on, c.decided_on, coalesce(c.decided_on, p_as_of) AS end_on,
           ca_dp_int(ca_param(k.pp, c.sector, c.agency_code, 'decision_days')) AS days
      FROM cases c
      CROSS JOIN k
     WHERE c.id = ANY (p_ids) AND c.category = 'penalty' AND c.procedure = 'general' AND c.filed_on IS NOT NULL
       AND (c.decided_on IS NOT NULL OR (c.decision_outcome IS NULL AND c.closed_on IS NULL))
       AND isfinite(coalesce(c.decided_on, p_as_of))
  ),
  -- the approved extensions of all the cases, summed per case ...
  e AS (
    SELECT x.case_id, least(coalesce(sum(least(x.days, 3650)), 0), 3650)::int AS days
      FROM case_extensions x
      JOIN c ON c.id = x.case_id
     WHERE x.kind = 'decision_deadline' AND x.days > 0
       AND (x.approved_on IS NULL OR x.approved_on <= c.end_on)
     GROUP BY x.case_id
  ),
  -- ... and the days of the union of each case's suspensions clipped to (filed_on, end_on]: islands of overlapping
  -- periods, found by comparing each start with the latest end before it in the same case
  r AS (
    SELECT s.case_id, greatest(s.from_on, c.filed_on + 1) AS lo, least(coalesce(s.to_on, c.end_on), c.end_on) AS hi
      FROM case_suspensions s
      JOIN c ON c.id = s.case_id
     WHERE s.from_on IS NOT NULL
  ),
  q AS (
    SELECT r.case_id, r.lo, r.hi,
           max(r.hi) OVER (PARTITION BY r.case_id ORDER BY r.lo, r.hi
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_hi
      FROM r
     WHERE r.lo <= r.hi
  ),
  i AS (
    SELECT q.case_id, q.lo, q.hi,
           count(*) FILTER (WHERE q.prev_hi IS NULL OR q.lo > q.prev_hi)
             OVER (PARTITION BY q.case_id ORDER BY q.lo, q.hi) AS island
      FROM q
  ),
  sp AS (
    SELECT g.case_id, sum(g.hi - g.lo + 1)::int AS days
      FROM (SELECT i.case_id, min(i.lo) AS lo, max(i.hi) AS hi FROM i GROUP BY i.case_id, i.island) g
     GROUP BY g.case_id
  ),
  x AS (   -- no extension or suspension: 0 days, as the per-case aggregates gave
    SELECT c.*, coalesce(e.days, 0) AS ext_days, coalesce(sp.days, 0) AS susp_days,
           c.filed_on + c.days + coalesce(e.days, 0) + coalesce(sp.days, 0) AS deadline
      FROM c
      LEFT JOIN e ON e.case_id = c.id
      LEFT JOIN sp ON sp.case_id = c.id
     WHERE c.days BETWEEN 0 AND 36500
  )
  SELECT x.id, '', 'error', false,
         jsonb_build_object(
           'filed_on', x.filed_on, 'decided_on', x.decided_on, 'as_of', p_as_of, 'decision_days', x.days,
           'extension_days', x.ext_days, 'suspended_days', x.susp_days, 'deadline', x.deadline,
           'elapsed_days', x.end_on - x.filed_on - x.susp_days, 'overdue_days', x.end_on - x.deadline,
           'detail_zh', CASE WHEN x.decided_on IS NOT NULL
                             THEN format('实际于%s作出处罚决定，超期%s日', ca_dp_date(x.decided_on), x.end_on - x.deadline)
                             ELSE format('截至%s仍未作出处罚决定，已超期%s日', ca_dp_date(p_as_of), x.end_on - x.deadline)
                        END,
           'detail_en', CASE WHEN x.decided_on IS NOT NULL
                             THEN format('decided on %s, %s day(s) late', ca_dp_date(x.decided_on),
                                         x.end_on - x.deadline)
                             ELSE format('still undecided as of %s, %s day(s) late', ca_dp_date(p_as_of),
                                         x.end_on - x.deadline) END)
    FROM x
   WHERE x.end_on > x.deadline
$$;
