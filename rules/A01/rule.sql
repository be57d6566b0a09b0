-- rules/A01/rule.sql: the one definition of rule A01 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- A01: the documents required for the category and procedure are present ----------------------------------
CREATE OR REPLACE FUNCTION ca_rule_a01(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS (
    SELECT c.id, c.category, c.procedure, c.decision_outcome, c.closed_on, c.archived_on,
           s.case_id IS NOT NULL AS has_seizure,
           ca_param(k.pp, c.sector, c.agency_code, 'general_penalty') AS l_general,
           ca_param(k.pp, c.sector, c.agency_code, 'simple_penalty') AS l_simple,
           ca_param(k.pp, c.sector, c.agency_code, 'seizure') AS l_seizure
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'A01') AS pp OFFSET 0) k  -- OFFSET 0: evaluated once, not per row
      LEFT JOIN (SELECT DISTINCT e.case_id FROM case_events e
                  WHERE e.case_id = ANY (p_ids) AND e.type IN ('seizure', 'sealing')) s ON s.case_id = c.id
     WHERE c.id = ANY (p_ids)
       AND (c.closed_on IS NOT NULL OR c.archived_on IS NOT NULL)
  ), req AS (
    -- one row per (case, checklist, required type); the expansion of a list is memoized per distinct list
    SELECT c.id, c.closed_on, c.archived_on, l.o, l.list, l.list_zh, l.list_en, t.type
      FROM c
      CROSS JOIN LATERAL (VALUES
          (1, 'general_penalty', '一般程序行政处罚案卷', 'a general-procedure penalty file',
              c.category = 'penalty' AND c.procedure = 'general' AND coalesce(c.decision_outcome, 'penalty') = 'penalty',
              c.l_general),
          (2, 'simple_penalty', '简易程序行政处罚案卷', 'a simple-procedure penalty file',
              c.category = 'penalty' AND c.procedure = 'simple', c.l_simple),
          (3, 'seizure', '实施查封、扣押的案卷', 'a file with a sealing or seizure', c.has_seizure, c.l_seizure)
        ) AS l(o, list, list_zh, list_en, applies, types)
      CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN l.applies AND jsonb_typeof(l.types) = 'array'
                                                   THEN l.types END) AS j(v)
      CROSS JOIN LATERAL (SELECT j.v #>> '{}' AS type) t
     WHERE jsonb_typeof(j.v) = 'string' AND NOT ca_blank(t.type)
  ), missing AS (
    -- the required types no document of the case has, grouped per type only now (few rows)
    SELECT q.id, q.closed_on, q.archived_on, q.type,
           array_agg(q.list ORDER BY q.o) AS lists, array_agg(q.list_zh ORDER BY q.o) AS lists_zh,
           array_agg(q.list_en ORDER BY q.o) AS lists_en
      FROM req q
     WHERE NOT EXISTS (SELECT 1 FROM case_documents d
                        WHERE d.case_id = q.id AND d.case_id = ANY (p_ids) AND d.type = q.type)
     GROUP BY q.id, q.closed_on, q.archived_on, q.type
  )
  SELECT q.id, q.type, 'error', false,
         jsonb_build_object(
           'missing_type', q.type, 'missing_type_zh', ca_ra_doc_type_zh(q.type),
           'checklists', to_jsonb(q.lists), 'checklists_zh', to_jsonb(q.lists_zh), 'checklists_en', to_jsonb(q.lists_en),
           'closed_on', q.closed_on, 'archived_on', q.archived_on,
           'state_zh', CASE WHEN q.closed_on IS NOT NULL THEN format('案件已于%s结案', ca_ra_d(q.closed_on))
                            ELSE format('案件已于%s归档', ca_ra_d(q.archived_on)) END,
           'state_en', CASE WHEN q.closed_on IS NOT NULL THEN format('The case was closed on %s', ca_ra_d(q.closed_on))
                            ELSE format('The case was archived on %s', ca_ra_d(q.archived_on)) END)
    FROM missing q
$$;
