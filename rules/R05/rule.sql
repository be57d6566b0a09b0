-- rules/R05/rule.sql: the one definition of rule R05 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- R05: proof of special service ------------------------------------------------------------------------------
-- leaving (留置送达): witness true, or recording_ref naming a recording of the case; mail: a non-blank tracking_no;
-- announcement: announced_on given and served_on, when given, not before announced_on + announcement_days (calendar
-- days; served on exactly that day is right). key = document_ref/method, one finding for the first faulty service
-- of that document by that method.
CREATE OR REPLACE FUNCTION ca_rule_r05(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id,
           greatest(least(ca_param(k.pp, c.sector, c.agency_code, 'announcement_days')::numeric, 100000), -100000)::int
             AS days
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'R05') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
  ), s0 AS MATERIALIZED (
    SELECT s.case_id, s.ord, s.document_ref, s.method, s.served_on, s.witness, s.recording_ref, s.tracking_no,
           s.announced_on
      FROM case_services s
     WHERE s.case_id = ANY (p_ids) AND s.method IN ('leaving', 'mail', 'announcement') AND s.document_ref IS NOT NULL
  ), r0 AS MATERIALIZED (   -- recordings named by a service left at the premises
    SELECT r.case_id, r.recording_id
      FROM case_recordings r
     WHERE r.case_id = ANY (p_ids)
  ), s AS (
    SELECT s0.*, c.days,
           CASE s0.method
             WHEN 'leaving' THEN CASE WHEN NOT coalesce(s0.witness, false) AND NOT EXISTS
                                        (SELECT 1 FROM r0 WHERE r0.case_id = s0.case_id
                                                            AND r0.recording_id = s0.recording_ref)
                                      THEN 'no_witness_or_recording' END
             WHEN 'mail' THEN CASE WHEN ca_blank(s0.tracking_no) THEN 'no_tracking_no' END
             WHEN 'announcement' THEN CASE WHEN s0.announced_on IS NULL THEN 'no_announced_on'
                                           WHEN s0.served_on < s0.announced_on + c.days THEN 'served_too_early' END
           END AS problem
      FROM s0 JOIN c ON c.id = s0.case_id
  ), f AS (
    SELECT DISTINCT ON (s.case_id, s.document_ref, s.method) s.*,
           (SELECT d.type FROM case_documents d WHERE d.case_id = s.case_id AND d.doc_id = s.document_ref) AS doc_type
      FROM s
     WHERE s.problem IS NOT NULL
     ORDER BY s.case_id, s.document_ref, s.method, s.ord
  )
  SELECT f.case_id, f.document_ref || '/' || f.method, 'error', false,
         jsonb_build_object(
           'document_ref', f.document_ref, 'method', f.method, 'served_on', f.served_on, 'problem', f.problem,
           'witness', f.witness, 'recording_ref', f.recording_ref, 'tracking_no', f.tracking_no,
           'announced_on', f.announced_on, 'announcement_days', f.days,
           'earliest_served_on', f.announced_on + f.days,
           'subject_zh', format('%s（%s）的%s%s', ca_pr_doc_type_zh(f.doc_type), f.document_ref,
                                ca_pr_method_zh(f.method), coalesce('（' || ca_pr_d(f.served_on) || '）', '')),
           'subject_en', format('service of %s %s by %s%s', replace(coalesce(f.doc_type, 'document'), '_', ' '),
                                f.document_ref, f.method, coalesce(' (' || ca_pr_d(f.served_on) || ')', '')),
           'detail_zh', CASE f.problem
             WHEN 'no_witness_or_recording' THEN '既无见证人，也无记录送达过程的音像记录'
             WHEN 'no_tracking_no' THEN '未记录邮件单号'
             WHEN 'no_announced_on' THEN format('未记录公告日期，无法确认公告期满%s日', f.days)
             ELSE format('公告于%s发出，公告期%s日，最早于%s视为送达，却记为%s送达',
                         ca_pr_d(f.announced_on), f.days, ca_pr_d(f.announced_on + f.days), ca_pr_d(f.served_on)) END,
           'detail_en', CASE f.problem
             WHEN 'no_witness_or_recording' THEN 'has neither a witness nor a recording of the service'
             WHEN 'no_tracking_no' THEN 'has no postal tracking number'
             WHEN 'no_announced_on'
               THEN format('does not record the announcement date, so the %s days cannot be checked', f.days)
             ELSE format('was announced on %s and is deemed served %s days later, on %s at the earliest, '
                         'but is recorded as served on %s',
                         ca_pr_d(f.announced_on), f.days, ca_pr_d(f.announced_on + f.days), ca_pr_d(f.served_on)) END)
    FROM f
$$;
