-- rules/D17/rule.sql: the one definition of rule D17 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- D17: no blank or placeholder required field in the other documents -----------------------------------------
-- warning, one row per document of a type listed in param required_fields (default: the case-record.md table
-- without the decision documents, which D10 covers; decision types are excluded even if configured) that lacks a
-- required field (absent, null, blank) or has a placeholder (param placeholders, case-insensitive containment).
-- Same rule as 0009's (see there). Query shape:
--   - the documents are read once for the id set (case_documents.case_id = ANY (p_ids), the primary key, and the
--     listed types), hash-joined to the cases and to the per-(sector, agency, type) settings;
--   - a document can only fire when it lacks a required key (NOT fields ?& keys, one C call), is not an object
--     (->> is then NULL, blank, for every key), or its text form
--     (fields::text, computed once per document) contains a null, an empty or white-space-led string (strpos), or
--     a placeholder (one ~* over the whole text instead of one per key). That is a superset of the rule: a value's
--     match is also in the document's text, since jsonb's text form copies every character but ", \ and the
--     control characters, which a placeholder of the setting may then not contain (ph_text_ok; otherwise the test
--     is skipped for that setting). Blank white space is ' ', \t, \r, \n (written \t, \r, \n) and U+3000;
--   - 0009's exact per-key test and the evidence run only on the documents let through (~100 of 51,000).
CREATE OR REPLACE FUNCTION ca_rule_d17(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH cs AS MATERIALIZED (
    SELECT c.id, coalesce(c.sector, '') AS sector, c.agency_code FROM cases c WHERE c.id = ANY (p_ids)
  ), cfg AS MATERIALIZED (  -- per (sector, agency, listed document type): required keys, placeholder regex
    SELECT s.sector, s.agency_code, t.type,
           ARRAY(SELECT jsonb_array_elements_text(ca_jarr(t.keys))) AS keys, p.re, p.ph_list,
           NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(p.ph_list) AS x
                        WHERE strpos(x, '"') > 0 OR strpos(x, '\') > 0 OR x ~ '[\x01-\x1f]') AS ph_text_ok
      FROM (SELECT DISTINCT cs.sector, cs.agency_code FROM cs) s
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'D17') AS pp OFFSET 0) k
      CROSS JOIN LATERAL (
        SELECT ca_param(k.pp, nullif(s.sector, ''), s.agency_code, 'required_fields') AS req,
               ca_dc_placeholder_re(ca_param(k.pp, nullif(s.sector, ''), s.agency_code, 'placeholders')) AS re,
               ca_dc_text_list(ca_param(k.pp, nullif(s.sector, ''), s.agency_code, 'placeholders')) AS ph_list
        OFFSET 0) p
      CROSS JOIN LATERAL jsonb_each(ca_jobj(p.req)) AS t(type, keys)
     WHERE t.type NOT IN ('penalty_decision', 'onsite_penalty_decision')
  ), typ AS (  -- per listed type, over all settings of the id set: every required key, every placeholder regex
    SELECT c2.type, ARRAY(SELECT DISTINCT k FROM cfg c3, unnest(c3.keys) AS k
                           WHERE c3.type = c2.type AND k IS NOT NULL) AS keys
      FROM cfg c2 GROUP BY c2.type
  ), anyre AS (  -- NULL when no setting has a placeholder; true when one has a placeholder the text test misses
    SELECT string_agg(DISTINCT cfg.re, '|') AS re, bool_and(cfg.ph_text_ok) AS text_ok FROM cfg
  ), cand AS MATERIALIZED (  -- the cheap whole-document test (a superset of the rule, see above), in the scan;
                              -- MATERIALIZED so that the exact test below is not pushed ahead of it
    SELECT d.case_id, d.doc_id, d.type, d.fields
      FROM (SELECT d.case_id, d.doc_id, d.type, d.fields, typ.keys
              FROM case_documents d
              JOIN typ ON typ.type = d.type
             WHERE d.case_id = ANY (p_ids)
               AND d.type = ANY (ARRAY(SELECT typ.type FROM typ))) d
      CROSS JOIN anyre
      CROSS JOIN LATERAL (SELECT d.fields::text AS t OFFSET 0) ft  -- the text form once per document
     WHERE NOT d.fields ?& d.keys OR jsonb_typeof(d.fields) <> 'object'
        OR strpos(ft.t, 'null') > 0 OR strpos(ft.t, '""') > 0 OR strpos(ft.t, '" ') > 0 OR strpos(ft.t, '"\') > 0
        OR strpos(ft.t, '"　') > 0 OR NOT anyre.text_ok OR ft.t ~* anyre.re
  ), bad AS (  -- 0009's exact test: the first blank or placeholder value stops the scan of a document's keys
    SELECT b.*, g.keys, g.re, g.ph_list
      FROM cand b
      CROSS JOIN LATERAL (  -- a few rows: the case by its primary key, not a join of all cases to all settings
        SELECT cfg.keys, cfg.re, cfg.ph_list
          FROM cases c
          JOIN cfg ON cfg.sector = coalesce(c.sector, '') AND cfg.agency_code = c.agency_code AND cfg.type = b.type
         WHERE c.id = b.case_id
        OFFSET 0) g
     WHERE EXISTS (SELECT 1 FROM unnest(g.keys) AS k
                    WHERE k IS NOT NULL AND (ca_blank(b.fields ->> k) OR (b.fields ->> k) ~* g.re))
  ), det AS (
    SELECT b.*,
           ARRAY(SELECT k FROM unnest(b.keys) WITH ORDINALITY AS u(k, n)
                  WHERE k IS NOT NULL AND ca_blank(b.fields ->> k) ORDER BY n) AS blank,
           ARRAY(SELECT k FROM unnest(b.keys) WITH ORDINALITY AS u(k, n)
                  WHERE k IS NOT NULL AND NOT ca_blank(b.fields ->> k) AND (b.fields ->> k) ~* b.re ORDER BY n) AS ph
      FROM bad b
  )
  SELECT b.case_id, b.doc_id, 'warning', false,
         jsonb_build_object(
           'document_id', b.doc_id, 'document_type', b.type, 'document_name', ca_dc_doc_name(b.type),
           'blank_fields', to_jsonb(b.blank), 'placeholder_fields', to_jsonb(b.ph),
           'placeholder_values', coalesce((SELECT jsonb_object_agg(k, left(b.fields ->> k, 100)) FROM unnest(b.ph) k),
                                          '{}'),
           'placeholders', b.ph_list,
           'problems_zh', array_to_string(ARRAY[
               CASE WHEN cardinality(b.blank) > 0 THEN '以下必填事项为空：' ||
                 (SELECT string_agg(ca_dc_field_name(k) || '（' || k || '）', '、') FROM unnest(b.blank) k) END,
               CASE WHEN cardinality(b.ph) > 0 THEN '以下事项仅填写了占位符：' ||
                 (SELECT string_agg(ca_dc_field_name(k) || '“' || left(b.fields ->> k, 30) || '”', '、')
                    FROM unnest(b.ph) k) END], '；'),
           'problems_en', array_to_string(ARRAY[
               CASE WHEN cardinality(b.blank) > 0 THEN 'blank: ' || array_to_string(b.blank, ', ') END,
               CASE WHEN cardinality(b.ph) > 0 THEN 'placeholder text in: ' || array_to_string(b.ph, ', ') END], '; '))
    FROM det b
$$;
