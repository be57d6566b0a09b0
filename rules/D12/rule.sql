-- rules/D12/rule.sql: the one definition of rule D12 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- D12: the decision is served within N working days ---------------------------------------------------------
-- One row per decision document (penalty_decision, onsite_penalty_decision) of a case. Base date: decided_on,
-- else the document's issued_on (no row when both are absent). Deadline: the service_wd-th working day after it
-- (ca_add_workdays semantics, computed from calendar_ordinals so that nothing raises). The service date is the
-- earliest dated services[] entry whose document_ref is the document; for service by announcement (公告送达) it is
-- announced_on (the law deems service 30 days later, which no 7-day deadline could meet), else served_on.
--   error    served after the deadline, or not served and p_as_of is after the deadline;
--   warning  the deadline cannot be computed because the calendar lacks a year (calendar_missing_year), and the
--            service or audit date may be past it (more than service_wd calendar days after the base date).
-- ---- D12 (sql/0009): the decision documents through their partial index, index-only ------------------------------
CREATE OR REPLACE FUNCTION ca_rule_d12(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH cs AS MATERIALIZED (
    SELECT c.id, c.decided_on, ca_dc_int(ca_param(k.pp, c.sector, c.agency_code, 'service_wd'), 0, 3650) AS n
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'D12') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
  ), dec AS (
    SELECT d.case_id, d.doc_id, d.type, coalesce(c.decided_on, d.issued_on) AS base, c.n
      FROM case_documents d
      JOIN cs c ON c.id = d.case_id
     WHERE d.type IN ('penalty_decision', 'onsite_penalty_decision')
       AND coalesce(c.decided_on, d.issued_on) IS NOT NULL
  ), sv AS (
    SELECT DISTINCT ON (s.case_id, s.document_ref)
           s.case_id, s.document_ref, s.method, s.served_on, s.announced_on, e.eff
      FROM cs
      JOIN case_services s ON s.case_id = cs.id
      CROSS JOIN LATERAL (SELECT CASE WHEN s.method = 'announcement' THEN coalesce(s.announced_on, s.served_on)
                                      ELSE s.served_on END AS eff) e
     WHERE e.eff IS NOT NULL
     ORDER BY s.case_id, s.document_ref, e.eff, s.ord
  ), chk AS (
    SELECT dec.*, sv.method, sv.served_on, sv.announced_on, sv.eff, coalesce(sv.eff, p_as_of) AS ref, w.day AS deadline,
           CASE WHEN ob.day IS NULL THEN dec.base ELSE ob.run_end + 1 END AS gap
      FROM dec
      LEFT JOIN sv ON sv.case_id = dec.case_id AND sv.document_ref = dec.doc_id
      LEFT JOIN calendar_ordinals ob ON ob.day = dec.base
      LEFT JOIN calendar_ordinals w
             ON w.working
            AND w.ordinal = ob.ordinal + dec.n + CASE WHEN dec.n = 0 AND NOT ob.working THEN 1 ELSE 0 END
            AND w.run_start = ob.run_start
     WHERE dec.n IS NOT NULL
  ), hit AS (
    SELECT chk.*,
           CASE WHEN chk.deadline IS NOT NULL THEN chk.ref > chk.deadline END AS late,
           chk.deadline IS NULL AND chk.ref - chk.base > chk.n AND chk.ref >= chk.gap AS missing
      FROM chk
  )
  SELECT h.case_id, h.doc_id, CASE WHEN h.late THEN 'error' ELSE 'warning' END, false,
         jsonb_build_object(
           'document_id', h.doc_id, 'document_type', h.type, 'document_name', ca_dc_doc_name(h.type),
           'decided_on', h.base, 'service_wd', h.n, 'deadline', h.deadline,
           'served_on', h.served_on, 'method', h.method, 'announced_on', h.announced_on,
           'days_late', CASE WHEN h.late THEN h.ref - h.deadline END)
         || CASE WHEN h.eff IS NULL THEN jsonb_build_object('as_of', p_as_of) ELSE '{}' END
         || CASE WHEN h.late THEN '{}'
                 ELSE jsonb_build_object('calendar_missing_year', extract(year FROM h.gap)::int) END
         || jsonb_build_object('detail_zh',
              CASE WHEN h.late IS NOT TRUE THEN
                     '，但送达期限无法计算：工作日日历缺少' || extract(year FROM h.gap)::int || '年的数据'
                   WHEN h.eff IS NULL THEN '（最迟' || h.deadline || '），截至' || p_as_of || '未送达'
                   WHEN h.method = 'announcement' THEN '（最迟' || h.deadline || '），实际于' || h.eff || '才开始公告送达'
                   ELSE '（最迟' || h.deadline || '），实际于' || h.eff || '送达' END,
              'detail_en',
              CASE WHEN h.late IS NOT TRUE THEN
                     ', but the deadline cannot be computed: the working-day calendar has no data for '
                     || extract(year FROM h.gap)::int
                   WHEN h.eff IS NULL THEN ' (by ' || h.deadline || '); not served as of ' || p_as_of
                   WHEN h.method = 'announcement' THEN ' (by ' || h.deadline || '); announcement began only on ' || h.eff
                   ELSE ' (by ' || h.deadline || '); served on ' || h.eff END)
    FROM hit h
   WHERE h.late OR h.missing
$$;
