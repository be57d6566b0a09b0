-- 0011: the reviewers' side: the append-only, hash-chained review log, review transitions, a server secret for
-- signed cursors, listing indexes, and the statistics.

-- Small server-wide settings shared by every caseauditd (e.g. the key that signs list cursors). Reference table.
CREATE TABLE server_settings (
  key   text PRIMARY KEY,
  value text NOT NULL
);

-- The review log. Append-only: rows are only ever inserted. Each entry's hash is SHA-256 over the previous entry's
-- hash and this entry's payload (the canonical JSON text of who did what, when, to which finding), so changing,
-- inserting or deleting any entry breaks every hash after it (`caseaudit log verify`). One global chain: reviews are
-- few, and a single chain is simple to verify and to anchor (publish the head hash). Reference-like (small).
CREATE TABLE review_log (
  seq       bigint PRIMARY KEY,
  case_id   uuid NOT NULL,
  finding_id uuid NOT NULL,
  payload   text NOT NULL,   -- {"seq","finding_id","case_id","rule","key","action","from","to","comment","until","by","at"}
  prev_hash text NOT NULL,   -- hex; 64 zeros for the first entry
  hash      text NOT NULL    -- hex SHA-256 of prev_hash || payload
);
CREATE INDEX review_log_finding_idx ON review_log (finding_id, seq);

-- Listings: an agency's cases and findings in id order, and cases by score (worst first) for the reviewers' page.
CREATE INDEX cases_agency_score_idx ON cases (agency_code, score, id);
CREATE INDEX cases_score_idx ON cases (score, id);
CREATE INDEX findings_agency_id_idx ON findings (agency_code, id);
CREATE INDEX findings_listing_idx ON findings (id);

-- A review of one finding: checks the transition, updates the finding, appends to the log, writes the change, and
-- rescores the case, all in the caller's transaction. Returns the new status, or raises with SQLSTATE
-- CA404 (no such finding), CA409 (the transition is not allowed) or CA422 (bad input), which caseauditd maps to
-- its error codes.
--   open         -> acknowledged (acknowledge), waived (waive)
--   acknowledged -> waived (waive), open (reopen)
--   waived       -> open (reopen), acknowledged (acknowledge)
--   resolved     -> nothing: a resolved defect reopens by itself when it is found again
CREATE FUNCTION ca_review(p_finding uuid, p_action text, p_comment text, p_until date, p_by text, p_today date)
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
    RAISE EXCEPTION 'no finding %', p_finding USING ERRCODE = 'CA404';
  END IF;
  IF p_action NOT IN ('acknowledge', 'waive', 'reopen') THEN
    RAISE EXCEPTION 'action must be acknowledge, waive or reopen' USING ERRCODE = 'CA422';
  END IF;
  IF p_action = 'waive' AND ca_blank(p_comment) THEN
    RAISE EXCEPTION 'a waiver needs a comment saying why' USING ERRCODE = 'CA422';
  END IF;
  IF p_until IS NOT NULL AND p_action <> 'waive' THEN
    RAISE EXCEPTION '"until" goes only with waive' USING ERRCODE = 'CA422';
  END IF;
  IF p_until IS NOT NULL AND p_until <= p_today THEN
    RAISE EXCEPTION 'the waiver expiry % is not after today (%)', p_until, p_today USING ERRCODE = 'CA422';
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
      USING ERRCODE = 'CA409';
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

-- A finding with its review history (for GET /api/v1/findings/{id}).
CREATE FUNCTION ca_finding_detail_json(p_finding uuid) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
  SELECT ca_finding_json(f)
         || jsonb_build_object('reviews',
              (SELECT coalesce(jsonb_agg(r.payload::jsonb || jsonb_build_object('hash', r.hash) ORDER BY r.seq),
                               '[]'::jsonb)
                 FROM review_log r WHERE r.finding_id = f.id))
    FROM findings f WHERE f.id = p_finding
$$;

-- Statistics of the cases filed in [p_from, p_to] of the agencies p_agencies (NULL: every agency), per agency.
-- Coverage figures come from the findings of the rules that check them, so they agree with the audit:
--   av_coverage          mandatory-recording events (R01 types) without an open R01 finding / all such events
--   legal_review_coverage  major decisions (decision.major, decision.complex or a hearing held) without an open
--                        L01 finding / all major decisions
--   publication_on_time  decided general-procedure penalty cases without an open P01 finding / all of them
CREATE FUNCTION ca_stats(p_pack text, p_agencies text[], p_from date, p_to date) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
  WITH sc AS (
    SELECT c.* FROM cases c
     WHERE (p_agencies IS NULL OR c.agency_code = ANY (p_agencies))
       AND (p_from IS NULL OR c.filed_on >= p_from) AND (p_to IS NULL OR c.filed_on <= p_to)
  ), counted AS (
    SELECT f.* FROM findings f JOIN sc ON sc.id = f.case_id WHERE f.status IN ('open', 'acknowledged')
  ), mandatory AS (
    SELECT sc.agency_code, e.case_id, e.event_id
      FROM sc JOIN case_events e ON e.case_id = sc.id
     WHERE ca_rule_params(p_pack, 'R01') -> 'default' -> 'types' ? e.type
  ), per_agency AS (
    SELECT a.code AS agency,
      (SELECT count(*) FROM sc WHERE sc.agency_code = a.code) AS cases,
      (SELECT count(*) FROM sc WHERE sc.agency_code = a.code AND sc.open_findings > 0) AS flagged,
      (SELECT round(avg(sc.score), 2) FROM sc WHERE sc.agency_code = a.code) AS average_score,
      (SELECT jsonb_build_object('excellent', count(*) FILTER (WHERE grade = 'excellent'),
                                 'pass', count(*) FILTER (WHERE grade = 'pass'),
                                 'fail', count(*) FILTER (WHERE grade = 'fail'))
         FROM sc WHERE sc.agency_code = a.code) AS grades,
      (SELECT coalesce(jsonb_object_agg(system, n), '{}') FROM
         (SELECT system, count(*) AS n FROM counted WHERE counted.agency_code = a.code GROUP BY system) x)
        AS findings_by_system,
      (SELECT coalesce(jsonb_object_agg(rule_id, n), '{}') FROM
         (SELECT rule_id, count(*) AS n FROM counted WHERE counted.agency_code = a.code GROUP BY rule_id) x)
        AS findings_by_rule,
      (SELECT jsonb_build_object('events', count(*),
                'covered', count(*) FILTER (WHERE NOT EXISTS (
                  SELECT 1 FROM counted f WHERE f.case_id = m.case_id AND f.rule_id = 'R01' AND f.key = m.event_id)))
         FROM mandatory m WHERE m.agency_code = a.code) AS av,
      (SELECT jsonb_build_object('decisions', count(*),
                'reviewed', count(*) FILTER (WHERE NOT EXISTS (
                  SELECT 1 FROM counted f WHERE f.case_id = sc.id AND f.rule_id = 'L01')))
         FROM sc WHERE sc.agency_code = a.code
          AND (sc.decision_major OR sc.decision_complex OR sc.hearing_held_on IS NOT NULL)) AS lr,
      (SELECT jsonb_build_object('decisions', count(*),
                'on_time', count(*) FILTER (WHERE NOT EXISTS (
                  SELECT 1 FROM counted f WHERE f.case_id = sc.id AND f.rule_id = 'P01')))
         FROM sc WHERE sc.agency_code = a.code AND sc.category = 'penalty' AND sc.procedure = 'general'
          AND sc.decided_on IS NOT NULL) AS pub,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'case_no', case_no, 'score', score, 'grade', grade)
                                 ORDER BY score DESC, id), '[]')
         FROM (SELECT * FROM sc WHERE sc.agency_code = a.code ORDER BY score DESC, id LIMIT 5) b) AS best,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'case_no', case_no, 'score', score, 'grade', grade)
                                 ORDER BY score, id), '[]')
         FROM (SELECT * FROM sc WHERE sc.agency_code = a.code ORDER BY score, id LIMIT 5) w) AS worst
    FROM agencies a
    WHERE (p_agencies IS NULL OR a.code = ANY (p_agencies))
      AND EXISTS (SELECT 1 FROM sc WHERE sc.agency_code = a.code)
  )
  SELECT jsonb_build_object(
    'from', p_from, 'to', p_to,
    'agencies', coalesce(jsonb_agg(jsonb_build_object(
      'agency', agency, 'cases', cases, 'flagged_cases', flagged, 'average_score', average_score,
      'grades', grades, 'findings_by_system', findings_by_system, 'findings_by_rule', findings_by_rule,
      'av_coverage', av || jsonb_build_object('rate', CASE WHEN (av ->> 'events')::int > 0
                          THEN round((av ->> 'covered')::numeric / (av ->> 'events')::int, 4) END),
      'legal_review_coverage', lr || jsonb_build_object('rate', CASE WHEN (lr ->> 'decisions')::int > 0
                          THEN round((lr ->> 'reviewed')::numeric / (lr ->> 'decisions')::int, 4) END),
      'publication_on_time', pub || jsonb_build_object('rate', CASE WHEN (pub ->> 'decisions')::int > 0
                          THEN round((pub ->> 'on_time')::numeric / (pub ->> 'decisions')::int, 4) END),
      'best_cases', best, 'worst_cases', worst) ORDER BY agency), '[]'))
  FROM per_agency
$$;
