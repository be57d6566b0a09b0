-- rules/D11/rule.sql: the one definition of rule D11 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- D11: a remedies text squeezed for phrase tests: white space removed, full-width digits to ASCII.
CREATE OR REPLACE FUNCTION ca_dc_squash(s text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(s, E'０１２３４５６７８９ \t\r\n\u00a0\u3000\u200b', '0123456789')
$$;

-- A configured date parameter ('YYYY-MM-DD') as a date; NULL when absent or not a valid date. Called once per
-- distinct (sector, agency) of an evaluation.
CREATE OR REPLACE FUNCTION ca_dc_date_or_null(s text) RETURNS date
    LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF s IS NULL OR length(s) <> 10 OR s !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
    RETURN NULL;
  END IF;
  RETURN s::date;
EXCEPTION WHEN OTHERS THEN
  RETURN NULL;
END
$$;

-- ---- D11: the remedies statement names both routes with their periods ------------------------------------------
-- One row per decision document whose fields.remedies (not blank: a blank one is D10's finding) lacks
--   复议 (行政复议 / 申请复议) or its period 60日 | 六十日 | 60天 | 六十天,
--   诉讼 or 起诉 (行政诉讼, 向人民法院起诉) or its period 6个月 | 六个月,
-- tested on the text with white space removed and full-width digits made ASCII; and, for an
-- onsite_penalty_decision decided (decided_on, else issued_on) on or after param recon_first_from (2024-01-01,
-- when 行政复议法 2023 art. 23 took effect; undated decisions are held to it), 复议前置 or 先 … 复议 within one
-- clause (先申请行政复议, 应当先依法向…申请行政复议). Under 复议前置 the suit lies against the reconsideration
-- decision within 15 days (行政诉讼法 art. 45), so for such a decision 15日 | 十五日 also satisfies the suit period.
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
