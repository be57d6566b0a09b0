-- rules/D04/rule.sql: the one definition of rule D04 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- D04: filing approval and timely filing (行政处罚法 art. 54) --------------------------------------------------
-- General-procedure penalty cases. Error (key 'filing_approval'): a case filed or decided has no filing_approval
-- document with a non-blank approver. Warning (key 'filing_deadline'): filed_on is later than filing_wd working days
-- after violation.discovered_on; or, as of the audit date, a case not filed and not decided at all (no filed_on,
-- decided_on or decision outcome) is past that deadline. Without discovered_on the deadline is not checked.
-- ---- D04 (sql/0008): the filing approval forms of all the ids in one index scan and one aggregate
-- -------------------
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
  fa AS (   -- the filing approval forms of all these cases at once, one row per case
    SELECT d.case_id, array_agg(d.doc_id ORDER BY d.ord) AS docs, bool_or(NOT ca_blank(d.approver)) AS approved
      FROM c
      JOIN case_documents d ON d.case_id = c.id AND d.type = 'filing_approval'
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
