-- rules/R03/rule.sql: the one definition of rule R03 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- R03: no unexplained gap between the recordings of one event ------------------------------------------------
-- The well-formed recordings (ended_at > started_at) of each event_ref, in order of start; a recording that starts
-- more than max_gap_s seconds after every earlier one has ended (exactly max_gap_s is accepted) resumes after a
-- gap and must carry a non-blank interruption_note (local rules: the interruption is explained on resuming).
-- key = the resuming recording's id.
CREATE OR REPLACE FUNCTION ca_rule_r03(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id, ca_param(k.pp, c.sector, c.agency_code, 'max_gap_s')::numeric AS max_gap
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'R03') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
  ), r0 AS MATERIALIZED (
    SELECT r.case_id, r.event_ref, r.recording_id, r.started_at, r.ended_at, r.interruption_note
      FROM case_recordings r
     WHERE r.case_id = ANY (p_ids) AND r.event_ref IS NOT NULL AND r.ended_at > r.started_at
  ), g AS (
    SELECT r0.case_id, r0.event_ref, r0.recording_id, r0.started_at, r0.interruption_note,
           max(r0.ended_at) OVER (PARTITION BY r0.case_id, r0.event_ref
                                  ORDER BY r0.started_at, r0.ended_at, r0.recording_id
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
      FROM r0
  ), f AS (
    SELECT g.*, trim_scale(extract(epoch FROM g.started_at - g.prev_end)) AS gap_s, c.max_gap
      FROM g JOIN c ON c.id = g.case_id
     WHERE g.started_at > g.prev_end
       AND extract(epoch FROM g.started_at - g.prev_end) > c.max_gap
       AND ca_blank(g.interruption_note)
  )
  SELECT f.case_id, f.recording_id, 'warning', false,
         jsonb_build_object(
           'event_id', f.event_ref, 'recording_id', f.recording_id,
           'event_zh', ca_pr_event_zh(e.type, f.event_ref, e.started_at),
           'event_en', ca_pr_event_en(e.type, f.event_ref, e.started_at),
           'gap_from', f.prev_end, 'gap_to', f.started_at, 'gap_s', f.gap_s, 'max_gap_s', f.max_gap,
           'gap_from_text', ca_pr_ts(f.prev_end), 'gap_to_text', ca_pr_ts(f.started_at))
    FROM f
    LEFT JOIN LATERAL (SELECT e.type, e.started_at FROM case_events e
                        WHERE e.case_id = f.case_id AND e.event_id = f.event_ref) e ON true
$$;
