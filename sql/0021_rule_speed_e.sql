-- 0021_rule_speed_e: set-based D04, D05, D12 and D18 (issue #8), the time-dependent rules that the nightly
-- incremental audit runs over every case.
--
-- Replaces ca_rule_d04 and ca_rule_d05 (sql/0008) and ca_rule_d12 and ca_rule_d18 (sql/0009) with the same output
-- (every row, key, severity and evidence value) for every input.
--
-- D04's filing approval forms: one or two of a case's ~17 documents, whose rows (with their jsonb fields) fill a heap
-- page each; reading them through the primary key fetched ~1 page per document of the case to keep ~6%. This
-- partial index holds what D04 reads of them, so both the audit chunk and the one-case check read it index-only.
CREATE INDEX case_documents_filing_approval_idx ON case_documents (case_id) INCLUDE (ord, doc_id, approver)
  WHERE type = 'filing_approval';

-- ---- D04 (sql/0008): the filing approval forms of all the ids in one index scan and one aggregate -------------------
CREATE OR REPLACE FUNCTION ca_rule_d04(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH k AS MATERIALIZED (SELECT ca_rule_params(p_pack, 'D04') AS pp),
  c AS (
    SELECT c.id, c.filed_on, c.decided_on, c.violation_discovered_on AS disc,
           c.filed_on IS NULL AND c.decided_on IS NULL AND c.decision_outcome IS NULL AS pending,
           ca_dp_int(ca_param(k.pp, c.sector, c.agency_code, 'filing_wd')) AS n
      FROM cases c
      CROSS JOIN k
     WHERE c.id = ANY (p_ids) AND c.category = 'penalty' AND c.procedure = 'general'
  ),
  fa AS (   -- the filing approval forms of all the ids at once (primary key, case_id = ANY), one row per case
    SELECT d.case_id, array_agg(d.doc_id ORDER BY d.ord) AS docs, bool_or(NOT ca_blank(d.approver)) AS approved
      FROM case_documents d
     WHERE d.case_id = ANY (p_ids) AND d.type = 'filing_approval'
     GROUP BY d.case_id
  ),
  approval AS (
    SELECT c.id, 'filing_approval' AS key, 'error' AS severity,
           jsonb_build_object(
             'filed_on', c.filed_on, 'discovered_on', c.disc, 'filing_wd', c.n, 'deadline', NULL::date,
             'as_of', p_as_of, 'filing_approval_documents', coalesce(to_jsonb(fa.docs), '[]'),
             'detail_zh', CASE WHEN fa.docs IS NULL THEN '案卷中没有立案审批表，立案未经负责人审批'
                               ELSE format('立案审批表（%s）没有负责人的审批签署', array_to_string(fa.docs, '、'))
                          END,
             'detail_en', CASE WHEN fa.docs IS NULL THEN 'the file has no filing approval form (立案审批表)'
                               ELSE format('the filing approval form (%s) is not signed by an approver',
                                           array_to_string(fa.docs, ', '))
                          END) AS evidence
      FROM c
      LEFT JOIN fa ON fa.case_id = c.id   -- no form: docs and approved NULL, as the per-case aggregate gave
     WHERE (c.filed_on IS NOT NULL OR c.decided_on IS NOT NULL) AND NOT coalesce(fa.approved, false)
  ),
  late AS (
    SELECT c.id, c.filed_on, c.disc, c.n, c.pending, w.due, w.beyond, w.missing_year
      FROM c
      -- n working days are at least n calendar days: only a later date can be late, and only then is the calendar read
      CROSS JOIN LATERAL ca_dp_due_rel(c.disc, c.n, CASE WHEN c.pending THEN p_as_of ELSE c.filed_on END) AS w
     WHERE c.disc IS NOT NULL AND c.n >= 0 AND isfinite(p_as_of)
       AND CASE WHEN c.pending THEN p_as_of ELSE c.filed_on END - c.disc > c.n
  ),
  deadline AS (
    SELECT l.id, 'filing_deadline' AS key, 'warning' AS severity,
           jsonb_build_object(
             'filed_on', l.filed_on, 'discovered_on', l.disc, 'filing_wd', l.n, 'deadline', l.due, 'as_of', p_as_of,
             'filing_approval_documents', '[]'::jsonb,
             'detail_zh', CASE
                WHEN l.missing_year IS NOT NULL
                  THEN format('无法核对立案期限（%s起%s个工作日）：%s', ca_dp_date(l.disc), l.n,
                              ca_dp_calendar_zh(l.missing_year))
                WHEN l.pending
                  THEN format('%s发现违法线索，应在%s个工作日内（至%s）决定是否立案，截至%s仍未立案', ca_dp_date(l.disc),
                              l.n, ca_dp_date(l.due), ca_dp_date(p_as_of))
                ELSE format('%s发现违法线索，应在%s个工作日内（至%s）立案，实际于%s立案', ca_dp_date(l.disc), l.n,
                            ca_dp_date(l.due), ca_dp_date(l.filed_on)) END,
             'detail_en', CASE
                WHEN l.missing_year IS NOT NULL
                  THEN format('the filing period (%s working days from %s) cannot be checked: %s', l.n,
                              ca_dp_date(l.disc), ca_dp_calendar_en(l.missing_year))
                WHEN l.pending
                  THEN format('discovered on %s, the case had to be filed within %s working days (by %s) but is still '
                              'not filed as of %s', ca_dp_date(l.disc), l.n, ca_dp_date(l.due), ca_dp_date(p_as_of))
                ELSE format('discovered on %s, the case had to be filed within %s working days (by %s) '
                            'but was filed on %s', ca_dp_date(l.disc), l.n, ca_dp_date(l.due), ca_dp_date(l.filed_on))
                END)
           || CASE WHEN l.missing_year IS NOT NULL THEN jsonb_build_object('calendar_missing_year', l.missing_year)
                   ELSE '{}' END AS evidence
      FROM late l
     WHERE l.missing_year IS NOT NULL
        OR (l.due IS NOT NULL AND CASE WHEN l.pending THEN p_as_of ELSE l.filed_on END > l.due)
  )
  SELECT a.id, a.key, a.severity, false, a.evidence FROM approval a
  UNION ALL
  SELECT d.id, d.key, 'warning', false, d.evidence FROM deadline d
$$;

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
     WHERE x.case_id = ANY (p_ids) AND x.kind = 'decision_deadline' AND x.days > 0
       AND (x.approved_on IS NULL OR x.approved_on <= c.end_on)
     GROUP BY x.case_id
  ),
  -- ... and the days of the union of each case's suspensions clipped to (filed_on, end_on]: islands of overlapping
  -- periods, found by comparing each start with the latest end before it in the same case
  r AS (
    SELECT s.case_id, greatest(s.from_on, c.filed_on + 1) AS lo, least(coalesce(s.to_on, c.end_on), c.end_on) AS hi
      FROM case_suspensions s
      JOIN c ON c.id = s.case_id
     WHERE s.case_id = ANY (p_ids) AND s.from_on IS NOT NULL
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
