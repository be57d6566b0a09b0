-- rules/R01/rule.sql: the one definition of rule R01 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- R01: full-process audio/video of mandatory events ----------------------------------------------------------
-- Events whose type is in the parameter list types. The recordings linked to the event (event_ref) with
-- ended_at > started_at are clipped to [started_at, ended_at]; every stretch of the event that no recording covers
-- (before the first, between, after the last) must be at most tolerance_s seconds long (exactly tolerance_s is
-- accepted); an interruption_note does not make an uncovered stretch recorded (R03 judges the notes). An event
-- without any well-formed recording fires whatever its length; an event without both times (or ending before it
-- starts) cannot be measured and fires only when it has no recording. Error, veto; key = event id.
CREATE OR REPLACE FUNCTION ca_rule_r01(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id, ca_param(k.pp, c.sector, c.agency_code, 'types') AS types,
           ca_param(k.pp, c.sector, c.agency_code, 'tolerance_s')::numeric AS tol
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'R01') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
  ), e0 AS MATERIALIZED (
    SELECT e.case_id, e.event_id, e.type, e.started_at, e.ended_at
      FROM case_events e
     WHERE e.case_id = ANY (p_ids)
  ), r0 AS MATERIALIZED (
    SELECT r.case_id, r.event_ref, r.recording_id, r.started_at, r.ended_at
      FROM case_recordings r
     WHERE r.case_id = ANY (p_ids) AND r.event_ref IS NOT NULL AND r.ended_at > r.started_at
  ), ev AS MATERIALIZED (   -- the mandatory events
    SELECT e0.*, e0.ended_at >= e0.started_at AS timed, c.tol
      FROM e0 JOIN c ON c.id = e0.case_id
     WHERE c.types ? e0.type
  ), rec AS MATERIALIZED (  -- their well-formed recordings; s, t: the part inside the event (NULL when untimed)
    SELECT ev.case_id, ev.event_id, r0.recording_id,
           CASE WHEN ev.timed THEN greatest(r0.started_at, ev.started_at) END AS s,
           CASE WHEN ev.timed THEN least(r0.ended_at, ev.ended_at) END AS t
      FROM ev JOIN r0 ON r0.case_id = ev.case_id AND r0.event_ref = ev.event_id
  ), seg AS MATERIALIZED (  -- the parts that overlap the event, each with the end of the coverage before it
    SELECT rec.case_id, rec.event_id, rec.s, rec.t,
           max(rec.t) OVER (PARTITION BY rec.case_id, rec.event_id ORDER BY rec.s, rec.t
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS covered_to
      FROM rec
     WHERE rec.t > rec.s
  ), hole AS (              -- uncovered stretches of timed events: before / between segments, after the last, or all
    SELECT seg.case_id, seg.event_id, coalesce(seg.covered_to, ev.started_at) AS h_from, seg.s AS h_to
      FROM seg JOIN ev ON ev.case_id = seg.case_id AND ev.event_id = seg.event_id
     WHERE seg.s > coalesce(seg.covered_to, ev.started_at)
    UNION ALL
    SELECT ev.case_id, ev.event_id, coalesce(m.t, ev.started_at), ev.ended_at
      FROM ev
      LEFT JOIN (SELECT seg.case_id, seg.event_id, max(seg.t) AS t FROM seg GROUP BY 1, 2) m
             ON m.case_id = ev.case_id AND m.event_id = ev.event_id
     WHERE ev.timed AND ev.ended_at > coalesce(m.t, ev.started_at)
  ), worst AS (
    SELECT DISTINCT ON (hole.case_id, hole.event_id) hole.case_id, hole.event_id, hole.h_from, hole.h_to,
           trim_scale(extract(epoch FROM hole.h_to - hole.h_from)) AS secs
      FROM hole
     ORDER BY hole.case_id, hole.event_id, hole.h_to - hole.h_from DESC, hole.h_from
  ), f AS (
    SELECT ev.*, w.h_from, w.h_to, w.secs, r.ids
      FROM ev
      LEFT JOIN worst w ON w.case_id = ev.case_id AND w.event_id = ev.event_id
      LEFT JOIN (SELECT rec.case_id, rec.event_id, array_agg(rec.recording_id ORDER BY rec.recording_id) AS ids
                   FROM rec GROUP BY 1, 2) r ON r.case_id = ev.case_id AND r.event_id = ev.event_id
     WHERE r.ids IS NULL OR w.secs > ev.tol
  )
  SELECT f.case_id, f.event_id, 'error', true,
         jsonb_build_object(
           'event_id', f.event_id, 'event_type', f.type,
           'event_zh', ca_pr_event_zh(f.type, f.event_id, f.started_at),
           'event_en', ca_pr_event_en(f.type, f.event_id, f.started_at),
           'started_at', f.started_at, 'ended_at', f.ended_at,
           'recordings', coalesce(to_jsonb(f.ids), '[]'::jsonb),
           'uncovered_from', f.h_from, 'uncovered_to', f.h_to, 'uncovered_s', f.secs, 'tolerance_s', f.tol,
           'detail_zh', CASE WHEN f.ids IS NULL THEN '没有关联有效的音像记录'
             ELSE format('音像记录（%s）未覆盖%s至%s，共%s秒，超过容许的%s秒', array_to_string(f.ids, '、'),
                         ca_pr_ts(f.h_from), ca_pr_ts(f.h_to), f.secs, f.tol) END,
           'detail_en', CASE WHEN f.ids IS NULL THEN 'no well-formed recording is linked to it'
             ELSE format('the recordings (%s) leave %s to %s uncovered, %s s, more than the %s s tolerated',
                         array_to_string(f.ids, ', '), ca_pr_ts(f.h_from), ca_pr_ts(f.h_to), f.secs, f.tol) END)
    FROM f
$$;
