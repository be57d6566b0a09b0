-- sql/engine/helpers_publicity_recording.sql: Helpers shared by the rules of the publicity and recording systems
-- (P01-P03, R01-R06). Engine file: one current definition of each function, applied by `caseaudit migrate` after the
-- numbered migrations and again whenever this file changes (its SHA-256 is recorded in schema_engine; see
-- docs/schema.md). CREATE OR REPLACE only: it runs on new databases and on databases that have it already.

-- The deadline of "within n working days of d" (ca_add_workdays semantics: d not counted, n = 0 rolls forward to a
-- working day), without ever raising: day is NULL when the calendar cannot answer, and gap is then the first date
-- it lacks (d itself when d is not covered, else the day after d's covered run). Both are NULL for NULL input.
-- The caller decides from gap whether the missing data matters: every covered date of d's run lies before the
-- deadline, so a date x <= gap is known to be on time. Inlined into the calling query (single SELECT, STABLE).
CREATE OR REPLACE FUNCTION ca_pr_due_rel(d date, n int) RETURNS TABLE (day date, gap date)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT w.day,
         CASE WHEN d IS NULL OR n IS NULL OR w.day IS NOT NULL THEN NULL
              WHEN c.day IS NULL THEN d
              ELSE c.run_end + 1 END
    FROM (SELECT) AS one
    LEFT JOIN calendar_ordinals c ON c.day = d
    LEFT JOIN calendar_ordinals w
           ON w.working
          AND w.ordinal = c.ordinal + greatest(n, 0) + CASE WHEN greatest(n, 0) = 0 AND NOT c.working THEN 1 ELSE 0 END
          AND w.run_start = c.run_start
$$;

-- An identifier as written by hand, for comparison: full-width digits and Latin letters made half-width, the
-- bracket forms of a 文号 (〔〕 ［］ 【】 （） ﹝﹞ () []) made [ ], white space (full-width too) removed. Inlined.
-- Pure ASCII (octet_length = length) takes the short translate: the long one costs ~4 us a call.
CREATE OR REPLACE FUNCTION ca_pr_norm(s text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN octet_length(s) = length(s) THEN translate(s, E'() \t\r\n', '[]')
    ELSE translate(s,
      '０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ－〔［【（﹝(〕］】）﹞)'
        || E' \t\r\n\u3000',
      '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-[[[[[[]]]]]]') END
$$;

-- Chinese names of the enumerations of case-record.md, for messages. Inlined (one CASE expression each).
CREATE OR REPLACE FUNCTION ca_pr_event_type_zh(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE t
    WHEN 'on_site_inspection' THEN '现场检查' WHEN 'inquiry' THEN '询问' WHEN 'evidence_collection' THEN '调查取证'
    WHEN 'evidence_preservation' THEN '先行登记保存' WHEN 'sealing' THEN '查封' WHEN 'seizure' THEN '扣押'
    WHEN 'forced_demolition' THEN '强制拆除' WHEN 'forced_execution' THEN '强制执行'
    WHEN 'restriction_of_freedom' THEN '限制人身自由' WHEN 'hearing' THEN '听证' WHEN 'service' THEN '送达'
    WHEN 'other' THEN '执法活动' ELSE coalesce(t, '执法活动') END
$$;

CREATE OR REPLACE FUNCTION ca_pr_doc_type_zh(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE t
    WHEN 'case_source' THEN '案件来源登记表' WHEN 'filing_approval' THEN '立案审批表'
    WHEN 'inquiry_record' THEN '询问笔录' WHEN 'inspection_record' THEN '现场检查（勘验）笔录'
    WHEN 'on_site_record' THEN '现场笔录' WHEN 'evidence' THEN '证据材料'
    WHEN 'preservation_notice' THEN '先行登记保存通知书' WHEN 'seizure_decision' THEN '查封扣押决定书'
    WHEN 'seizure_list' THEN '查封扣押清单' WHEN 'release_decision' THEN '解除查封扣押决定书'
    WHEN 'investigation_report' THEN '调查终结报告' WHEN 'legal_review_opinion' THEN '法制审核意见书'
    WHEN 'collective_discussion_record' THEN '集体讨论记录' WHEN 'prior_notice' THEN '行政处罚事先告知书'
    WHEN 'hearing_notice' THEN '听证通知书' WHEN 'hearing_record' THEN '听证笔录'
    WHEN 'statement_record' THEN '陈述申辩笔录' WHEN 'decision_approval' THEN '处罚决定审批表'
    WHEN 'penalty_decision' THEN '行政处罚决定书' WHEN 'onsite_penalty_decision' THEN '当场行政处罚决定书'
    WHEN 'service_receipt' THEN '送达回证' WHEN 'payment_receipt' THEN '罚没款票据'
    WHEN 'closing_report' THEN '结案报告' WHEN 'archive_note' THEN '备考表' ELSE '文书' END
$$;

CREATE OR REPLACE FUNCTION ca_pr_method_zh(m text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE m
    WHEN 'direct' THEN '直接送达' WHEN 'leaving' THEN '留置送达' WHEN 'mail' THEN '邮寄送达'
    WHEN 'electronic' THEN '电子送达' WHEN 'announcement' THEN '公告送达' WHEN 'entrusted' THEN '委托送达'
    ELSE '送达' END
$$;

-- A date for a message, ISO whatever the session's DateStyle.
CREATE OR REPLACE FUNCTION ca_pr_d(d date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT to_char(d, 'YYYY-MM-DD') $$;

-- An instant for a message, in the session's time zone (the case time zone): 2022-03-08 10:15:00.
CREATE OR REPLACE FUNCTION ca_pr_ts(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT to_char(t, 'YYYY-MM-DD HH24:MI:SS') $$;

-- An event as a message names it: 扣押（E2，2022-03-08） / seizure E2 (2022-03-08).
CREATE OR REPLACE FUNCTION ca_pr_event_zh(t text, id text, started timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT ca_pr_event_type_zh(t) || '（' || id || coalesce('，' || to_char(started, 'YYYY-MM-DD'), '') || '）'
$$;

CREATE OR REPLACE FUNCTION ca_pr_event_en(t text, id text, started timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT replace(replace(coalesce(t, 'event'), 'on_site', 'on-site'), '_', ' ') || ' ' || id
         || coalesce(' (' || to_char(started, 'YYYY-MM-DD') || ')', '')
$$;
