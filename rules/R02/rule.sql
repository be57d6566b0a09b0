-- rules/R02/rule.sql: the one definition of rule R02 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- R02: situational audio/video or a reason for its absence ---------------------------------------------------
-- Events whose type is in types need a recording (event_ref) or a non-blank no_av_reason; key = event id.
-- Services whose method is in service_methods need a recording named by recording_ref, or a `service` event whose
-- document_refs hold the served document and which has a recording or a no_av_reason (the only place a service
-- can state one); key = document_ref/method (several such services of one document by one method: one finding,
-- about the first of them).
-- Changed from 0006 (same rows): the three "no such row" tests were NOT EXISTS anti joins; with the small row
-- estimates of a CTE the planner made the events' one a nested loop that rescanned the recordings for every event
-- (500 ids: 90 ms CPU, most of it there). They are now hashed sub-plans over the batch's rows, built once and
-- probed per row: `(a, b) IN (SELECT ...) IS NOT TRUE` is NOT EXISTS here because neither side holds a NULL
-- (event_ref IS NOT NULL is filtered, a NULL recording_ref is tested first): with a NULL the executor would
-- scan the whole hash table for a partial match on every probe. The document references of the events are no
-- longer read for the whole batch, only for the few recorded (or explained) `service` events (by primary key).
CREATE OR REPLACE FUNCTION ca_rule_r02(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id, ca_param(k.pp, c.sector, c.agency_code, 'types') AS types,
           ca_param(k.pp, c.sector, c.agency_code, 'service_methods') AS methods
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'R02') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
  ), e0 AS MATERIALIZED (
    SELECT e.case_id, e.event_id, e.type, e.started_at, e.ended_at, e.no_av_reason
      FROM case_events e
     WHERE e.case_id = ANY (p_ids)
  ), r0 AS MATERIALIZED (
    SELECT r.case_id, r.recording_id, r.event_ref
      FROM case_recordings r
     WHERE r.case_id = ANY (p_ids)
  ), s0 AS MATERIALIZED (
    SELECT s.case_id, s.ord, s.document_ref, s.method, s.served_on, s.recording_ref
      FROM case_services s
     WHERE s.case_id = ANY (p_ids) AND s.document_ref IS NOT NULL
  ), sev AS (               -- `service` events that are recorded or say why not
    SELECT e0.case_id, e0.event_id FROM e0 WHERE e0.type = 'service' AND NOT ca_blank(e0.no_av_reason)
    UNION
    SELECT e0.case_id, e0.event_id FROM e0 JOIN r0 ON r0.case_id = e0.case_id AND r0.event_ref = e0.event_id
     WHERE e0.type = 'service'
  ), svc AS (               -- the documents those events served
    SELECT DISTINCT ed.case_id, ed.document_ref
      FROM sev JOIN case_event_documents ed ON ed.case_id = sev.case_id AND ed.event_id = sev.event_id
  )
  SELECT e0.case_id, e0.event_id, 'warning', false,
         jsonb_build_object(
           'event_id', e0.event_id, 'event_type', e0.type, 'started_at', e0.started_at, 'ended_at', e0.ended_at,
           'subject_zh', ca_pr_event_zh(e0.type, e0.event_id, e0.started_at),
           'subject_en', ca_pr_event_en(e0.type, e0.event_id, e0.started_at))
    FROM e0
    JOIN c ON c.id = e0.case_id
   WHERE c.types ? e0.type
     AND ca_blank(e0.no_av_reason)
     AND ((e0.case_id, e0.event_id) IN (SELECT r0.case_id, r0.event_ref FROM r0 WHERE r0.event_ref IS NOT NULL))
         IS NOT TRUE
  UNION ALL
  SELECT x.case_id, x.document_ref || '/' || x.method, 'warning', false,
         jsonb_build_object(
           'document_ref', x.document_ref, 'method', x.method, 'served_on', x.served_on,
           'recording_ref', x.recording_ref,
           'subject_zh', format('%s（%s）的%s%s', ca_pr_doc_type_zh(x.doc_type), x.document_ref,
                                ca_pr_method_zh(x.method), coalesce('（' || ca_pr_d(x.served_on) || '）', '')),
           'subject_en', format('service of %s %s by %s%s', replace(coalesce(x.doc_type, 'document'), '_', ' '),
                                x.document_ref, x.method, coalesce(' (' || ca_pr_d(x.served_on) || ')', '')))
    FROM (SELECT DISTINCT ON (s0.case_id, s0.document_ref, s0.method) s0.*,
                 (SELECT d.type FROM case_documents d
                   WHERE d.case_id = s0.case_id AND d.doc_id = s0.document_ref) AS doc_type
            FROM s0
            JOIN c ON c.id = s0.case_id
           WHERE c.methods ? s0.method
             AND (s0.recording_ref IS NULL
                  OR ((s0.case_id, s0.recording_ref) IN (SELECT r0.case_id, r0.recording_id FROM r0)) IS NOT TRUE)
             AND ((s0.case_id, s0.document_ref) IN (SELECT svc.case_id, svc.document_ref FROM svc)) IS NOT TRUE
           ORDER BY s0.case_id, s0.document_ref, s0.method, s0.ord) x
$$;
