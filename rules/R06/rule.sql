-- rules/R06/rule.sql: the one definition of rule R06 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- R06: a written record for every inspection, inquiry, sealing and seizure ------------------------------------
-- The event's document_refs must include a document of type inspection_record, inquiry_record or on_site_record
-- (a reference to a document the case does not hold does not count). key = event id.
CREATE OR REPLACE FUNCTION ca_rule_r06(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH e0 AS MATERIALIZED (
    SELECT e.case_id, e.event_id, e.type, e.started_at
      FROM case_events e
     WHERE e.case_id = ANY (p_ids) AND e.type IN ('on_site_inspection', 'inquiry', 'sealing', 'seizure')
  ), ed0 AS MATERIALIZED (
    SELECT ed.case_id, ed.event_id, ed.ord, ed.document_ref
      FROM case_event_documents ed
     WHERE ed.case_id = ANY (p_ids)
  ), d0 AS MATERIALIZED (   -- the written records of the batch
    SELECT d.case_id, d.doc_id
      FROM case_documents d
     WHERE d.case_id = ANY (p_ids) AND d.type IN ('inspection_record', 'inquiry_record', 'on_site_record')
  ), x AS (
    SELECT ed0.case_id, ed0.event_id, array_agg(ed0.document_ref ORDER BY ed0.ord) AS refs,
           bool_or(d0.doc_id IS NOT NULL) AS ok
      FROM ed0
      LEFT JOIN d0 ON d0.case_id = ed0.case_id AND d0.doc_id = ed0.document_ref
     GROUP BY ed0.case_id, ed0.event_id
  )
  SELECT e0.case_id, e0.event_id, 'error', false,
         jsonb_build_object(
           'event_id', e0.event_id, 'event_type', e0.type, 'started_at', e0.started_at,
           'event_zh', ca_pr_event_zh(e0.type, e0.event_id, e0.started_at),
           'event_en', ca_pr_event_en(e0.type, e0.event_id, e0.started_at),
           'document_refs', coalesce(to_jsonb(x.refs), '[]'::jsonb),
           'detail_zh', CASE WHEN x.refs IS NULL THEN '未关联任何文书'
                             ELSE '关联的文书（' || array_to_string(x.refs, '、') || '）中没有笔录' END,
           'detail_en', CASE WHEN x.refs IS NULL THEN 'it refers to no document'
                             ELSE 'none of the documents it refers to (' || array_to_string(x.refs, ', ')
                                  || ') is such a record' END)
    FROM e0
    LEFT JOIN x ON x.case_id = e0.case_id AND x.event_id = e0.event_id
   WHERE NOT coalesce(x.ok, false)
$$;
