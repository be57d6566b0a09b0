-- rules/D06/rule.sql: the one definition of rule D06 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- D06: prior notice served, statement period respected (行政处罚法 arts. 44, 62, 85) ---------------------------
-- General-procedure penalty cases with decided_on whose outcome is penalty (or absent while final penalties are
-- listed). Keys: 'prior_notice' when there is no prior_notice document; else the operative notice's id when it has
-- no service date, or when decided_on is not after statement_wd working days from its service (a notice served on or
-- after the decision day falls here too). The statement period cannot be waived in the record, so it always applies.
CREATE OR REPLACE FUNCTION ca_rule_d06(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH k AS MATERIALIZED (SELECT ca_rule_params(p_pack, 'D06') AS pp),
  c AS (
    SELECT c.id, c.decided_on, ca_dp_int(ca_param(k.pp, c.sector, c.agency_code, 'statement_wd')) AS n
      FROM cases c
      CROSS JOIN k
     WHERE c.id = ANY (p_ids) AND c.category = 'penalty' AND c.procedure = 'general' AND c.decided_on IS NOT NULL
       AND (c.decision_outcome = 'penalty'
            OR (c.decision_outcome IS NULL
                AND EXISTS (SELECT 1 FROM case_penalties p WHERE p.case_id = c.id AND NOT p.notified)))
  ),
  x AS (
    SELECT c.id, c.decided_on, c.n, nt.doc_id, sv.served_on, w.due, w.beyond, w.missing_year
      FROM c
      -- case by case: the operative prior notice and its first service
      LEFT JOIN LATERAL (
        SELECT d.doc_id
          FROM case_documents d
         WHERE d.case_id = c.id AND d.type = 'prior_notice'
         ORDER BY d.issued_on DESC NULLS LAST, d.ord DESC
         LIMIT 1) nt ON true
      LEFT JOIN LATERAL (
        SELECT min(s.served_on) AS served_on
          FROM case_services s
         WHERE s.case_id = c.id AND s.document_ref = nt.doc_id) sv ON true
      CROSS JOIN LATERAL ca_dp_due_rel(sv.served_on, c.n, c.decided_on) AS w
  ),
  hit AS (
    SELECT x.*,
           CASE WHEN x.doc_id IS NULL THEN 'missing'
                WHEN x.served_on IS NULL THEN 'unserved'
                WHEN x.served_on >= x.decided_on THEN 'served_late'
                WHEN x.missing_year IS NOT NULL THEN 'calendar'
                WHEN x.beyond OR x.decided_on <= x.due THEN 'too_early' END AS what
      FROM x
  )
  SELECT h.id, coalesce(h.doc_id, 'prior_notice'),
         CASE WHEN h.what = 'calendar' THEN 'warning' ELSE 'error' END, h.what <> 'calendar',
         jsonb_build_object(
           'notice_id', h.doc_id, 'served_on', h.served_on, 'decided_on', h.decided_on, 'statement_wd', h.n,
           'deadline', h.due)
         || CASE WHEN h.what = 'calendar' THEN jsonb_build_object('calendar_missing_year', h.missing_year)
                 ELSE '{}' END
         || jsonb_build_object(
           'detail_zh', CASE h.what
              WHEN 'missing' THEN format('处罚决定（%s）作出前未制作行政处罚事先告知书', ca_dp_date(h.decided_on))
              WHEN 'unserved' THEN format('行政处罚事先告知书（%s）没有送达记录', h.doc_id)
              WHEN 'calendar' THEN format('无法核对行政处罚事先告知书（%s）的陈述申辩期：%s', h.doc_id,
                                          ca_dp_calendar_zh(h.missing_year))
              WHEN 'served_late' THEN
                CASE WHEN h.served_on = h.decided_on
                     THEN format('行政处罚事先告知书（%s）与处罚决定同日（%s）送达，当事人没有陈述申辩的期间', h.doc_id,
                                 ca_dp_date(h.served_on))
                     ELSE format('行政处罚事先告知书（%s）于%s才送达，晚于%s作出的处罚决定', h.doc_id,
                                 ca_dp_date(h.served_on), ca_dp_date(h.decided_on)) END
              ELSE format('行政处罚事先告知书（%s）于%s送达，当事人陈述申辩期%s个工作日%s，处罚决定却于%s作出，'
                          '未等待陈述申辩期届满', h.doc_id, ca_dp_date(h.served_on), h.n,
                          coalesce('至' || ca_dp_date(h.due) || '届满', '尚未届满'), ca_dp_date(h.decided_on)) END,
           'detail_en', CASE h.what
              WHEN 'missing' THEN format('no prior notice (事先告知书) was made before the decision of %s',
                                         ca_dp_date(h.decided_on))
              WHEN 'unserved' THEN format('the prior notice %s has no record of service', h.doc_id)
              WHEN 'calendar' THEN format('the statement period of prior notice %s cannot be checked: %s', h.doc_id,
                                          ca_dp_calendar_en(h.missing_year))
              WHEN 'served_late' THEN format('the prior notice %s was served on %s, not before the decision of %s',
                                             h.doc_id, ca_dp_date(h.served_on), ca_dp_date(h.decided_on))
              ELSE format('the prior notice %s was served on %s and the decision made on %s, before the %s-working-day '
                          'statement period had run out%s', h.doc_id, ca_dp_date(h.served_on), ca_dp_date(h.decided_on),
                          h.n, coalesce(' (it ends on ' || ca_dp_date(h.due) || ')', '')) END)
    FROM hit h
   WHERE h.what IS NOT NULL
$$;
