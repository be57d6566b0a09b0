-- sql/engine/review.sql: A reviewer's transition of a finding (acknowledge, waive, reopen), written to the review
-- log. Engine file: one current definition of each function, applied by `caseaudit migrate` after the numbered
-- migrations and again whenever this file changes (its SHA-256 is recorded in schema_engine; see docs/schema.md).
-- CREATE OR REPLACE only: it runs on new databases and on databases that have it already.

-- A review of one finding: checks the transition, updates the finding, appends to the log, writes the change, and
-- rescores the case, all in the caller's transaction. Returns the new status, or raises with a SQLSTATE of
-- caseaudit's own that says what went wrong, never which HTTP status to answer (db_review.c turns it into a typed
-- outcome, the HTTP layer alone maps that to a status):
--   CAR01  no such finding          CAR02  the finding's status does not allow this transition
--   CAR03  the review itself is invalid (unknown action, a waiver without a comment, a bad expiry date)
--   open         -> acknowledged (acknowledge), waived (waive)
--   acknowledged -> waived (waive), open (reopen)
--   waived       -> open (reopen), acknowledged (acknowledge)
--   resolved     -> nothing: a resolved defect reopens by itself when it is found again
CREATE OR REPLACE FUNCTION ca_review(p_finding uuid, p_action text, p_comment text, p_until date, p_by text, p_today date)
    RETURNS TABLE (status text, seq bigint, hash text)
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  f findings;
  v_to text;
  v_seq bigint;
  v_prev text;
  v_payload text;
  v_hash text;
  v_grading jsonb;
BEGIN
  p_today := coalesce(p_today, current_date);  -- today in the session's time zone (caseaudit's configured one)
  SELECT * INTO f FROM findings WHERE id = p_finding FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no finding %', p_finding USING ERRCODE = 'CAR01';
  END IF;
  IF p_action NOT IN ('acknowledge', 'waive', 'reopen') THEN
    RAISE EXCEPTION 'action must be acknowledge, waive or reopen' USING ERRCODE = 'CAR03';
  END IF;
  IF p_action = 'waive' AND ca_blank(p_comment) THEN
    RAISE EXCEPTION 'a waiver needs a comment saying why' USING ERRCODE = 'CAR03';
  END IF;
  IF p_until IS NOT NULL AND p_action <> 'waive' THEN
    RAISE EXCEPTION '"until" goes only with waive' USING ERRCODE = 'CAR03';
  END IF;
  IF p_until IS NOT NULL AND p_until <= p_today THEN
    RAISE EXCEPTION 'the waiver expiry % is not after today (%)', p_until, p_today USING ERRCODE = 'CAR03';
  END IF;
  v_to := CASE
            WHEN f.status = 'open' AND p_action = 'acknowledge' THEN 'acknowledged'
            WHEN f.status IN ('open', 'acknowledged') AND p_action = 'waive' THEN 'waived'
            WHEN f.status IN ('acknowledged', 'waived') AND p_action = 'reopen' THEN 'open'
            WHEN f.status = 'waived' AND p_action = 'acknowledge' THEN 'acknowledged'
          END;
  IF v_to IS NULL THEN
    RAISE EXCEPTION 'a finding that is % cannot be %', f.status,
      CASE p_action WHEN 'acknowledge' THEN 'acknowledged' WHEN 'waive' THEN 'waived' ELSE 'reopened' END
      USING ERRCODE = 'CAR02';
  END IF;

  UPDATE findings SET status = v_to, waived_until = CASE WHEN v_to = 'waived' THEN p_until END
   WHERE case_id = f.case_id AND rule_id = f.rule_id AND key = f.key;

  -- the chain: serialised by locking its last entry (or, for the first entry, by the table lock below)
  LOCK TABLE review_log IN SHARE ROW EXCLUSIVE MODE;
  SELECT r.seq, r.hash INTO v_seq, v_prev FROM review_log r ORDER BY r.seq DESC LIMIT 1;
  v_seq := coalesce(v_seq, 0) + 1;
  v_prev := coalesce(v_prev, repeat('0', 64));
  v_payload := jsonb_build_object('seq', v_seq, 'finding_id', f.id, 'case_id', f.case_id, 'rule', f.rule_id,
                                  'key', f.key, 'action', p_action, 'from', f.status, 'to', v_to,
                                  'comment', p_comment, 'until', p_until, 'by', p_by,
                                  'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text;
  v_hash := encode(sha256(convert_to(v_prev || v_payload, 'UTF8')), 'hex');
  INSERT INTO review_log (seq, case_id, finding_id, payload, prev_hash, hash)
  VALUES (v_seq, f.case_id, f.id, v_payload, v_prev, v_hash);

  INSERT INTO changes (case_id, kind, finding_id, data)
  VALUES (f.case_id, 'finding_reviewed', f.id,
          jsonb_build_object('rule', f.rule_id, 'key', f.key, 'action', p_action, 'from', f.status, 'to', v_to,
                             'by', p_by, 'until', p_until));

  SELECT body -> 'grading' INTO v_grading FROM rule_packs WHERE id = f.pack_id;
  PERFORM ca_score_cases(ARRAY[f.case_id], v_grading);
  status := v_to; seq := v_seq; hash := v_hash;
  RETURN NEXT;
END;
$$;
