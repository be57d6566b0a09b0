-- sql/engine/helpers_review_archive.sql: Helpers shared by the rules of the review and archive systems (L01-L04,
-- A01-A03). Engine file: one current definition of each function, applied by `caseaudit migrate` after the numbered
-- migrations and again whenever this file changes (its SHA-256 is recorded in schema_engine; see docs/schema.md).
-- CREATE OR REPLACE only: it runs on new databases and on databases that have it already.

-- A name or certificate number for comparison: full-width digits, Latin letters, brackets and hyphen become
-- half-width, white space (ASCII, no-break and ideographic) is removed, Latin letters are lower-cased. Inlined.
-- translate() with this multibyte table costs several microseconds a call; a string holding none of those
-- characters (nearly all) takes the regex fast path, with the same result.
CREATE OR REPLACE FUNCTION ca_ra_norm(s text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN s !~ E'[\\s\u00a0\u3000０-９Ａ-Ｚａ-ｚ（）－]' THEN lower(s)
              ELSE lower(translate(s,
                '０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ（）－'
                  || E' \t\r\n\u00a0\u3000',
                '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz()-')) END
$$;

-- A count parameter (jsonb) as an int clamped to 0..100000; NULL when it is not a number. Never raises.
CREATE OR REPLACE FUNCTION ca_ra_count(j jsonb) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(j) = 'number' THEN least(greatest(j::numeric, 0), 100000)::int END
$$;

-- ISO text of a date for messages, independent of DateStyle.
CREATE OR REPLACE FUNCTION ca_ra_d(d date) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT to_char(d, 'YYYY-MM-DD') $$;

-- Chinese names of the document types of case-record.md (the type itself when unknown).
CREATE OR REPLACE FUNCTION ca_ra_doc_type_zh(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce('{"case_source": "案件来源登记表", "filing_approval": "立案审批表", "inquiry_record": "询问笔录",
                    "inspection_record": "现场检查（勘验）笔录", "on_site_record": "现场笔录", "evidence": "证据材料",
                    "preservation_notice": "先行登记保存通知书", "seizure_decision": "查封扣押决定书",
                    "seizure_list": "查封扣押清单", "release_decision": "解除查封扣押决定书",
                    "investigation_report": "调查终结报告", "legal_review_opinion": "法制审核意见书",
                    "collective_discussion_record": "集体讨论记录", "prior_notice": "行政处罚事先告知书",
                    "hearing_notice": "听证通知书", "hearing_record": "听证笔录", "statement_record": "陈述申辩笔录",
                    "decision_approval": "处罚决定审批表", "penalty_decision": "行政处罚决定书",
                    "onsite_penalty_decision": "当场行政处罚决定书", "service_receipt": "送达回证",
                    "payment_receipt": "罚没款票据", "closing_report": "结案报告", "archive_note": "备考表",
                    "other": "其他文书"}'::jsonb ->> t, t)
$$;

-- Chinese names of the legal review opinions.
CREATE OR REPLACE FUNCTION ca_ra_opinion_zh(o text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE o WHEN 'approved' THEN '同意' WHEN 'rejected' THEN '不同意' WHEN 'revise' THEN '建议修改后提交'
                ELSE coalesce(o, '未记载') END
$$;
