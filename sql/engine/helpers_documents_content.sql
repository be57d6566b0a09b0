-- sql/engine/helpers_documents_content.sql: Helpers shared by the content rules of the documents system (D10-D18).
-- Engine file: one current definition of each function, applied by `caseaudit migrate` after the numbered
-- migrations and again whenever this file changes (its SHA-256 is recorded in schema_engine; see
-- docs/schema.md). CREATE OR REPLACE only: it runs on new databases and on databases that have it already.

-- Chinese name of a document type (case-record.md), for messages.
CREATE OR REPLACE FUNCTION ca_dc_doc_name(t text) RETURNS text
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
CREATE OR REPLACE FUNCTION ca_dc_field_name(k text) RETURNS text
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
CREATE OR REPLACE FUNCTION ca_dc_regex_ok(p text) RETURNS boolean
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
CREATE OR REPLACE FUNCTION ca_dc_placeholder_re(p jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN ca_dc_regex_ok(r.re) THEN r.re END
    FROM (SELECT string_agg(regexp_replace(x, '([.^$*+?()\[\]{}|\\])', '\\\1', 'g'), '|') AS re
            FROM jsonb_array_elements_text(ca_jarr(p)) AS x
           WHERE NOT ca_blank(x)) r
$$;

-- The list parameter as text[] (non-blank strings only), for display in evidence.
CREATE OR REPLACE FUNCTION ca_dc_text_list(p jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(jsonb_agg(x), '[]') FROM jsonb_array_elements_text(ca_jarr(p)) AS x WHERE NOT ca_blank(x)
$$;

-- A numeric parameter as an int clamped to [lo, hi]; NULL when it is not a JSON number (the loader checks types,
-- this only keeps a rule from raising on a bad value).
CREATE OR REPLACE FUNCTION ca_dc_int(j jsonb, lo int, hi int) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(j) = 'number' THEN least(greatest(round(j::numeric), lo), hi)::int END
$$;
