-- 0009: rules D10-D18 (system documents: content of the decision and the records, dates in procedural order,
-- identifiers, party names, signatures, seizure terms) and their group dispatcher
-- ca_collect_hits_documents_content(), which 0010's ca_collect_hits() calls.
--
-- Every rule follows the contract in 0004's header: ca_rule_dNN(p_pack, p_ids, p_as_of) RETURNS TABLE (case_id,
-- key, severity, veto, evidence), LANGUAGE sql STABLE, set-based over the cases id = ANY(p_ids), never raising.
-- rules/documents-content.json holds titles, messages, parameters and a sentence on what each rule checks; the
-- evidence keys named in its messages are emitted on every row of the rule. Interpretations where
-- shared/contract/rules.md is silent are stated at each rule below.
--
-- Helpers are prefixed ca_dc_ (documents-content) so that they cannot collide with other rule groups. The scalar
-- helpers are single-expression IMMUTABLE SQL functions, inlined by the planner.
--
-- Query shape, measured on 100,000 cases (1.8M documents); each point removed a quadratic or per-row cost:
--   - cases are selected once, `c.id = ANY (p_ids)` in a MATERIALIZED CTE (an index scan with sorted array keys,
--     or a seq scan with a hashed array), and every child table is joined to it on case_id only. Repeating
--     `d.case_id = ANY (p_ids)` on a child makes the inner index scan of a nested loop walk the whole array per
--     outer row.
--   - the parameters come from `(SELECT ca_rule_params(...) AS pp OFFSET 0)`: OFFSET 0 keeps the subquery from
--     being pulled up (ca_rule_params reads the whole pack body; 0004 also makes it VOLATILE for that reason).
--     Per-(sector, agency) settings (lists, regexes) are computed once per distinct pair in a cfg CTE.
--   - an expensive value used several times is computed in a LATERAL (... OFFSET 0) or an OFFSET 0 subquery;
--     a plain LATERAL (SELECT expr) is flattened and expr evaluated at every use.
--   - per-row work is a cheap test first (seal, first blank or placeholder value of an EXISTS), the detail
--     (arrays, texts) only for the rows that fire.

-- ---- Helpers ---------------------------------------------------------------------------------------------------

-- Chinese name of a document type (case-record.md), for messages.
CREATE FUNCTION ca_dc_doc_name(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE t
    WHEN 'case_source' THEN '案件来源登记表'
    WHEN 'filing_approval' THEN '立案审批表'
    WHEN 'inquiry_record' THEN '询问笔录'
    WHEN 'inspection_record' THEN '现场检查（勘验）笔录'
    WHEN 'on_site_record' THEN '现场笔录'
    WHEN 'evidence' THEN '证据材料'
    WHEN 'preservation_notice' THEN '先行登记保存通知书'
    WHEN 'seizure_decision' THEN '查封扣押决定书'
    WHEN 'seizure_list' THEN '查封扣押清单'
    WHEN 'release_decision' THEN '解除查封扣押决定书'
    WHEN 'investigation_report' THEN '调查终结报告'
    WHEN 'legal_review_opinion' THEN '法制审核意见书'
    WHEN 'collective_discussion_record' THEN '集体讨论记录'
    WHEN 'prior_notice' THEN '行政处罚事先告知书'
    WHEN 'hearing_notice' THEN '听证通知书'
    WHEN 'hearing_record' THEN '听证笔录'
    WHEN 'statement_record' THEN '陈述申辩笔录'
    WHEN 'decision_approval' THEN '行政处罚决定审批表'
    WHEN 'penalty_decision' THEN '行政处罚决定书'
    WHEN 'onsite_penalty_decision' THEN '当场行政处罚决定书'
    WHEN 'service_receipt' THEN '送达回证'
    WHEN 'payment_receipt' THEN '罚没款票据'
    WHEN 'closing_report' THEN '结案报告'
    WHEN 'archive_note' THEN '备考表'
    WHEN 'other' THEN '其他文书'
    ELSE coalesce(t, '文书') END
$$;

-- Chinese label of a documents[].fields key (case-record.md), for messages; an unknown key is shown as itself.
CREATE FUNCTION ca_dc_field_name(k text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE k
    WHEN 'party_name' THEN '当事人名称（姓名）'
    WHEN 'party_address' THEN '当事人地址'
    WHEN 'facts' THEN '违法事实'
    WHEN 'evidence' THEN '证据'
    WHEN 'violated_provision' THEN '违反的法律条款'
    WHEN 'penalty' THEN '行政处罚的种类和内容'
    WHEN 'legal_basis' THEN '法律依据'
    WHEN 'performance' THEN '履行方式和期限'
    WHEN 'remedies' THEN '救济途径和期限'
    WHEN 'authority' THEN '行政机关名称'
    WHEN 'decision_date' THEN '作出决定的日期'
    WHEN 'amount' THEN '罚款数额'
    WHEN 'time' THEN '时间'
    WHEN 'place' THEN '地点'
    WHEN 'proposed_penalty' THEN '拟作出的行政处罚'
    WHEN 'reasons' THEN '理由'
    WHEN 'rights' THEN '当事人依法享有的权利'
    WHEN 'deadline' THEN '行使权利的期限'
    WHEN 'case_source' THEN '案件来源'
    WHEN 'handlers' THEN '承办人'
    WHEN 'approval_opinion' THEN '审批意见'
    WHEN 'approved_on' THEN '审批日期'
    WHEN 'started_at' THEN '开始时间'
    WHEN 'ended_at' THEN '结束时间'
    WHEN 'content' THEN '记录内容'
    WHEN 'credentials_shown' THEN '出示执法证件情况'
    WHEN 'term' THEN '期限'
    WHEN 'items' THEN '查封扣押的场所、设施或者财物'
    WHEN 'reviewed_items' THEN '审核事项'
    WHEN 'opinion' THEN '审核意见'
    WHEN 'reviewer' THEN '审核人'
    WHEN 'reviewed_on' THEN '审核日期'
    WHEN 'document_name' THEN '送达文书名称'
    WHEN 'document_number' THEN '送达文书文号'
    WHEN 'recipient' THEN '受送达人'
    WHEN 'method' THEN '送达方式'
    WHEN 'received_on' THEN '收到日期'
    ELSE k END
$$;

-- Whether p compiles as a regular expression (D14's configured pattern, D10/D17's placeholder list). Called once
-- per distinct (sector, agency) of an evaluation, so that a bad configured pattern skips the check instead of
-- raising inside the ingest transaction.
CREATE FUNCTION ca_dc_regex_ok(p text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  PERFORM '' ~ p;
  RETURN true;
EXCEPTION WHEN OTHERS THEN
  RETURN false;
END
$$;

-- The placeholders parameter (a JSON array of strings) as one regular expression for a case-insensitive
-- containment test, value ~* re: the entries with the regex metacharacters escaped, joined by |. Blank entries are
-- dropped (they would match everything); NULL when none is left, and value ~* NULL is NULL, i.e. "no placeholder".
-- Called once per (sector, agency) of an evaluation, never per row. One regex pass over a value is cheaper than a
-- LIKE per placeholder.
CREATE FUNCTION ca_dc_placeholder_re(p jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN ca_dc_regex_ok(r.re) THEN r.re END
    FROM (SELECT string_agg(regexp_replace(x, '([.^$*+?()\[\]{}|\\])', '\\\1', 'g'), '|') AS re
            FROM jsonb_array_elements_text(ca_jarr(p)) AS x
           WHERE NOT ca_blank(x)) r
$$;

-- The list parameter as text[] (non-blank strings only), for display in evidence.
CREATE FUNCTION ca_dc_text_list(p jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(jsonb_agg(x), '[]') FROM jsonb_array_elements_text(ca_jarr(p)) AS x WHERE NOT ca_blank(x)
$$;

-- D15: a party name normalised for comparison: full-width ASCII forms to half-width, every kind of bracket to
-- ( and ), the middle-dot variants of transliterated names to ·, white space (ASCII, no-break, ideographic,
-- zero-width) removed. Letter case is kept: the contract normalises width, brackets and spaces only.
CREATE FUNCTION ca_dc_norm_name(s text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(s,
    '！＂＃＄％＆＇＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ＼＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｜～'
    || '（［【〔〖｛{[）］】〕〗｝}]' || '•・･‧⋅' || E' \t\r\n\u00a0\u3000\u200b\u2002\u2003\u2009\ufeff',
    '!"#$%&''*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ\^_`abcdefghijklmnopqrstuvwxyz|~'
    || '(((((((())))))))' || '·····')
$$;

-- D11: a remedies text squeezed for phrase tests: white space removed, full-width digits to ASCII.
CREATE FUNCTION ca_dc_squash(s text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(s, E'０１２３４５６７８９ \t\r\n\u00a0\u3000\u200b', '0123456789')
$$;

-- A configured date parameter ('YYYY-MM-DD') as a date; NULL when absent or not a valid date. Called once per
-- distinct (sector, agency) of an evaluation.
CREATE FUNCTION ca_dc_date_or_null(s text) RETURNS date
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

-- D13: the procedural stage of a document type. Stages, in the order the contract lists them:
--   10 discovered (case_source)         20 filed (filing_approval)
--   30 investigation (inquiry_record, on_site_record, preservation_notice, seizure_decision, seizure_list)
--   35 inspection (inspection_record): investigation too, but may precede filing (立案前核查, see ca_rule_d13)
--   40 investigation_report             50 legal_review (legal_review_opinion)
--   60 prior_notice                     70 hearing (hearing_notice, hearing_record, statement_record)
--   80 deliberation (collective_discussion_record, decision_approval)
--   90 decision (penalty_decision, onsite_penalty_decision)
--  110 closed (closing_report)         120 archived (archive_note)
--  115 other documents (evidence, release_decision, service_receipt, payment_receipt, other, unknown types):
--      their dates are not procedural steps (an invoice kept as evidence has its own date); they are only held
--      to "no document dated after archiving".
-- 100 (service of the decision) has no document type: it is the services[] entries of decision documents.
CREATE FUNCTION ca_dc_d13_doc_stage(t text) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE t
    WHEN 'case_source' THEN 10
    WHEN 'filing_approval' THEN 20
    WHEN 'inquiry_record' THEN 30 WHEN 'on_site_record' THEN 30 WHEN 'preservation_notice' THEN 30
    WHEN 'seizure_decision' THEN 30 WHEN 'seizure_list' THEN 30
    WHEN 'inspection_record' THEN 35
    WHEN 'investigation_report' THEN 40
    WHEN 'legal_review_opinion' THEN 50
    WHEN 'prior_notice' THEN 60
    WHEN 'hearing_notice' THEN 70 WHEN 'hearing_record' THEN 70 WHEN 'statement_record' THEN 70
    WHEN 'collective_discussion_record' THEN 80 WHEN 'decision_approval' THEN 80
    WHEN 'penalty_decision' THEN 90 WHEN 'onsite_penalty_decision' THEN 90
    WHEN 'closing_report' THEN 110
    WHEN 'archive_note' THEN 120
    ELSE 115 END
$$;

-- D13: the stage of a services[] entry, by the type of the document served.
CREATE FUNCTION ca_dc_d13_service_stage(t text) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN t = 'prior_notice' THEN 60
              WHEN t IN ('penalty_decision', 'onsite_penalty_decision') THEN 100
              ELSE 115 END
$$;

-- D13: an item of stage s must not be dated before any item of a stage < floor(s). The floor is the stage itself,
-- except inspection records (only after discovery) and other documents (no lower bound).
CREATE FUNCTION ca_dc_d13_floor(s int) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE s WHEN 35 THEN 20 WHEN 115 THEN 0 ELSE s END
$$;

CREATE FUNCTION ca_dc_d13_stage_key(s int) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE s WHEN 10 THEN 'discovered' WHEN 20 THEN 'filed' WHEN 30 THEN 'investigation'
                WHEN 35 THEN 'inspection' WHEN 40 THEN 'investigation_report' WHEN 50 THEN 'legal_review'
                WHEN 60 THEN 'prior_notice' WHEN 70 THEN 'hearing' WHEN 80 THEN 'deliberation'
                WHEN 90 THEN 'decision' WHEN 100 THEN 'service' WHEN 110 THEN 'closed'
                WHEN 115 THEN 'other_documents' WHEN 120 THEN 'archived' END
$$;

CREATE FUNCTION ca_dc_d13_stage_zh(s int) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE s WHEN 10 THEN '发现违法行为' WHEN 20 THEN '立案' WHEN 30 THEN '调查取证'
                WHEN 35 THEN '现场检查' WHEN 40 THEN '调查终结' WHEN 50 THEN '法制审核'
                WHEN 60 THEN '事先告知' WHEN 70 THEN '听证、陈述申辩' WHEN 80 THEN '集体讨论、决定审批'
                WHEN 90 THEN '作出处罚决定' WHEN 100 THEN '送达处罚决定' WHEN 110 THEN '结案'
                WHEN 115 THEN '其他文书' WHEN 120 THEN '归档' END
$$;

-- ---- D10: the decision document is complete and sealed ----------------------------------------------------------
-- One row per penalty_decision / onsite_penalty_decision document (any category or procedure) that lacks a
-- required field (absent, null, blank) or has a placeholder in one (param placeholders: a case-insensitive
-- containment test, so "罚款人民币XXX元" and "xxx路" are placeholders), or whose seal is not true (false or absent).
-- Required keys: param required_fields, an object {document type: [keys]}, default the case-record.md table;
-- a profile or agency override replaces the whole object.
CREATE FUNCTION ca_rule_d10(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH cs AS MATERIALIZED (
    SELECT c.id, coalesce(c.sector, '') AS sector, c.agency_code FROM cases c WHERE c.id = ANY (p_ids)
  ), cfg AS MATERIALIZED (  -- per (sector, agency, decision type): its required keys and the placeholder regex
    SELECT s.sector, s.agency_code, t.type,
           ARRAY(SELECT jsonb_array_elements_text(ca_jarr(ca_jobj(p.req) -> t.type))) AS keys, p.re, p.ph_list
      FROM (SELECT DISTINCT cs.sector, cs.agency_code FROM cs) s
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'D10') AS pp OFFSET 0) k
      CROSS JOIN LATERAL (
        SELECT ca_param(k.pp, nullif(s.sector, ''), s.agency_code, 'required_fields') AS req,
               ca_dc_placeholder_re(ca_param(k.pp, nullif(s.sector, ''), s.agency_code, 'placeholders')) AS re,
               ca_dc_text_list(ca_param(k.pp, nullif(s.sector, ''), s.agency_code, 'placeholders')) AS ph_list
        OFFSET 0) p
      CROSS JOIN (VALUES ('penalty_decision'), ('onsite_penalty_decision')) AS t(type)
  ), bad AS (  -- cheap test first: seal, then the first blank or placeholder value stops the scan of the keys
    SELECT d.case_id, d.doc_id, d.type, d.number, d.seal, d.fields, cfg.keys, cfg.re, cfg.ph_list
      FROM cs
      JOIN cfg ON cfg.sector = cs.sector AND cfg.agency_code = cs.agency_code
      JOIN case_documents d ON d.case_id = cs.id AND d.type = cfg.type
                           AND d.type IN ('penalty_decision', 'onsite_penalty_decision')  -- filter in the scan
     WHERE d.seal IS NOT TRUE
        OR EXISTS (SELECT 1 FROM unnest(cfg.keys) AS k
                    WHERE k IS NOT NULL AND (ca_blank(d.fields ->> k) OR (d.fields ->> k) ~* cfg.re))
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
CREATE FUNCTION ca_rule_d11(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH cs AS MATERIALIZED (
    SELECT c.id, coalesce(c.sector, '') AS sector, c.agency_code, c.decided_on FROM cases c
     WHERE c.id = ANY (p_ids)
  ), cfg AS MATERIALIZED (
    SELECT s.sector, s.agency_code, p.from_text, ca_dc_date_or_null(p.from_text) AS from_on
      FROM (SELECT DISTINCT cs.sector, cs.agency_code FROM cs) s
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'D11') AS pp OFFSET 0) k
      CROSS JOIN LATERAL (SELECT ca_param(k.pp, nullif(s.sector, ''), s.agency_code, 'recon_first_from') #>> '{}'
                                   AS from_text) p
  ), m AS (
    SELECT d.case_id, d.doc_id, d.type, d.fields ->> 'remedies' AS remedies,
           coalesce(c.decided_on, d.issued_on) AS dated, cfg.from_text,
           strpos(t.r, '复议') > 0 AS recon,
           (strpos(t.r, '60日') > 0 OR strpos(t.r, '六十日') > 0 OR strpos(t.r, '60天') > 0
            OR strpos(t.r, '六十天') > 0) AS recon_days,
           (strpos(t.r, '诉讼') > 0 OR strpos(t.r, '起诉') > 0) AS suit,
           (strpos(t.r, '6个月') > 0 OR strpos(t.r, '六个月') > 0
            OR (q.first_required AND (strpos(t.r, '15日') > 0 OR strpos(t.r, '十五日') > 0))) AS suit_months,
           CASE WHEN q.first_required THEN strpos(t.r, '复议前置') > 0 OR t.r ~ '先[^。；;]{0,60}复议' END
             AS recon_first
      FROM cs c
      JOIN cfg ON cfg.sector = c.sector AND cfg.agency_code = c.agency_code
      JOIN case_documents d ON d.case_id = c.id AND d.type IN ('penalty_decision', 'onsite_penalty_decision')
      CROSS JOIN LATERAL (SELECT ca_dc_squash(d.fields ->> 'remedies') AS r OFFSET 0) t  -- once per document
      CROSS JOIN LATERAL (SELECT d.type = 'onsite_penalty_decision'
                                 AND coalesce(c.decided_on, d.issued_on, 'infinity')
                                     >= coalesce(cfg.from_on, '-infinity') AS first_required) q
     WHERE NOT ca_blank(d.fields ->> 'remedies')
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

-- A numeric parameter as an int clamped to [lo, hi]; NULL when it is not a JSON number (the loader checks types,
-- this only keeps a rule from raising on a bad value).
CREATE FUNCTION ca_dc_int(j jsonb, lo int, hi int) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(j) = 'number' THEN least(greatest(round(j::numeric), lo), hi)::int END
$$;

-- ---- D12: the decision is served within N working days ---------------------------------------------------------
-- One row per decision document (penalty_decision, onsite_penalty_decision) of a case. Base date: decided_on,
-- else the document's issued_on (no row when both are absent). Deadline: the service_wd-th working day after it
-- (ca_add_workdays semantics, computed from calendar_ordinals so that nothing raises). The service date is the
-- earliest dated services[] entry whose document_ref is the document; for service by announcement (公告送达) it is
-- announced_on (the law deems service 30 days later, which no 7-day deadline could meet), else served_on.
--   error    served after the deadline, or not served and p_as_of is after the deadline;
--   warning  the deadline cannot be computed because the calendar lacks a year (calendar_missing_year), and the
--            service or audit date may be past it (more than service_wd calendar days after the base date).
CREATE FUNCTION ca_rule_d12(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH cs AS MATERIALIZED (
    SELECT c.id, c.decided_on, ca_dc_int(ca_param(k.pp, c.sector, c.agency_code, 'service_wd'), 0, 3650) AS n
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'D12') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
  ), dec AS (
    SELECT d.case_id, d.doc_id, d.type, coalesce(c.decided_on, d.issued_on) AS base, c.n
      FROM cs c
      JOIN case_documents d ON d.case_id = c.id AND d.type IN ('penalty_decision', 'onsite_penalty_decision')
     WHERE coalesce(c.decided_on, d.issued_on) IS NOT NULL
  ), sv AS (
    SELECT DISTINCT ON (s.case_id, s.document_ref)
           s.case_id, s.document_ref, s.method, s.served_on, s.announced_on, e.eff
      FROM cs
      JOIN case_services s ON s.case_id = cs.id
      CROSS JOIN LATERAL (SELECT CASE WHEN s.method = 'announcement' THEN coalesce(s.announced_on, s.served_on)
                                      ELSE s.served_on END AS eff) e
     WHERE e.eff IS NOT NULL
     ORDER BY s.case_id, s.document_ref, e.eff, s.ord
  ), chk AS (
    SELECT dec.*, sv.method, sv.served_on, sv.announced_on, sv.eff, coalesce(sv.eff, p_as_of) AS ref, w.day AS deadline,
           CASE WHEN ob.day IS NULL THEN dec.base ELSE ob.run_end + 1 END AS gap
      FROM dec
      LEFT JOIN sv ON sv.case_id = dec.case_id AND sv.document_ref = dec.doc_id
      LEFT JOIN calendar_ordinals ob ON ob.day = dec.base
      LEFT JOIN calendar_ordinals w
             ON w.working
            AND w.ordinal = ob.ordinal + dec.n + CASE WHEN dec.n = 0 AND NOT ob.working THEN 1 ELSE 0 END
            AND w.run_start = ob.run_start
     WHERE dec.n IS NOT NULL
  ), hit AS (
    SELECT chk.*,
           CASE WHEN chk.deadline IS NOT NULL THEN chk.ref > chk.deadline END AS late,
           chk.deadline IS NULL AND chk.ref - chk.base > chk.n AND chk.ref >= chk.gap AS missing
      FROM chk
  )
  SELECT h.case_id, h.doc_id, CASE WHEN h.late THEN 'error' ELSE 'warning' END, false,
         jsonb_build_object(
           'document_id', h.doc_id, 'document_type', h.type, 'document_name', ca_dc_doc_name(h.type),
           'decided_on', h.base, 'service_wd', h.n, 'deadline', h.deadline,
           'served_on', h.served_on, 'method', h.method, 'announced_on', h.announced_on,
           'days_late', CASE WHEN h.late THEN h.ref - h.deadline END)
         || CASE WHEN h.eff IS NULL THEN jsonb_build_object('as_of', p_as_of) ELSE '{}' END
         || CASE WHEN h.late THEN '{}'
                 ELSE jsonb_build_object('calendar_missing_year', extract(year FROM h.gap)::int) END
         || jsonb_build_object('detail_zh',
              CASE WHEN h.late IS NOT TRUE THEN
                     '，但送达期限无法计算：工作日日历缺少' || extract(year FROM h.gap)::int || '年的数据'
                   WHEN h.eff IS NULL THEN '（最迟' || h.deadline || '），截至' || p_as_of || '未送达'
                   WHEN h.method = 'announcement' THEN '（最迟' || h.deadline || '），实际于' || h.eff || '才开始公告送达'
                   ELSE '（最迟' || h.deadline || '），实际于' || h.eff || '送达' END,
              'detail_en',
              CASE WHEN h.late IS NOT TRUE THEN
                     ', but the deadline cannot be computed: the working-day calendar has no data for '
                     || extract(year FROM h.gap)::int
                   WHEN h.eff IS NULL THEN ' (by ' || h.deadline || '); not served as of ' || p_as_of
                   WHEN h.method = 'announcement' THEN ' (by ' || h.deadline || '); announcement began only on ' || h.eff
                   ELSE ' (by ' || h.deadline || '); served on ' || h.eff END)
    FROM hit h
   WHERE h.late OR h.missing
$$;

-- ---- D13: dates in procedural order ------------------------------------------------------------------------------
-- Dated items and their stages (ca_dc_d13_doc_stage has the document types):
--   10 discovered    violation.discovered_on, case_source
--   20 filed         filed_on, filing_approval
--   30 investigation inquiry_record, on_site_record, preservation_notice, seizure_decision, seizure_list
--   35 inspection    inspection_record: must not precede discovery, but may precede filing (立案前核查: an
--                    inspection that verifies a lead, 市场监督管理行政处罚程序规定 arts. 18, 20)
--   40 investigation_report    50 legal review: legal_reviews[].reviewed_on, legal_review_opinion
--   60 prior notice: prior_notice and the services[] of it
--   70 hearing and defence: hearing.requested_on, notice_served_on, held_on, defense.reexamined_on, hearing_notice,
--      hearing_record, statement_record
--   80 deliberation: collective_discussion.held_on, collective_discussion_record, decision_approval
--   90 decision: decided_on, penalty_decision, onsite_penalty_decision
--  100 service of the decision: services[] of decision documents
--  110 closed: closed_on, closing_report     115 other documents and services (only bounded by archiving)
--  120 archived: archive.archived_on, archive_note
-- An item X is out of order when an item Y of a stage < ca_dc_d13_floor(stage X) is dated after it (same day is
-- in order). Its culprit is the latest such Y. One row per culprit stage (key: the stage name, e.g.
-- 'legal_review'), listing the earliest out-of-order item of each later stage: so one misdated item gives one
-- finding, whichever direction it is wrong in.
-- Gross (veto): the culprit precedes the decision stage and the decision itself is among the out-of-order items,
-- i.e. the decision is dated before a step the law puts before it (discovery, filing, investigation, legal
-- review, prior notice, hearing, collective discussion or approval): 先决定后调查/审核/告知, the 程序倒置 that
-- case-file rubrics treat as a basic defect. Other inversions are errors without veto.
-- Cost: one aggregate pass per table finds the cases with any inversion (column comparisons, no sort); the
-- item-by-item analysis runs only for those.
CREATE FUNCTION ca_rule_d13(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH cs AS MATERIALIZED (
    SELECT c.id, c.violation_discovered_on, c.filed_on, c.hearing_requested_on, c.hearing_notice_served_on,
           c.hearing_held_on, c.defense_reexamined_on, c.collective_held_on, c.decided_on, c.closed_on, c.archived_on
      FROM cases c
     WHERE c.id = ANY (p_ids)
  ), dw AS (  -- per case and stage: earliest (lo) and latest (hi) date of the documents and of their services
    SELECT x.case_id,
           min(x.issued_on) FILTER (WHERE x.st = 10) AS lo10,  max(x.issued_on) FILTER (WHERE x.st = 10) AS hi10,
           min(x.issued_on) FILTER (WHERE x.st = 20) AS lo20,  max(x.issued_on) FILTER (WHERE x.st = 20) AS hi20,
           min(x.issued_on) FILTER (WHERE x.st = 30) AS lo30,  max(x.issued_on) FILTER (WHERE x.st = 30) AS hi30,
           min(x.issued_on) FILTER (WHERE x.st = 35) AS lo35,  max(x.issued_on) FILTER (WHERE x.st = 35) AS hi35,
           min(x.issued_on) FILTER (WHERE x.st = 40) AS lo40,  max(x.issued_on) FILTER (WHERE x.st = 40) AS hi40,
           min(x.issued_on) FILTER (WHERE x.st = 50) AS lo50,  max(x.issued_on) FILTER (WHERE x.st = 50) AS hi50,
           min(x.issued_on) FILTER (WHERE x.st = 60) AS lo60,  max(x.issued_on) FILTER (WHERE x.st = 60) AS hi60,
           min(x.issued_on) FILTER (WHERE x.st = 70) AS lo70,  max(x.issued_on) FILTER (WHERE x.st = 70) AS hi70,
           min(x.issued_on) FILTER (WHERE x.st = 80) AS lo80,  max(x.issued_on) FILTER (WHERE x.st = 80) AS hi80,
           min(x.issued_on) FILTER (WHERE x.st = 90) AS lo90,  max(x.issued_on) FILTER (WHERE x.st = 90) AS hi90,
           min(x.issued_on) FILTER (WHERE x.st = 110) AS lo110, max(x.issued_on) FILTER (WHERE x.st = 110) AS hi110,
           max(x.issued_on) FILTER (WHERE x.st = 115) AS hi115,
           min(x.issued_on) FILTER (WHERE x.st = 120) AS lo120, max(x.issued_on) FILTER (WHERE x.st = 120) AS hi120,
           min(x.served_on) FILTER (WHERE x.sst = 60) AS slo60,  max(x.served_on) FILTER (WHERE x.sst = 60) AS shi60,
           min(x.served_on) FILTER (WHERE x.sst = 100) AS lo100, max(x.served_on) FILTER (WHERE x.sst = 100) AS hi100,
           max(x.served_on) FILTER (WHERE x.sst = 115) AS shi115
      FROM (SELECT d.case_id, d.issued_on, ca_dc_d13_doc_stage(d.type) AS st,         -- OFFSET 0: the stages are
                   s.served_on, ca_dc_d13_service_stage(d.type) AS sst             -- computed once per row,
              FROM cs                                                              -- not once per aggregate
              JOIN case_documents d ON d.case_id = cs.id
              LEFT JOIN case_services s
                     ON s.case_id = d.case_id AND s.document_ref = d.doc_id AND s.served_on IS NOT NULL
            OFFSET 0) x
     GROUP BY x.case_id
  ), rw AS (
    SELECT r.case_id, min(r.reviewed_on) AS lo50, max(r.reviewed_on) AS hi50
      FROM cs
      JOIN case_legal_reviews r ON r.case_id = cs.id
     WHERE r.reviewed_on IS NOT NULL
     GROUP BY r.case_id
  ), st AS (
    SELECT c.id AS case_id,
           least(c.violation_discovered_on, dw.lo10) AS lo10, greatest(c.violation_discovered_on, dw.hi10) AS hi10,
           least(c.filed_on, dw.lo20) AS lo20, greatest(c.filed_on, dw.hi20) AS hi20,
           dw.lo30, dw.hi30, dw.lo35, dw.hi35, dw.lo40, dw.hi40,
           least(rw.lo50, dw.lo50) AS lo50, greatest(rw.hi50, dw.hi50) AS hi50,
           least(dw.slo60, dw.lo60) AS lo60, greatest(dw.shi60, dw.hi60) AS hi60,
           least(c.hearing_requested_on, c.hearing_notice_served_on, c.hearing_held_on, c.defense_reexamined_on,
                 dw.lo70) AS lo70,
           greatest(c.hearing_requested_on, c.hearing_notice_served_on, c.hearing_held_on, c.defense_reexamined_on,
                    dw.hi70) AS hi70,
           least(c.collective_held_on, dw.lo80) AS lo80, greatest(c.collective_held_on, dw.hi80) AS hi80,
           least(c.decided_on, dw.lo90) AS lo90, greatest(c.decided_on, dw.hi90) AS hi90,
           dw.lo100, dw.hi100,
           least(c.closed_on, dw.lo110) AS lo110, greatest(c.closed_on, dw.hi110) AS hi110,
           greatest(dw.hi115, dw.shi115) AS hi115,
           least(c.archived_on, dw.lo120) AS lo120
      FROM cs c
      LEFT JOIN dw ON dw.case_id = c.id
      LEFT JOIN rw ON rw.case_id = c.id
  ), flagged AS MATERIALIZED (
    SELECT st.case_id
      FROM st
     WHERE st.lo20 < st.hi10
        OR st.lo30 < greatest(st.hi10, st.hi20)
        OR st.lo35 < st.hi10
        OR st.lo40 < greatest(st.hi10, st.hi20, st.hi30, st.hi35)
        OR st.lo50 < greatest(st.hi10, st.hi20, st.hi30, st.hi35, st.hi40)
        OR st.lo60 < greatest(st.hi10, st.hi20, st.hi30, st.hi35, st.hi40, st.hi50)
        OR st.lo70 < greatest(st.hi10, st.hi20, st.hi30, st.hi35, st.hi40, st.hi50, st.hi60)
        OR st.lo80 < greatest(st.hi10, st.hi20, st.hi30, st.hi35, st.hi40, st.hi50, st.hi60, st.hi70)
        OR st.lo90 < greatest(st.hi10, st.hi20, st.hi30, st.hi35, st.hi40, st.hi50, st.hi60, st.hi70, st.hi80)
        OR st.lo100 < greatest(st.hi10, st.hi20, st.hi30, st.hi35, st.hi40, st.hi50, st.hi60, st.hi70, st.hi80,
                               st.hi90)
        OR st.lo110 < greatest(st.hi10, st.hi20, st.hi30, st.hi35, st.hi40, st.hi50, st.hi60, st.hi70, st.hi80,
                               st.hi90, st.hi100)
        OR st.lo120 < greatest(st.hi10, st.hi20, st.hi30, st.hi35, st.hi40, st.hi50, st.hi60, st.hi70, st.hi80,
                               st.hi90, st.hi100, st.hi110, st.hi115)
  ), items AS (  -- every dated item of a flagged case: stage, order, reference, texts with the date
    SELECT c.id AS case_id, v.st, v.seq, jsonb_build_object('field', v.ref) AS item,
           v.zh || '（' || v.d || '）' AS zh, v.en || ' (' || v.d || ')' AS en, v.d
      FROM flagged f
      CROSS JOIN LATERAL (SELECT * FROM cases c WHERE c.id = f.case_id OFFSET 0) c
      CROSS JOIN LATERAL (VALUES
        (10, 1, '/violation/discovered_on', '发现违法行为日期', 'discovery', c.violation_discovered_on),
        (20, 1, '/filed_on', '立案日期', 'filing', c.filed_on),
        (70, 1, '/hearing/requested_on', '听证申请日期', 'hearing request', c.hearing_requested_on),
        (70, 2, '/hearing/notice_served_on', '听证通知送达日期', 'hearing notice served', c.hearing_notice_served_on),
        (70, 3, '/hearing/held_on', '听证举行日期', 'hearing held', c.hearing_held_on),
        (70, 4, '/defense/reexamined_on', '陈述申辩复核日期', 'defence re-examined', c.defense_reexamined_on),
        (80, 1, '/collective_discussion/held_on', '集体讨论日期', 'collective discussion',
         c.collective_held_on),
        (90, 1, '/decided_on', '处罚决定日期', 'decision', c.decided_on),
        (110, 1, '/closed_on', '结案日期', 'closing', c.closed_on),
        (120, 1, '/archive/archived_on', '归档日期', 'archiving', c.archived_on)) AS v(st, seq, ref, zh, en, d)
     WHERE v.d IS NOT NULL
    UNION ALL
    SELECT d.case_id, ca_dc_d13_doc_stage(d.type), 1000 + d.ord, jsonb_build_object('document_id', d.doc_id),
           ca_dc_doc_name(d.type) || '（' || d.doc_id || '，' || d.issued_on || '）',
           d.type || ' ' || d.doc_id || ' (' || d.issued_on || ')', d.issued_on
      FROM flagged f
      CROSS JOIN LATERAL (SELECT * FROM case_documents d WHERE d.case_id = f.case_id AND d.issued_on IS NOT NULL
                          OFFSET 0) d
    UNION ALL
    SELECT r.case_id, 50, 100 + r.ord, jsonb_build_object('field', '/legal_reviews/' || (r.ord - 1) || '/reviewed_on'),
           '法制审核（第' || r.ord || '次，' || r.reviewed_on || '）',
           'legal review #' || r.ord || ' (' || r.reviewed_on || ')', r.reviewed_on
      FROM flagged f
      CROSS JOIN LATERAL (SELECT * FROM case_legal_reviews r WHERE r.case_id = f.case_id AND r.reviewed_on IS NOT NULL
                          OFFSET 0) r
    UNION ALL
    SELECT s.case_id, ca_dc_d13_service_stage(s.type), 5000 + s.ord,
           jsonb_build_object('field', '/services/' || (s.ord - 1) || '/served_on', 'document_id', s.doc_id),
           ca_dc_doc_name(s.type) || '（' || s.doc_id || '）的送达（' || s.served_on || '）',
           'service of ' || s.doc_id || ' (' || s.served_on || ')', s.served_on
      FROM flagged f
      CROSS JOIN LATERAL (SELECT s.*, d.doc_id, d.type
                            FROM case_services s
                            JOIN case_documents d ON d.case_id = s.case_id AND d.doc_id = s.document_ref
                           WHERE s.case_id = f.case_id AND s.served_on IS NOT NULL
                          OFFSET 0) s
  ), viol AS (  -- each out-of-order item with its culprit: the latest item that must precede it
    SELECT DISTINCT ON (x.case_id, x.st, x.seq)
           x.case_id, x.st, x.seq, x.item, x.zh, x.en, x.d,
           y.st AS yst, y.item AS yitem, y.zh AS yzh, y.en AS yen, y.d AS yd
      FROM items x
      JOIN items y ON y.case_id = x.case_id AND y.st < ca_dc_d13_floor(x.st) AND y.d > x.d
     ORDER BY x.case_id, x.st, x.seq, y.d DESC, y.st, y.seq
  ), firsts AS (  -- per culprit stage, the earliest out-of-order item of each later stage
    SELECT DISTINCT ON (v.case_id, v.yst, v.st) v.*
      FROM viol v
     ORDER BY v.case_id, v.yst, v.st, v.d, v.seq
  ), grp AS (
    SELECT f.case_id, f.yst,
           (array_agg(f.yitem ORDER BY f.yd DESC, f.st))[1] AS yitem,
           (array_agg(f.yzh ORDER BY f.yd DESC, f.st))[1] AS yzh,
           (array_agg(f.yen ORDER BY f.yd DESC, f.st))[1] AS yen,
           max(f.yd) AS yd,
           f.yst < 90 AND bool_or(f.st = 90) AS gross,
           jsonb_agg(jsonb_build_object('stage', ca_dc_d13_stage_key(f.st), 'date', f.d) || f.item ORDER BY f.st)
             AS later,
           string_agg(f.zh, '、' ORDER BY f.st) AS later_zh,
           string_agg(f.en, ', ' ORDER BY f.st) AS later_en
      FROM firsts f
     GROUP BY f.case_id, f.yst
  )
  SELECT g.case_id, ca_dc_d13_stage_key(g.yst), 'error', g.gross,
         jsonb_build_object(
           'stage', ca_dc_d13_stage_key(g.yst), 'stage_name', ca_dc_d13_stage_zh(g.yst),
           'date', g.yd, 'item', g.yitem, 'item_zh', g.yzh, 'item_en', g.yen,
           'later', g.later, 'later_zh', g.later_zh, 'later_en', g.later_en, 'gross', g.gross,
           'gross_zh', CASE WHEN g.gross THEN '；处罚决定早于其法定前置程序，属严重程序倒置' ELSE '' END,
           'gross_en', CASE WHEN g.gross THEN '; the decision precedes a step the law requires before it' ELSE '' END)
    FROM grp g
$$;

-- ---- D14: case number format and unique decision numbers ---------------------------------------------------------
-- warning, key '': case_no does not match param case_no_pattern, a PostgreSQL regular expression matched with ~
--   (anchor it: ^...$). Default "" = no pattern; set per agency. A pattern that does not compile skips the check
--   (a configuration error is not a defect of the case; the loader should refuse it).
-- error, key = document id: the number of a decision document (penalty_decision, onsite_penalty_decision; not
--   blank) is also the number of a decision document of another case of the same agency (exact string match).
--   Both cases get the finding when evaluated. An index on case_documents (number) WHERE type IN
--   ('penalty_decision', 'onsite_penalty_decision') turns the look-up into index probes.
CREATE FUNCTION ca_rule_d14(p_pack text, p_ids uuid[], p_as_of date)
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

-- ---- D15: the party's name is the same on every document ----------------------------------------------------------
-- warning, one row per document whose fields.party_name (not blank) differs from the case's party.name after
-- ca_dc_norm_name (width, brackets, middle dots, white space). The case's party.name is the reference; a case with
-- a blank party.name is skipped. Byte-equal names skip the normalisation (the common case costs one comparison).
CREATE FUNCTION ca_rule_d15(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  SELECT d.case_id, d.doc_id, 'warning', false,
         jsonb_build_object(
           'document_id', d.doc_id, 'document_type', d.type, 'document_name', ca_dc_doc_name(d.type),
           'name_on_document', d.fields ->> 'party_name', 'party_name', c.party_name)
    FROM cases c
    JOIN case_documents d ON d.case_id = c.id
   WHERE c.id = ANY (p_ids)
     AND d.fields ->> 'party_name' <> c.party_name
     AND NOT ca_blank(c.party_name)
     AND NOT ca_blank(d.fields ->> 'party_name')
     AND ca_dc_norm_name(d.fields ->> 'party_name') <> ca_dc_norm_name(c.party_name)
$$;

-- ---- D16: record documents are signed -----------------------------------------------------------------------------
-- error, one row per inquiry_record, inspection_record, on_site_record or hearing_record that
--   - has fewer than 2 distinct officer signatures (signatures.officers) that are officers of the case (cert_no in
--     officers[]); a certificate number not on the case does not count and is named in the evidence; or
--   - lacks the party's signature: party must be 'signed', or 'refused' / 'absent' with witness = true
--     (absent, null, 'not_required', or a refusal or absence without a witness fail).
CREATE FUNCTION ca_rule_d16(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH cs AS MATERIALIZED (
    SELECT c.id FROM cases c WHERE c.id = ANY (p_ids)
  ), off AS (
    SELECT o.case_id, array_agg(o.cert_no) AS certs
      FROM cs
      JOIN case_officers o ON o.case_id = cs.id
     WHERE NOT ca_blank(o.cert_no)
     GROUP BY o.case_id
  ), chk AS (
    SELECT d.case_id, d.doc_id, d.type, d.party_signature, d.witness,
           coalesce(d.signed_officers, '{}') AS signed, sg.n_ok, sg.strangers,
           d.party_signature IS NOT DISTINCT FROM 'signed'
             OR (d.party_signature IN ('refused', 'absent') AND d.witness IS TRUE) AS party_ok
      FROM cs
      JOIN case_documents d ON d.case_id = cs.id
      LEFT JOIN off ON off.case_id = d.case_id
      CROSS JOIN LATERAL (
        SELECT count(DISTINCT s) FILTER (WHERE s = ANY (off.certs)) AS n_ok,
               array_agg(DISTINCT s) FILTER (WHERE NOT coalesce(s = ANY (off.certs), false)) AS strangers
          FROM unnest(d.signed_officers) AS s
         WHERE NOT ca_blank(s)) sg
     WHERE d.type IN ('inquiry_record', 'inspection_record', 'on_site_record', 'hearing_record')
  )
  SELECT k.case_id, k.doc_id, 'error', false,
         jsonb_build_object(
           'document_id', k.doc_id, 'document_type', k.type, 'document_name', ca_dc_doc_name(k.type),
           'officer_signatures', to_jsonb(k.signed), 'officers_counted', k.n_ok,
           'not_case_officers', to_jsonb(coalesce(k.strangers, '{}')),
           'party_signature', k.party_signature, 'witness', k.witness,
           'problems_zh', array_to_string(ARRAY[
               CASE WHEN k.n_ok < 2 THEN '本案执法人员签名不足2人（' || k.n_ok || '人'
                    || CASE WHEN k.strangers IS NOT NULL
                            THEN '；' || array_to_string(k.strangers, '、') || '不是本案执法人员' ELSE '' END
                    || '）' END,
               CASE WHEN NOT k.party_ok THEN
                 CASE k.party_signature
                   WHEN 'refused' THEN '当事人拒绝签名，但无见证人签名'
                   WHEN 'absent' THEN '当事人不在场，但无见证人签名'
                   WHEN 'not_required' THEN '当事人签名栏标注为无需签名，笔录应由当事人签名'
                   ELSE '无当事人签名' END END], '；'),
           'problems_en', array_to_string(ARRAY[
               CASE WHEN k.n_ok < 2 THEN k.n_ok || ' officer signature(s) of the case, 2 required'
                    || CASE WHEN k.strangers IS NOT NULL
                            THEN ' (not officers of the case: ' || array_to_string(k.strangers, ', ') || ')'
                            ELSE '' END END,
               CASE WHEN NOT k.party_ok THEN
                 CASE k.party_signature
                   WHEN 'refused' THEN 'the party refused to sign and no witness signed'
                   WHEN 'absent' THEN 'the party was absent and no witness signed'
                   WHEN 'not_required' THEN 'party signature marked not required on a record'
                   ELSE 'no party signature' END END], '; '))
    FROM chk k
   WHERE k.n_ok < 2 OR NOT k.party_ok
$$;

-- ---- D17: no blank or placeholder required field in the other documents -----------------------------------------
-- warning, one row per document of a type listed in param required_fields (default: the case-record.md table
-- without the decision documents, which D10 covers; decision types are excluded even if configured) that lacks a
-- required field (absent, null, blank) or has a placeholder (param placeholders, case-insensitive containment).
CREATE FUNCTION ca_rule_d17(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH cs AS MATERIALIZED (
    SELECT c.id, coalesce(c.sector, '') AS sector, c.agency_code FROM cases c WHERE c.id = ANY (p_ids)
  ), cfg AS MATERIALIZED (  -- per (sector, agency, listed document type): required keys, placeholder regex
    SELECT s.sector, s.agency_code, t.type,
           ARRAY(SELECT jsonb_array_elements_text(ca_jarr(t.keys))) AS keys, p.re, p.ph_list
      FROM (SELECT DISTINCT cs.sector, cs.agency_code FROM cs) s
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'D17') AS pp OFFSET 0) k
      CROSS JOIN LATERAL (
        SELECT ca_param(k.pp, nullif(s.sector, ''), s.agency_code, 'required_fields') AS req,
               ca_dc_placeholder_re(ca_param(k.pp, nullif(s.sector, ''), s.agency_code, 'placeholders')) AS re,
               ca_dc_text_list(ca_param(k.pp, nullif(s.sector, ''), s.agency_code, 'placeholders')) AS ph_list
        OFFSET 0) p
      CROSS JOIN LATERAL jsonb_each(ca_jobj(p.req)) AS t(type, keys)
     WHERE t.type NOT IN ('penalty_decision', 'onsite_penalty_decision')
  ), bad AS (  -- the first blank or placeholder value stops the scan of a document's keys
    SELECT d.case_id, d.doc_id, d.type, d.fields, cfg.keys, cfg.re, cfg.ph_list
      FROM cs
      JOIN cfg ON cfg.sector = cs.sector AND cfg.agency_code = cs.agency_code
      JOIN case_documents d ON d.case_id = cs.id AND d.type = cfg.type
                           AND d.type = ANY (ARRAY(SELECT DISTINCT c2.type FROM cfg c2))  -- filter in the scan
     WHERE EXISTS (SELECT 1 FROM unnest(cfg.keys) AS k
                    WHERE k IS NOT NULL AND (ca_blank(d.fields ->> k) OR (d.fields ->> k) ~* cfg.re))
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

-- ---- D18: seizure and sealing terms -------------------------------------------------------------------------------
-- error, one row per event of type seizure or sealing with a started_at (its date in the session time zone, the
-- configured one). Term: started_on + term_days calendar days (行政强制法 art. 25; periods over ten days are
-- calendar days, and the day of the event is not counted, so a seizure of 03-08 may last to 04-07), plus the
-- seizure_term extensions[] (days > 0) approved within the original term or undated, capped in total at
-- max_extension_days (the law allows one extension of at most 30 days), plus, when exclude_testing is true, the
-- days of 'testing' suspensions[] that began on or after the event and before it ended (art. 25(3): testing,
-- inspection, quarantine or appraisal time is not counted). Extensions are case-level and apply to every such event.
-- End: the earlier of the first release_decision issued on or after the event date and decided_on (when on or after
-- the event date). Fires when the end is after the term, or, with no end, when p_as_of is after the term.
CREATE FUNCTION ca_rule_d18(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH cs AS MATERIALIZED (
    SELECT c.id, c.decided_on,
           ca_dc_int(ca_param(k.pp, c.sector, c.agency_code, 'term_days'), 0, 36500) AS term,
           ca_dc_int(ca_param(k.pp, c.sector, c.agency_code, 'max_extension_days'), 0, 36500) AS max_ext,
           ca_param(k.pp, c.sector, c.agency_code, 'exclude_testing') = 'true'::jsonb AS excl_testing
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'D18') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
  ), ev AS (
    SELECT e.case_id, e.event_id, e.type, e.started_at::date AS started_on,
           CASE WHEN c.decided_on >= e.started_at::date THEN c.decided_on END AS decided_on,
           c.term, c.max_ext, c.excl_testing
      FROM cs c
      JOIN case_events e ON e.case_id = c.id AND e.type IN ('seizure', 'sealing')
     WHERE e.started_at IS NOT NULL
  ), rel AS (  -- the first release decision on or after each event (release decisions are rare: a join, no probe)
    SELECT DISTINCT ON (ev.case_id, ev.event_id) ev.case_id, ev.event_id, d.doc_id, d.issued_on
      FROM ev
      JOIN case_documents d ON d.case_id = ev.case_id AND d.type = 'release_decision' AND d.issued_on >= ev.started_on
     ORDER BY ev.case_id, ev.event_id, d.issued_on, d.ord
  ), ext AS (  -- seizure_term extensions approved within the original term (or undated), capped
    SELECT ev.case_id, ev.event_id, least(coalesce(sum(x.days), 0), ev.max_ext)::int AS days
      FROM ev
      JOIN case_extensions x ON x.case_id = ev.case_id AND x.kind = 'seizure_term' AND x.days > 0
                            AND (x.approved_on IS NULL OR x.approved_on BETWEEN ev.started_on AND ev.started_on + ev.term)
     GROUP BY ev.case_id, ev.event_id, ev.max_ext
  ), ended AS (
    SELECT ev.*, rel.doc_id AS release_doc, rel.issued_on AS released_on,
           least(rel.issued_on, ev.decided_on) AS ended_on, coalesce(ext.days, 0) AS ext_days
      FROM ev
      LEFT JOIN rel ON rel.case_id = ev.case_id AND rel.event_id = ev.event_id
      LEFT JOIN ext ON ext.case_id = ev.case_id AND ext.event_id = ev.event_id
     WHERE ev.term IS NOT NULL
  ), tst AS (  -- testing periods begun during the measure
    SELECT e.case_id, e.event_id, sum(s.to_on - s.from_on + 1)::int AS days
      FROM ended e
      JOIN case_suspensions s ON s.case_id = e.case_id AND s.kind = 'testing' AND s.to_on >= s.from_on
                             AND s.from_on >= e.started_on AND s.from_on <= coalesce(e.ended_on, p_as_of)
     WHERE e.excl_testing
     GROUP BY e.case_id, e.event_id
  ), term AS (
    SELECT ended.*, coalesce(tst.days, 0) AS testing_days
      FROM ended
      LEFT JOIN tst ON tst.case_id = ended.case_id AND tst.event_id = ended.event_id
  ), chk AS (
    SELECT term.*, term.started_on + term.term + term.ext_days + term.testing_days AS deadline
      FROM term
  )
  SELECT k.case_id, k.event_id, 'error', false,
         jsonb_build_object(
           'event_id', k.event_id, 'event_type', k.type,
           'event_name', CASE k.type WHEN 'seizure' THEN '扣押' ELSE '查封' END,
           'started_on', k.started_on, 'term_days', k.term, 'extension_days', k.ext_days,
           'max_extension_days', k.max_ext, 'testing_days', k.testing_days, 'deadline', k.deadline,
           'ended_on', k.ended_on,
           'ended_by', CASE WHEN k.ended_on IS NULL THEN NULL
                            WHEN k.released_on = k.ended_on THEN jsonb_build_object('document_id', k.release_doc)
                            ELSE jsonb_build_object('field', '/decided_on') END,
           'days_over', coalesce(k.ended_on, p_as_of) - k.deadline,
           'term_zh', k.term || '日'
                      || CASE WHEN k.ext_days > 0 THEN '，经批准延长' || k.ext_days || '日' ELSE '' END
                      || CASE WHEN k.testing_days > 0 THEN '，检测、检验期间' || k.testing_days || '日不计入' ELSE '' END,
           'term_en', k.term || ' days'
                      || CASE WHEN k.ext_days > 0 THEN ' + ' || k.ext_days || ' days extension' ELSE '' END
                      || CASE WHEN k.testing_days > 0 THEN ' + ' || k.testing_days || ' testing days' ELSE '' END,
           'detail_zh',
           CASE WHEN k.ended_on IS NULL
                  THEN '截至' || p_as_of || '仍未解除或作出处理决定，已超期' || (p_as_of - k.deadline) || '日'
                WHEN k.released_on = k.ended_on
                  THEN '至' || k.ended_on || '方以解除查封扣押决定书（' || k.release_doc || '）解除，超期'
                       || (k.ended_on - k.deadline) || '日'
                ELSE '至' || k.ended_on || '作出处罚决定时已超期' || (k.ended_on - k.deadline) || '日' END,
           'detail_en',
           CASE WHEN k.ended_on IS NULL
                  THEN 'still in force on ' || p_as_of || ', ' || (p_as_of - k.deadline) || ' day(s) over'
                WHEN k.released_on = k.ended_on
                  THEN 'released only on ' || k.ended_on || ' by ' || k.release_doc || ', '
                       || (k.ended_on - k.deadline) || ' day(s) over'
                ELSE 'ended by the decision of ' || k.ended_on || ', ' || (k.ended_on - k.deadline) || ' day(s) over' END)
         || CASE WHEN k.ended_on IS NULL THEN jsonb_build_object('as_of', p_as_of) ELSE '{}' END
    FROM chk k
   WHERE coalesce(k.ended_on, p_as_of) > k.deadline
$$;

-- ---- Dispatcher ---------------------------------------------------------------------------------------------------
-- Called by ca_collect_hits() (0010) inside ca_evaluate(), which creates the temp table ca_hits first. One static
-- INSERT per rule so that each plan is cached per session. jit = off as in ca_evaluate: compiling these multi-CTE
-- plans costs more than running them, and the dispatcher may be called on its own.
CREATE FUNCTION ca_collect_hits_documents_content(p_pack text, p_rules jsonb, p_ids uuid[], p_as_of date,
                                                  p_only text[])
    RETURNS void LANGUAGE plpgsql SET jit = off AS $$
BEGIN
  IF p_rules ? 'D10' AND (p_only IS NULL OR 'D10' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D10', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d10(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'D11' AND (p_only IS NULL OR 'D11' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D11', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d11(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'D12' AND (p_only IS NULL OR 'D12' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D12', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d12(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'D13' AND (p_only IS NULL OR 'D13' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D13', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d13(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'D14' AND (p_only IS NULL OR 'D14' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D14', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d14(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'D15' AND (p_only IS NULL OR 'D15' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D15', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d15(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'D16' AND (p_only IS NULL OR 'D16' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D16', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d16(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'D17' AND (p_only IS NULL OR 'D17' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D17', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d17(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'D18' AND (p_only IS NULL OR 'D18' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D18', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d18(p_pack, p_ids, p_as_of) h;
  END IF;
END;
$$;
