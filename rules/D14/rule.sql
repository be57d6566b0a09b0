-- rules/D14/rule.sql: the one definition of rule D14 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- D14: case number format and unique decision numbers ---------------------------------------------------------
-- warning, key '': case_no does not match param case_no_pattern, a PostgreSQL regular expression matched with ~
--   (anchor it: ^...$). Default "" = no pattern; set per agency. A pattern that does not compile skips the check
--   (a configuration error is not a defect of the case; the loader should refuse it).
-- error, key = document id: the number of a decision document (penalty_decision, onsite_penalty_decision; not
--   blank) is also the number of a decision document of another case of the same agency (exact string match).
--   Both cases get the finding when evaluated. An index on case_documents (number) WHERE type IN
--   ('penalty_decision', 'onsite_penalty_decision') turns the look-up into index probes.
CREATE OR REPLACE FUNCTION ca_rule_d14(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH cs AS MATERIALIZED (
    SELECT c.id, c.agency_code, coalesce(c.sector, '') AS sector, c.case_no
      FROM cases c
     WHERE c.id = ANY (p_ids)
  ), cfg AS MATERIALIZED (
    SELECT s.sector, s.agency_code, p.pattern, NOT ca_blank(p.pattern) AND ca_dc_regex_ok(p.pattern) AS usable
      FROM (SELECT DISTINCT cs.sector, cs.agency_code FROM cs) s
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'D14') AS pp OFFSET 0) k
      CROSS JOIN LATERAL (SELECT ca_param(k.pp, nullif(s.sector, ''), s.agency_code, 'case_no_pattern') #>> '{}'
                                   AS pattern) p
  ), decs AS (
    SELECT d.case_id, d.doc_id, d.type, d.number, cs.agency_code
      FROM cs
      JOIN case_documents d ON d.case_id = cs.id AND d.type IN ('penalty_decision', 'onsite_penalty_decision')
     WHERE NOT ca_blank(d.number)
  ), dup AS (
    SELECT x.case_id, x.doc_id, x.type, x.number,
           jsonb_agg(DISTINCT c2.case_no) AS other_case_nos
      FROM decs x
      JOIN case_documents d2
        ON d2.number = x.number AND d2.type IN ('penalty_decision', 'onsite_penalty_decision')
       AND d2.case_id <> x.case_id
      JOIN cases c2 ON c2.id = d2.case_id AND c2.agency_code = x.agency_code
     GROUP BY x.case_id, x.doc_id, x.type, x.number
  )
  SELECT cs.id, '', 'warning', false,
         jsonb_build_object(
           'case_no', cs.case_no, 'case_no_pattern', cfg.pattern,
           'detail_zh', '案号“' || cs.case_no || '”不符合本机关的案号格式（' || cfg.pattern || '）',
           'detail_en', 'case number "' || cs.case_no || '" does not match the agency''s pattern ' || cfg.pattern)
    FROM cs
    JOIN cfg ON cfg.sector = cs.sector AND cfg.agency_code = cs.agency_code
   WHERE cfg.usable AND cs.case_no !~ cfg.pattern
  UNION ALL
  SELECT x.case_id, x.doc_id, 'error', false,
         jsonb_build_object(
           'document_id', x.doc_id, 'document_type', x.type, 'document_name', ca_dc_doc_name(x.type),
           'number', x.number, 'other_case_nos', x.other_case_nos,
           'detail_zh', ca_dc_doc_name(x.type) || '（' || x.doc_id || '）文号“' || x.number || '”与本机关其他案件重复（'
                        || (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(x.other_case_nos) e) || '）',
           'detail_en', x.type || ' ' || x.doc_id || ': number "' || x.number || '" is also used by '
                        || (SELECT string_agg(e, ', ') FROM jsonb_array_elements_text(x.other_case_nos) e))
    FROM dup x
$$;
