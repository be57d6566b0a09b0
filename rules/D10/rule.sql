-- rules/D10/rule.sql: the one definition of rule D10 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- D10's pre-filter: one regex for the JSON text of a decision document's fields (jsonb output: `"key": value`,
-- strings escaped character by character). It matches every document that has a blank required value (JSON null,
-- or a string of white space only as ca_blank counts it: ' ', \t, \r, \n, U+3000, of which three are escaped) or a
-- placeholder in a required value, and a few more (a blank field that is not required, a key name): a superset,
-- which ca_rule_d10 narrows with the exact per-field tests. The placeholders are re (ca_dc_placeholder_re of p:
-- found in an object or array value, whose ->> text is JSON, and in most strings) plus the JSON-escaped form of
-- those that escaping changes (found in a string value); case folding does not touch the escaped characters
-- (", \, control characters). An absent key is found by ?&, not here. '' (every document) if the alternation
-- does not compile. Called once per (sector, agency) of an evaluation.
CREATE OR REPLACE FUNCTION ca_dc_d10_prefilter_re(p jsonb, re text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN ca_dc_regex_ok(r.pre) THEN r.pre ELSE '' END
    FROM (SELECT '": null|": "( |\\t|\\r|\\n|' || E'\u3000' || ')*"' || coalesce('|' || re, '')
                 || coalesce('|' || string_agg(regexp_replace(j.y, '([.^$*+?()\[\]{}|\\])', '\\\1', 'g'), '|'), '')
                   AS pre
            FROM jsonb_array_elements_text(ca_jarr(p)) AS x
            CROSS JOIN LATERAL (SELECT substr(to_jsonb(x)::text, 2, length(to_jsonb(x)::text) - 2) AS y) j
           WHERE NOT ca_blank(x) AND j.y <> x) r
$$;

-- ---- D10: the decision document is complete and sealed ----------------------------------------------------------
-- One row per penalty_decision / onsite_penalty_decision document (any category or procedure) that lacks a
-- required field (absent, null, blank) or has a placeholder in one (param placeholders: a case-insensitive
-- containment test, so "罚款人民币XXX元" and "xxx路" are placeholders), or whose seal is not true (false or absent).
-- Required keys: param required_fields, an object {document type: [keys]}, default the case-record.md table;
-- a profile or agency override replaces the whole object.
-- Same findings as 0009's D10. The decision documents of the whole set are read in one scan (the partial index of
-- 0014 or the primary key, case_id = ANY) and hash-joined to their case and its settings; one regex call on the
-- fields' JSON text (ca_dc_d10_prefilter_re) replaces one EXISTS with a regex per required field per document
-- (~11 regex calls, most of 0009's cost); the per-field detail of 0009 runs only for the few documents the
-- pre-filter keeps, and the last WHERE drops those that have no defect after all.
CREATE OR REPLACE FUNCTION ca_rule_d10(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH cs AS MATERIALIZED (
    SELECT c.id, coalesce(c.sector, '') AS sector, c.agency_code FROM cases c WHERE c.id = ANY (p_ids)
  ), cfg AS MATERIALIZED (  -- per (sector, agency): the required keys of each decision type, the placeholder regex
                            -- and the pre-filter regex (one row per pair: a 1:1 hash join with the cases)
    SELECT s.sector, s.agency_code,
           ARRAY(SELECT jsonb_array_elements_text(ca_jarr(ca_jobj(p.req) -> 'penalty_decision'))) AS keys_pd,
           ARRAY(SELECT jsonb_array_elements_text(ca_jarr(ca_jobj(p.req) -> 'onsite_penalty_decision'))) AS keys_opd,
           p.re, p.ph_list, ca_dc_d10_prefilter_re(p.ph, p.re) AS pre
      FROM (SELECT DISTINCT cs.sector, cs.agency_code FROM cs) s
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'D10') AS pp OFFSET 0) k
      CROSS JOIN LATERAL (
        SELECT ca_param(k.pp, nullif(s.sector, ''), s.agency_code, 'required_fields') AS req,
               ca_dc_placeholder_re(ca_param(k.pp, nullif(s.sector, ''), s.agency_code, 'placeholders')) AS re,
               ca_dc_text_list(ca_param(k.pp, nullif(s.sector, ''), s.agency_code, 'placeholders')) AS ph_list,
               ca_param(k.pp, nullif(s.sector, ''), s.agency_code, 'placeholders') AS ph
        OFFSET 0) p
  ), dd AS MATERIALIZED (  -- the decision documents of the whole set, one scan of case_documents
    SELECT d.case_id, d.doc_id, d.type, d.number, d.seal, d.fields
      FROM case_documents d
     WHERE d.case_id = ANY (p_ids) AND d.type IN ('penalty_decision', 'onsite_penalty_decision')
  ), docs AS (  -- with the settings of their case: hash joins (MATERIALIZED above keeps the planner from probing
                -- the documents per case with the whole array in the index condition)
    SELECT d.*, CASE d.type WHEN 'penalty_decision' THEN cfg.keys_pd ELSE cfg.keys_opd END AS keys,
           cfg.re, cfg.ph_list, cfg.pre
      FROM dd d
      JOIN cs ON cs.id = d.case_id
      JOIN cfg ON cfg.sector = cs.sector AND cfg.agency_code = cs.agency_code
  ), bad AS MATERIALIZED (  -- cheap test first: seal, a required key absent, then one regex call on the whole
                            -- fields (ca_dc_d10_prefilter_re); MATERIALIZED keeps det's subplans from being
                            -- evaluated on every document
    SELECT x.case_id, x.doc_id, x.type, x.number, x.seal, x.fields, x.keys, x.re, x.ph_list
      FROM docs x
     WHERE x.seal IS NOT TRUE OR NOT x.fields ?& x.keys OR x.fields::text ~* x.pre
  ), det AS (  -- the few defective documents in detail
    SELECT b.*,
           ARRAY(SELECT k FROM unnest(b.keys) WITH ORDINALITY AS u(k, n)
                  WHERE k IS NOT NULL AND ca_blank(b.fields ->> k) ORDER BY n) AS blank,
           ARRAY(SELECT k FROM unnest(b.keys) WITH ORDINALITY AS u(k, n)
                  WHERE k IS NOT NULL AND NOT ca_blank(b.fields ->> k) AND (b.fields ->> k) ~* b.re ORDER BY n) AS ph
      FROM bad b
  )
  SELECT b.case_id, b.doc_id, 'error', false,
         jsonb_build_object(
           'document_id', b.doc_id, 'document_type', b.type, 'document_name', ca_dc_doc_name(b.type),
           'number', b.number, 'seal', b.seal,
           'blank_fields', to_jsonb(b.blank), 'placeholder_fields', to_jsonb(b.ph),
           'placeholder_values', coalesce((SELECT jsonb_object_agg(k, left(b.fields ->> k, 100)) FROM unnest(b.ph) k),
                                          '{}'),
           'placeholders', b.ph_list,
           'problems_zh', array_to_string(ARRAY[
               CASE WHEN b.seal IS NOT TRUE THEN '未加盖行政机关印章' END,
               CASE WHEN cardinality(b.blank) > 0 THEN '以下必备事项未填写：' ||
                 (SELECT string_agg(ca_dc_field_name(k) || '（' || k || '）', '、') FROM unnest(b.blank) k) END,
               CASE WHEN cardinality(b.ph) > 0 THEN '以下事项仅填写了占位符：' ||
                 (SELECT string_agg(ca_dc_field_name(k) || '“' || left(b.fields ->> k, 30) || '”', '、')
                    FROM unnest(b.ph) k) END], '；'),
           'problems_en', array_to_string(ARRAY[
               CASE WHEN b.seal IS NOT TRUE THEN 'no agency seal' END,
               CASE WHEN cardinality(b.blank) > 0 THEN 'blank: ' || array_to_string(b.blank, ', ') END,
               CASE WHEN cardinality(b.ph) > 0 THEN 'placeholder text in: ' || array_to_string(b.ph, ', ') END], '; '))
    FROM det b
   WHERE b.seal IS NOT TRUE OR cardinality(b.blank) > 0 OR cardinality(b.ph) > 0
$$;
