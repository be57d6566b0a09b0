-- 0019_rule_speed_c: rules D10, D11 and D15 (0009) evaluated set-based for the audit chunk (issue #8). Each
-- function replaces 0009's definition with the same signature and exactly the same rows (case_id, key, severity,
-- veto, evidence); checked with EXCEPT ALL both ways against 0009's on 20,056 cases at two as-of dates, and on
-- edge cases (placeholders with quotes, backslashes, case variants, blank and null values, absent keys).
--
-- Why: the rules read case_documents case by case (a nested loop whose inner index scan also carried the whole
-- id array) and ran a regex per required field per decision document.
-- Figures (ms, 20,056-case database, jit off, 2 cores shared with other work; 10,000 and 500 ids: median of 3,
-- custom plan; 1 case: generic plan, mean of 60 cases, median of 3 rounds), old -> new:
--   D10   10,000 ids  606 -> 348    500 ids  33 -> 24.5   1 case 0.87 -> 1.0 (+0.1: the pre-filter regex is
--                                                         built per call; within the noise of this machine)
--   D11   10,000 ids  518 -> 148    500 ids  26 -> 17     1 case 0.51 -> 0.09
--   D15   10,000 ids  300 -> 266    500 ids 250 -> 13     1 case 0.11 -> 0.05
-- (D15's 10,000 ids are bound by reading their documents: half of case_documents here.)

-- ---- Helpers ---------------------------------------------------------------------------------------------------

-- D10's pre-filter: one regex for the JSON text of a decision document's fields (jsonb output: `"key": value`,
-- strings escaped character by character). It matches every document that has a blank required value (JSON null,
-- or a string of white space only as ca_blank counts it: ' ', \t, \r, \n, U+3000, of which three are escaped) or a
-- placeholder in a required value, and a few more (a blank field that is not required, a key name): a superset,
-- which ca_rule_d10 narrows with the exact per-field tests. The placeholders are re (ca_dc_placeholder_re of p:
-- found in an object or array value, whose ->> text is JSON, and in most strings) plus the JSON-escaped form of
-- those that escaping changes (found in a string value); case folding does not touch the escaped characters
-- (", \, control characters). An absent key is found by ?&, not here. '' (every document) if the alternation
-- does not compile. Called once per (sector, agency) of an evaluation.
CREATE FUNCTION ca_dc_d10_prefilter_re(p jsonb, re text) RETURNS text
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

-- ---- D11: the remedies statement names both routes with their periods ------------------------------------------
-- Same findings as 0009's D11. The decision documents with a remedies text are read in one scan (case_id = ANY)
-- with a cheap test first, on the text as stored: every phrase the rule asks for that is found there is also found
-- after ca_dc_squash (which only removes white space and turns full-width digits into ASCII, and no phrase holds
-- either), and so is a 先 … 复议 clause (removing characters only shortens it). A document that has them all,
-- every on-site decision being held to 复议前置 here (stricter than the rule, so that the test needs neither the
-- case nor the settings), passes; only the others (a few) are joined to their case and settings, squashed and
-- tested as in 0009. 0009 read every case of the set, its documents case by case, and squashed every remedies
-- text (translate).
CREATE OR REPLACE FUNCTION ca_rule_d11(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH dd AS MATERIALIZED (  -- one scan of the decision documents; only those that fail the cheap test remain
    SELECT d.case_id, d.doc_id, d.type, d.issued_on, d.fields ->> 'remedies' AS remedies
      FROM case_documents d
     WHERE d.case_id = ANY (p_ids) AND d.type IN ('penalty_decision', 'onsite_penalty_decision')
       AND NOT ca_blank(d.fields ->> 'remedies')
       AND NOT (strpos(d.fields ->> 'remedies', '复议') > 0
                AND (strpos(d.fields ->> 'remedies', '60日') > 0 OR strpos(d.fields ->> 'remedies', '六十日') > 0
                     OR strpos(d.fields ->> 'remedies', '60天') > 0 OR strpos(d.fields ->> 'remedies', '六十天') > 0)
                AND (strpos(d.fields ->> 'remedies', '诉讼') > 0 OR strpos(d.fields ->> 'remedies', '起诉') > 0)
                AND (strpos(d.fields ->> 'remedies', '6个月') > 0 OR strpos(d.fields ->> 'remedies', '六个月') > 0)
                AND (d.type <> 'onsite_penalty_decision' OR strpos(d.fields ->> 'remedies', '复议前置') > 0
                     OR (d.fields ->> 'remedies') ~ '先[^。；;]{0,60}复议'))
  ), cs AS MATERIALIZED (  -- the cases of those documents only
    SELECT d.*, coalesce(c.sector, '') AS sector, c.agency_code, c.decided_on
      FROM dd d
      JOIN cases c ON c.id = d.case_id
  ), cfg AS MATERIALIZED (
    SELECT s.sector, s.agency_code, p.from_text, ca_dc_date_or_null(p.from_text) AS from_on
      FROM (SELECT DISTINCT cs.sector, cs.agency_code FROM cs) s
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'D11') AS pp OFFSET 0) k
      CROSS JOIN LATERAL (SELECT ca_param(k.pp, nullif(s.sector, ''), s.agency_code, 'recon_first_from') #>> '{}'
                                   AS from_text) p
  ), cand AS (
    SELECT d.*, cfg.from_text,
           d.type = 'onsite_penalty_decision'
             AND coalesce(d.decided_on, d.issued_on, 'infinity') >= coalesce(cfg.from_on, '-infinity') AS first_required
      FROM cs d
      JOIN cfg ON cfg.sector = d.sector AND cfg.agency_code = d.agency_code
  ), m AS (  -- 0009's tests on the squashed text
    SELECT d.case_id, d.doc_id, d.type, d.remedies,
           coalesce(d.decided_on, d.issued_on) AS dated, d.from_text,
           strpos(t.r, '复议') > 0 AS recon,
           (strpos(t.r, '60日') > 0 OR strpos(t.r, '六十日') > 0 OR strpos(t.r, '60天') > 0
            OR strpos(t.r, '六十天') > 0) AS recon_days,
           (strpos(t.r, '诉讼') > 0 OR strpos(t.r, '起诉') > 0) AS suit,
           (strpos(t.r, '6个月') > 0 OR strpos(t.r, '六个月') > 0
            OR (d.first_required AND (strpos(t.r, '15日') > 0 OR strpos(t.r, '十五日') > 0))) AS suit_months,
           CASE WHEN d.first_required THEN strpos(t.r, '复议前置') > 0 OR t.r ~ '先[^。；;]{0,60}复议' END
             AS recon_first
      FROM cand d
      CROSS JOIN LATERAL (SELECT ca_dc_squash(d.remedies) AS r OFFSET 0) t  -- once per document
  ), f AS (
    SELECT m.*,
           array_remove(ARRAY[
             CASE WHEN NOT m.recon THEN '申请行政复议的途径和期限（六十日）'
                  WHEN NOT m.recon_days THEN '申请行政复议的期限（六十日）' END,
             CASE WHEN NOT m.suit THEN '提起行政诉讼的途径和期限（六个月）'
                  WHEN NOT m.suit_months THEN '提起行政诉讼的期限（六个月）' END,
             CASE WHEN m.recon_first IS FALSE THEN '当场处罚决定应当先申请行政复议（复议前置）的告知' END],
             NULL) AS missing,
           array_remove(ARRAY[
             CASE WHEN NOT m.recon THEN 'administrative reconsideration within 60 days'
                  WHEN NOT m.recon_days THEN 'the 60-day period for reconsideration' END,
             CASE WHEN NOT m.suit THEN 'administrative litigation within 6 months'
                  WHEN NOT m.suit_months THEN 'the 6-month period for litigation' END,
             CASE WHEN m.recon_first IS FALSE THEN 'that reconsideration must come first (on-site decision)' END],
             NULL) AS missing_en
      FROM m
  )
  SELECT f.case_id, f.doc_id, 'error', false,
         jsonb_build_object(
           'document_id', f.doc_id, 'document_type', f.type, 'document_name', ca_dc_doc_name(f.type),
           'decided_on', f.dated, 'remedies', left(f.remedies, 500),
           'recon_first_required', f.recon_first IS NOT NULL, 'recon_first_from', f.from_text,
           'missing', to_jsonb(f.missing), 'missing_zh', array_to_string(f.missing, '；'),
           'missing_en', array_to_string(f.missing_en, '; '))
    FROM f
   WHERE cardinality(f.missing) > 0
$$;

-- ---- D15: the party's name is the same on every document ----------------------------------------------------------
-- Same findings as 0009's D15. 0009's single join read all of case_documents (a hash join whose scan computed
-- fields ->> 'party_name' and its blank test for every document of every case, whatever the id set); here the
-- documents of the set are read by case_id = ANY, hash-joined to their case, and only the documents whose name is
-- not byte-equal to the case's (a few) are tested for blank and normalised. The MATERIALIZED CTE keeps the blank
-- test from being pushed down to every document.
CREATE OR REPLACE FUNCTION ca_rule_d15(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH ne AS MATERIALIZED (
    SELECT d.case_id, d.doc_id, d.type, d.fields ->> 'party_name' AS name_on_document, c.party_name
      FROM case_documents d
      JOIN cases c ON c.id = d.case_id
     WHERE d.case_id = ANY (p_ids) AND c.id = ANY (p_ids)
       AND d.fields ->> 'party_name' <> c.party_name
  )
  SELECT ne.case_id, ne.doc_id, 'warning', false,
         jsonb_build_object(
           'document_id', ne.doc_id, 'document_type', ne.type, 'document_name', ca_dc_doc_name(ne.type),
           'name_on_document', ne.name_on_document, 'party_name', ne.party_name)
    FROM ne
   WHERE NOT ca_blank(ne.party_name)
     AND NOT ca_blank(ne.name_on_document)
     AND ca_dc_norm_name(ne.name_on_document) <> ca_dc_norm_name(ne.party_name)
$$;
