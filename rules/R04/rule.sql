-- rules/R04/rule.sql: the one definition of rule R04 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- R04: each recording is well formed -------------------------------------------------------------------------
-- One finding per recording with any of: times missing or ended_at <= started_at; sha256 not 64 hex digits (either
-- case); device_id or uri blank; officer_cert_no blank or not the cert_no of an officer of the case (compared after
-- ca_pr_norm, so full-width digits match). evidence.problems lists codes, problems_zh / problems_en the texts.
CREATE OR REPLACE FUNCTION ca_rule_r04(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH r0 AS MATERIALIZED (
    SELECT r.case_id, r.recording_id, r.event_ref, r.started_at, r.ended_at, r.sha256, r.device_id, r.uri,
           r.officer_cert_no
      FROM case_recordings r
     WHERE r.case_id = ANY (p_ids)
  ), o0 AS MATERIALIZED (
    SELECT o.case_id, ca_pr_norm(o.cert_no) AS cert
      FROM case_officers o
     WHERE o.case_id = ANY (p_ids) AND NOT ca_blank(o.cert_no)
  ), stranger AS (          -- recordings whose officer is not an officer of the case (an anti join: few rows)
    SELECT r0.case_id, r0.recording_id
      FROM r0
     WHERE NOT EXISTS (SELECT 1 FROM o0 WHERE o0.case_id = r0.case_id AND o0.cert = ca_pr_norm(r0.officer_cert_no))
  ), r AS (
    SELECT r0.*,
           array_remove(ARRAY[
             CASE WHEN r0.started_at IS NULL OR r0.ended_at IS NULL OR r0.ended_at <= r0.started_at THEN 'times' END,
             CASE WHEN r0.sha256 IS NULL OR length(r0.sha256) <> 64 OR r0.sha256 !~ '^[0-9a-fA-F]+$' THEN 'sha256' END,
             CASE WHEN ca_blank(r0.device_id) THEN 'device_id' END,
             CASE WHEN ca_blank(r0.uri) THEN 'uri' END,
             CASE WHEN ca_blank(r0.officer_cert_no) OR x.recording_id IS NOT NULL THEN 'officer' END], NULL) AS problems
      FROM r0
      LEFT JOIN stranger x ON x.case_id = r0.case_id AND x.recording_id = r0.recording_id
  )
  SELECT r.case_id, r.recording_id, 'warning', false,
         jsonb_build_object(
           'recording_id', r.recording_id, 'event_id', r.event_ref, 'problems', to_jsonb(r.problems),
           'started_at', r.started_at, 'ended_at', r.ended_at, 'sha256', r.sha256, 'device_id', r.device_id,
           'uri', r.uri, 'officer_cert_no', r.officer_cert_no,
           'problems_zh', (SELECT string_agg(CASE u.p
                              WHEN 'times' THEN '起止时间缺失或结束时间不晚于开始时间'
                              WHEN 'sha256' THEN '哈希值不是64位十六进制的SHA-256'
                              WHEN 'device_id' THEN '未记录设备编号'
                              WHEN 'uri' THEN '未记录存储位置'
                              ELSE CASE WHEN ca_blank(r.officer_cert_no) THEN '未记录录制人员的执法证号'
                                        ELSE format('录制人员执法证号%s不是本案执法人员', r.officer_cert_no) END
                              END, '；' ORDER BY u.i) FROM unnest(r.problems) WITH ORDINALITY AS u(p, i)),
           'problems_en', (SELECT string_agg(CASE u.p
                              WHEN 'times' THEN 'start or end missing, or the end is not after the start'
                              WHEN 'sha256' THEN 'the hash is not a SHA-256 in 64 hex digits'
                              WHEN 'device_id' THEN 'no device id'
                              WHEN 'uri' THEN 'no storage location (uri)'
                              ELSE CASE WHEN ca_blank(r.officer_cert_no)
                                        THEN 'no recording officer''s certificate number'
                                        ELSE format('the recording officer %s is not an officer of the case',
                                                    r.officer_cert_no) END
                              END, '; ' ORDER BY u.i) FROM unnest(r.problems) WITH ORDINALITY AS u(p, i)))
    FROM r
   WHERE cardinality(r.problems) > 0
$$;
