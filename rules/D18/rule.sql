-- rules/D18/rule.sql: the one definition of rule D18 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- D18: seizure and sealing terms -------------------------------------------------------------------------------
-- error, one row per event of type seizure or sealing with a started_at (its date in the session time zone, the
-- configured one). Term: started_on + term_days calendar days (行政强制法 art. 25; periods over ten days are
-- calendar days, and the day of the event is not counted, so a seizure of 03-08 may last to 04-07), plus the
-- seizure_term extensions[] (days > 0) approved within the original term or undated, capped in total at
-- max_extension_days (the law allows one extension of at most 30 days), plus, when exclude_testing is true, the
-- days of 'testing' suspensions[] that began on or after the event and before it ended (art. 25(3): testing,
-- inspection, quarantine or appraisal time is not counted). Extensions are case-level and apply to every such event.
-- End: the earlier of the first release_decision issued on or after the event date and decided_on (when on or after
-- the event date). Fires when the end is after the term, or, with no end, when p_as_of is after the term.
-- ---- D18 (sql/0009): the seizure/sealing events first, parameters per event, child tables for the ids ---------
CREATE OR REPLACE FUNCTION ca_rule_d18(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH ev AS MATERIALIZED (   -- the measures first; parameters only for their (few) cases
    SELECT e.case_id, e.event_id, e.type, e.started_at::date AS started_on,
           CASE WHEN c.decided_on >= e.started_at::date THEN c.decided_on END AS decided_on,
           ca_dc_int(ca_param(k.pp, c.sector, c.agency_code, 'term_days'), 0, 36500) AS term,
           ca_dc_int(ca_param(k.pp, c.sector, c.agency_code, 'max_extension_days'), 0, 36500) AS max_ext,
           ca_param(k.pp, c.sector, c.agency_code, 'exclude_testing') = 'true'::jsonb AS excl_testing
      FROM cases c
      JOIN case_events e ON e.case_id = c.id AND e.type IN ('seizure', 'sealing') AND e.started_at IS NOT NULL
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'D18') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
  ), rel AS (  -- the first release decision on or after each event (release decisions are rare: a join, no probe)
    SELECT DISTINCT ON (ev.case_id, ev.event_id) ev.case_id, ev.event_id, d.doc_id, d.issued_on
      FROM ev
      JOIN case_documents d ON d.case_id = ev.case_id AND d.type = 'release_decision' AND d.issued_on >= ev.started_on
     ORDER BY ev.case_id, ev.event_id, d.issued_on, d.ord
  ), ext AS (  -- seizure_term extensions approved within the original term (or undated), capped
    SELECT ev.case_id, ev.event_id, least(coalesce(sum(x.days), 0), ev.max_ext)::int AS days
      FROM ev
      JOIN case_extensions x ON x.case_id = ev.case_id AND x.kind = 'seizure_term' AND x.days > 0
                            AND (x.approved_on IS NULL OR x.approved_on BETWEEN ev.started_on AND ev.started_on + ev.term)
     GROUP BY ev.case_id, ev.event_id, ev.max_ext
  ), ended AS (
    SELECT ev.*, rel.doc_id AS release_doc, rel.issued_on AS released_on,
           least(rel.issued_on, ev.decided_on) AS ended_on, coalesce(ext.days, 0) AS ext_days
      FROM ev
      LEFT JOIN rel ON rel.case_id = ev.case_id AND rel.event_id = ev.event_id
      LEFT JOIN ext ON ext.case_id = ev.case_id AND ext.event_id = ev.event_id
     WHERE ev.term IS NOT NULL
  ), tst AS (  -- testing periods begun during the measure
    SELECT e.case_id, e.event_id, sum(s.to_on - s.from_on + 1)::int AS days
      FROM ended e
      JOIN case_suspensions s ON s.case_id = e.case_id AND s.kind = 'testing' AND s.to_on >= s.from_on
                             AND s.from_on >= e.started_on AND s.from_on <= coalesce(e.ended_on, p_as_of)
     WHERE e.excl_testing
     GROUP BY e.case_id, e.event_id
  ), term AS (
    SELECT ended.*, coalesce(tst.days, 0) AS testing_days
      FROM ended
      LEFT JOIN tst ON tst.case_id = ended.case_id AND tst.event_id = ended.event_id
  ), chk AS (
    SELECT term.*, term.started_on + term.term + term.ext_days + term.testing_days AS deadline
      FROM term
  )
  SELECT k.case_id, k.event_id, 'error', false,
         jsonb_build_object(
           'event_id', k.event_id, 'event_type', k.type,
           'event_name', CASE k.type WHEN 'seizure' THEN '扣押' ELSE '查封' END,
           'started_on', k.started_on, 'term_days', k.term, 'extension_days', k.ext_days,
           'max_extension_days', k.max_ext, 'testing_days', k.testing_days, 'deadline', k.deadline,
           'ended_on', k.ended_on,
           'ended_by', CASE WHEN k.ended_on IS NULL THEN NULL
                            WHEN k.released_on = k.ended_on THEN jsonb_build_object('document_id', k.release_doc)
                            ELSE jsonb_build_object('field', '/decided_on') END,
           'days_over', coalesce(k.ended_on, p_as_of) - k.deadline,
           'term_zh', k.term || '日'
                      || CASE WHEN k.ext_days > 0 THEN '，经批准延长' || k.ext_days || '日' ELSE '' END
                      || CASE WHEN k.testing_days > 0 THEN '，检测、检验期间' || k.testing_days || '日不计入' ELSE '' END,
           'term_en', k.term || ' days'
                      || CASE WHEN k.ext_days > 0 THEN ' + ' || k.ext_days || ' days extension' ELSE '' END
                      || CASE WHEN k.testing_days > 0 THEN ' + ' || k.testing_days || ' testing days' ELSE '' END,
           'detail_zh',
           CASE WHEN k.ended_on IS NULL
                  THEN '截至' || p_as_of || '仍未解除或作出处理决定，已超期' || (p_as_of - k.deadline) || '日'
                WHEN k.released_on = k.ended_on
                  THEN '至' || k.ended_on || '方以解除查封扣押决定书（' || k.release_doc || '）解除，超期'
                       || (k.ended_on - k.deadline) || '日'
                ELSE '至' || k.ended_on || '作出处罚决定时已超期' || (k.ended_on - k.deadline) || '日' END,
           'detail_en',
           CASE WHEN k.ended_on IS NULL
                  THEN 'still in force on ' || p_as_of || ', ' || (p_as_of - k.deadline) || ' day(s) over'
                WHEN k.released_on = k.ended_on
                  THEN 'released only on ' || k.ended_on || ' by ' || k.release_doc || ', '
                       || (k.ended_on - k.deadline) || ' day(s) over'
                ELSE 'ended by the decision of ' || k.ended_on || ', ' || (k.ended_on - k.deadline) || ' day(s) over' END)
         || CASE WHEN k.ended_on IS NULL THEN jsonb_build_object('as_of', p_as_of) ELSE '{}' END
    FROM chk k
   WHERE coalesce(k.ended_on, p_as_of) > k.deadline
$$;
