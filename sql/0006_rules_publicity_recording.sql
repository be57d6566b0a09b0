-- 0006: the publicity (P01-P03) and recording (R01-R06) rules of shared/contract/rules.md, their helpers, and the
-- group dispatcher ca_collect_hits_publicity_recording() that the engine's ca_collect_hits() calls.
--
-- Every rule follows the contract in the header of 0004_rules.sql: one set-based query over the cases p_ids, one
-- row per defect, never an error. The rule pack (rules/publicity.json, rules/recording.json) holds the titles,
-- messages and parameter defaults; the message templates use only evidence keys that every row of the rule emits.
-- Evidence dates are ISO strings, instants RFC 3339 in the session's time zone (the configured case time zone).
-- Where a message needs a clause that differs between kinds of defect, the evidence carries it as detail_zh /
-- detail_en (or event_zh / subject_zh ...), already rendered, so that one template fits every row.
--
-- Parameters: the pack's parameters are read once per query with
--   CROSS JOIN (SELECT ca_rule_params(p_pack, 'P01') AS pp OFFSET 0) k
-- OFFSET 0 keeps the planner from pulling the subquery up: pulled up, every k.pp becomes a call of
-- ca_rule_params() (a query on rule_packs) and, because such an argument is costly, ca_param() is then not inlined
-- either; on 1,000,000 cases that is millions of sub-queries (minutes instead of seconds).
--
-- Plan shape: every table a rule reads is read once, in a MATERIALIZED CTE restricted by case_id = ANY (p_ids) (a
-- bitmap scan of the primary key for a small batch, a sequential scan with a hashed filter for a large one), and
-- the rule joins those CTEs (hash joins). Joining a base table to the batch directly lets the planner pick a nested
-- loop whose inner index scan carries the whole p_ids array as an index condition; the array is then re-sorted on
-- every rescan (about 1 ms each for 10,000 ids), which made a rule minutes slower. Lookups that serve only the
-- message of a firing row (a document's type) are correlated by (case_id, id) equality alone.

-- ---- Helpers (ca_pr_: publicity and recording) -------------------------------------------------------------------

-- The deadline of "within n working days of d" (ca_add_workdays semantics: d not counted, n = 0 rolls forward to a
-- working day), without ever raising: day is NULL when the calendar cannot answer, and gap is then the first date
-- it lacks (d itself when d is not covered, else the day after d's covered run). Both are NULL for NULL input.
-- The caller decides from gap whether the missing data matters: every covered date of d's run lies before the
-- deadline, so a date x <= gap is known to be on time. Inlined into the calling query (single SELECT, STABLE).
CREATE FUNCTION ca_pr_due_rel(d date, n int) RETURNS TABLE (day date, gap date)
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
CREATE FUNCTION ca_pr_norm(s text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN octet_length(s) = length(s) THEN translate(s, E'() \t\r\n', '[]')
    ELSE translate(s,
      '０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ－〔［【（﹝(〕］】）﹞)'
        || E' \t\r\n\u3000',
      '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-[[[[[[]]]]]]') END
$$;

-- Chinese names of the enumerations of case-record.md, for messages. Inlined (one CASE expression each).
CREATE FUNCTION ca_pr_event_type_zh(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE t
    WHEN 'on_site_inspection' THEN '现场检查' WHEN 'inquiry' THEN '询问' WHEN 'evidence_collection' THEN '调查取证'
    WHEN 'evidence_preservation' THEN '先行登记保存' WHEN 'sealing' THEN '查封' WHEN 'seizure' THEN '扣押'
    WHEN 'forced_demolition' THEN '强制拆除' WHEN 'forced_execution' THEN '强制执行'
    WHEN 'restriction_of_freedom' THEN '限制人身自由' WHEN 'hearing' THEN '听证' WHEN 'service' THEN '送达'
    WHEN 'other' THEN '执法活动' ELSE coalesce(t, '执法活动') END
$$;

CREATE FUNCTION ca_pr_doc_type_zh(t text) RETURNS text
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

CREATE FUNCTION ca_pr_method_zh(m text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE m
    WHEN 'direct' THEN '直接送达' WHEN 'leaving' THEN '留置送达' WHEN 'mail' THEN '邮寄送达'
    WHEN 'electronic' THEN '电子送达' WHEN 'announcement' THEN '公告送达' WHEN 'entrusted' THEN '委托送达'
    ELSE '送达' END
$$;

-- A date for a message, ISO whatever the session's DateStyle.
CREATE FUNCTION ca_pr_d(d date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT to_char(d, 'YYYY-MM-DD') $$;

-- An instant for a message, in the session's time zone (the case time zone): 2022-03-08 10:15:00.
CREATE FUNCTION ca_pr_ts(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT to_char(t, 'YYYY-MM-DD HH24:MI:SS') $$;

-- An event as a message names it: 扣押（E2，2022-03-08） / seizure E2 (2022-03-08).
CREATE FUNCTION ca_pr_event_zh(t text, id text, started timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT ca_pr_event_type_zh(t) || '（' || id || coalesce('，' || to_char(started, 'YYYY-MM-DD'), '') || '）'
$$;

CREATE FUNCTION ca_pr_event_en(t text, id text, started timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT replace(replace(coalesce(t, 'event'), 'on_site', 'on-site'), '_', ' ') || ' ' || id
         || coalesce(' (' || to_char(started, 'YYYY-MM-DD') || ')', '')
$$;

-- ---- P01: the penalty decision is published within publish_wd working days -------------------------------------
-- Scope: category penalty, procedure general, decided_on given, and a penalty decided (decision.outcome penalty or
-- absent: no_penalty, transfer and withdrawn decide no penalty to publish). warning_only_exempt (market profile)
-- skips cases whose penalties are all warnings (at least one). A publication dated after the audit date does not
-- count as of that date. Error: not published and the deadline passed before p_as_of; warning: published after
-- the deadline. When the calendar lacks a year the answer depends on: a warning with calendar_missing_year.
-- The deadline is computed once per distinct (decided_on, publish_wd), then joined back.
CREATE FUNCTION ca_rule_p01(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id, c.decided_on, c.publication_published_on AS published_on,
           CASE WHEN c.publication_published_on <= p_as_of THEN c.publication_published_on END AS pub,
           greatest(least(ca_param(k.pp, c.sector, c.agency_code, 'publish_wd')::numeric, 100000), -100000)::int
             AS publish_wd,
           coalesce(ca_param(k.pp, c.sector, c.agency_code, 'warning_only_exempt')::bool, false) AS exempt
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'P01') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
       AND c.category = 'penalty' AND c.procedure = 'general' AND c.decided_on IS NOT NULL
       AND coalesce(c.decision_outcome, 'penalty') = 'penalty'
  ), pen AS MATERIALIZED (   -- per case: are all (final) penalties warnings?
    SELECT p.case_id, bool_and(p.kind IS NOT DISTINCT FROM 'warning') AS warning_only
      FROM case_penalties p
     WHERE p.case_id = ANY (p_ids) AND NOT p.notified
     GROUP BY p.case_id
  ), due AS (
    SELECT x.decided_on, x.publish_wd, r.day, r.gap
      FROM (SELECT DISTINCT c.decided_on, c.publish_wd FROM c) x
      CROSS JOIN LATERAL ca_pr_due_rel(x.decided_on, x.publish_wd) AS r
  ), d AS (
    SELECT c.*, due.day AS deadline, due.gap,
           CASE WHEN due.day IS NOT NULL AND c.pub > due.day THEN 'late'
                WHEN due.day IS NOT NULL AND c.pub IS NULL AND p_as_of > due.day THEN 'missing'
                WHEN due.day IS NULL AND coalesce(c.pub, p_as_of) > due.gap THEN 'calendar' END AS kind
      FROM c
      JOIN due ON due.decided_on = c.decided_on AND due.publish_wd = c.publish_wd
      LEFT JOIN pen ON pen.case_id = c.id
     WHERE NOT (c.exempt AND coalesce(pen.warning_only, false))
  )
  SELECT d.id, '',
         CASE d.kind WHEN 'missing' THEN 'error' ELSE 'warning' END,
         false,
         jsonb_build_object(
           'decided_on', d.decided_on, 'deadline', d.deadline, 'published_on', d.published_on, 'as_of', p_as_of,
           'publish_wd', d.publish_wd, 'warning_only_exempt', d.exempt,
           'detail_zh', CASE d.kind
             WHEN 'missing' THEN format('最迟应于%s公示，截至%s未公示', ca_pr_d(d.deadline), ca_pr_d(p_as_of))
             WHEN 'late' THEN format('最迟应于%s公示，实际于%s公示，已逾期', ca_pr_d(d.deadline), ca_pr_d(d.pub))
             ELSE format('工作日历缺少%s年的节假日安排，无法计算公示期限，请导入后重新审查',
                         extract(year FROM d.gap)::int) END,
           'detail_en', CASE d.kind
             WHEN 'missing' THEN format('the deadline was %s and it was still unpublished on %s',
                                        ca_pr_d(d.deadline), ca_pr_d(p_as_of))
             WHEN 'late' THEN format('the deadline was %s but it was published on %s',
                                     ca_pr_d(d.deadline), ca_pr_d(d.pub))
             ELSE format('the working-day calendar has no data for %s, so the deadline cannot be computed; '
                         'load that year and audit again',
                         extract(year FROM d.gap)::int) END)
         || CASE WHEN d.kind = 'calendar'
                 THEN jsonb_build_object('calendar_missing_year', extract(year FROM d.gap)::int)
                 ELSE '{}'::jsonb END
    FROM d
   WHERE d.kind IS NOT NULL
$$;

-- ---- P02: the published document number is the penalty decision's -----------------------------------------------
-- Scope: cases with a publication (published_on or document_number given) and at least one penalty_decision
-- document with a number. The numbers are compared after ca_pr_norm (width, bracket forms, spaces); the published
-- number must equal one of the decisions' numbers. A publication without a number fires too.
CREATE FUNCTION ca_rule_p02(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id, c.publication_document_number AS published_number, c.publication_published_on AS published_on
      FROM cases c
     WHERE c.id = ANY (p_ids)
       AND (c.publication_published_on IS NOT NULL OR NOT ca_blank(c.publication_document_number))
  ), d AS MATERIALIZED (
    SELECT d.case_id, d.doc_id, d.ord, d.number
      FROM case_documents d
     WHERE d.case_id = ANY (p_ids) AND d.type = 'penalty_decision' AND NOT ca_blank(d.number)
  ), x AS (
    SELECT c.id, c.published_number, c.published_on,
           array_agg(d.doc_id ORDER BY d.ord) AS docs, array_agg(d.number ORDER BY d.ord) AS numbers,
           bool_or(ca_pr_norm(d.number) = ca_pr_norm(c.published_number)) AS matched
      FROM c JOIN d ON d.case_id = c.id
     GROUP BY c.id, c.published_number, c.published_on
  )
  SELECT x.id, '', 'warning', false,
         jsonb_build_object(
           'published_number', x.published_number, 'published_on', x.published_on,
           'documents', to_jsonb(x.docs), 'decision_numbers', to_jsonb(x.numbers),
           'detail_zh', CASE WHEN ca_blank(x.published_number) THEN '未载明文号'
                             ELSE format('载明的文号为“%s”', x.published_number) END,
           'detail_en', CASE WHEN ca_blank(x.published_number) THEN 'gives no document number'
                             ELSE format('gives the number "%s"', x.published_number) END)
    FROM x
   WHERE NOT coalesce(x.matched, false)
$$;

-- ---- P03: after a decision change the publication is withdrawn within withdraw_wd working days -------------------
-- Scope: decision_change of any kind (revoked, changed, confirmed_illegal, void: 行政处罚法 art. 48 names all four)
-- with its date, on a decision that was published (published_on, or a withdrawn_on, on or before p_as_of). The
-- period runs from decision_change.on. A withdrawal dated after the audit date does not count as of that date.
-- Error when withdrawn after the deadline, or not withdrawn and the deadline passed before p_as_of; calendar gaps as
-- in P01.
CREATE FUNCTION ca_rule_p03(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id, c.decision_change_kind AS change_kind, c.decision_change_on AS change_on,
           c.publication_published_on AS published_on, c.publication_withdrawn_on AS withdrawn_on,
           CASE WHEN c.publication_withdrawn_on <= p_as_of THEN c.publication_withdrawn_on END AS wd,
           greatest(least(ca_param(k.pp, c.sector, c.agency_code, 'withdraw_wd')::numeric, 100000), -100000)::int
             AS withdraw_wd
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'P03') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
       AND c.decision_change_kind IN ('revoked', 'changed', 'confirmed_illegal', 'void')
       AND c.decision_change_on IS NOT NULL
       AND coalesce(c.publication_published_on, c.publication_withdrawn_on) <= p_as_of
  ), due AS (
    SELECT x.change_on, x.withdraw_wd, r.day, r.gap
      FROM (SELECT DISTINCT c.change_on, c.withdraw_wd FROM c) x
      CROSS JOIN LATERAL ca_pr_due_rel(x.change_on, x.withdraw_wd) AS r
  ), d AS (
    SELECT c.*, due.day AS deadline, due.gap,
           CASE WHEN due.day IS NOT NULL AND c.wd > due.day THEN 'late'
                WHEN due.day IS NOT NULL AND c.wd IS NULL AND p_as_of > due.day THEN 'missing'
                WHEN due.day IS NULL AND coalesce(c.wd, p_as_of) > due.gap THEN 'calendar' END AS kind,
           CASE c.change_kind WHEN 'revoked' THEN '撤销' WHEN 'changed' THEN '变更'
                              WHEN 'confirmed_illegal' THEN '确认违法' ELSE '确认无效' END AS change_zh,
           CASE c.change_kind WHEN 'revoked' THEN 'revoked' WHEN 'changed' THEN 'changed'
                              WHEN 'confirmed_illegal' THEN 'confirmed illegal' ELSE 'declared void' END AS change_en
      FROM c
      JOIN due ON due.change_on = c.change_on AND due.withdraw_wd = c.withdraw_wd
  )
  SELECT d.id, '',
         CASE WHEN d.kind = 'calendar' THEN 'warning' ELSE 'error' END,
         false,
         jsonb_build_object(
           'change_kind', d.change_kind, 'change_kind_zh', d.change_zh, 'change_kind_en', d.change_en,
           'change_on', d.change_on,
           'deadline', d.deadline, 'published_on', d.published_on, 'withdrawn_on', d.withdrawn_on,
           'as_of', p_as_of, 'withdraw_wd', d.withdraw_wd,
           'detail_zh', CASE d.kind
             WHEN 'missing' THEN format('最迟应于%s撤回，截至%s未撤回', ca_pr_d(d.deadline), ca_pr_d(p_as_of))
             WHEN 'late' THEN format('最迟应于%s撤回，实际于%s撤回，已逾期', ca_pr_d(d.deadline), ca_pr_d(d.wd))
             ELSE format('工作日历缺少%s年的节假日安排，无法计算撤回期限，请导入后重新审查',
                         extract(year FROM d.gap)::int) END,
           'detail_en', CASE d.kind
             WHEN 'missing' THEN format('the deadline was %s and it was still not withdrawn on %s',
                                        ca_pr_d(d.deadline), ca_pr_d(p_as_of))
             WHEN 'late' THEN format('the deadline was %s but it was withdrawn on %s',
                                     ca_pr_d(d.deadline), ca_pr_d(d.wd))
             ELSE format('the working-day calendar has no data for %s, so the deadline cannot be computed; '
                         'load that year and audit again',
                         extract(year FROM d.gap)::int) END)
         || CASE WHEN d.kind = 'calendar'
                 THEN jsonb_build_object('calendar_missing_year', extract(year FROM d.gap)::int)
                 ELSE '{}'::jsonb END
    FROM d
   WHERE d.kind IS NOT NULL
$$;

-- ---- R01: full-process audio/video of mandatory events ----------------------------------------------------------
-- Events whose type is in the parameter list types. The recordings linked to the event (event_ref) with
-- ended_at > started_at are clipped to [started_at, ended_at]; every stretch of the event that no recording covers
-- (before the first, between, after the last) must be at most tolerance_s seconds long (exactly tolerance_s is
-- accepted); an interruption_note does not make an uncovered stretch recorded (R03 judges the notes). An event
-- without any well-formed recording fires whatever its length; an event without both times (or ending before it
-- starts) cannot be measured and fires only when it has no recording. Error, veto; key = event id.
CREATE FUNCTION ca_rule_r01(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id, ca_param(k.pp, c.sector, c.agency_code, 'types') AS types,
           ca_param(k.pp, c.sector, c.agency_code, 'tolerance_s')::numeric AS tol
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'R01') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
  ), e0 AS MATERIALIZED (
    SELECT e.case_id, e.event_id, e.type, e.started_at, e.ended_at
      FROM case_events e
     WHERE e.case_id = ANY (p_ids)
  ), r0 AS MATERIALIZED (
    SELECT r.case_id, r.event_ref, r.recording_id, r.started_at, r.ended_at
      FROM case_recordings r
     WHERE r.case_id = ANY (p_ids) AND r.event_ref IS NOT NULL AND r.ended_at > r.started_at
  ), ev AS MATERIALIZED (   -- the mandatory events
    SELECT e0.*, e0.ended_at >= e0.started_at AS timed, c.tol
      FROM e0 JOIN c ON c.id = e0.case_id
     WHERE c.types ? e0.type
  ), rec AS MATERIALIZED (  -- their well-formed recordings; s, t: the part inside the event (NULL when untimed)
    SELECT ev.case_id, ev.event_id, r0.recording_id,
           CASE WHEN ev.timed THEN greatest(r0.started_at, ev.started_at) END AS s,
           CASE WHEN ev.timed THEN least(r0.ended_at, ev.ended_at) END AS t
      FROM ev JOIN r0 ON r0.case_id = ev.case_id AND r0.event_ref = ev.event_id
  ), seg AS MATERIALIZED (  -- the parts that overlap the event, each with the end of the coverage before it
    SELECT rec.case_id, rec.event_id, rec.s, rec.t,
           max(rec.t) OVER (PARTITION BY rec.case_id, rec.event_id ORDER BY rec.s, rec.t
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS covered_to
      FROM rec
     WHERE rec.t > rec.s
  ), hole AS (              -- uncovered stretches of timed events: before / between segments, after the last, or all
    SELECT seg.case_id, seg.event_id, coalesce(seg.covered_to, ev.started_at) AS h_from, seg.s AS h_to
      FROM seg JOIN ev ON ev.case_id = seg.case_id AND ev.event_id = seg.event_id
     WHERE seg.s > coalesce(seg.covered_to, ev.started_at)
    UNION ALL
    SELECT ev.case_id, ev.event_id, coalesce(m.t, ev.started_at), ev.ended_at
      FROM ev
      LEFT JOIN (SELECT seg.case_id, seg.event_id, max(seg.t) AS t FROM seg GROUP BY 1, 2) m
             ON m.case_id = ev.case_id AND m.event_id = ev.event_id
     WHERE ev.timed AND ev.ended_at > coalesce(m.t, ev.started_at)
  ), worst AS (
    SELECT DISTINCT ON (hole.case_id, hole.event_id) hole.case_id, hole.event_id, hole.h_from, hole.h_to,
           trim_scale(extract(epoch FROM hole.h_to - hole.h_from)) AS secs
      FROM hole
     ORDER BY hole.case_id, hole.event_id, hole.h_to - hole.h_from DESC, hole.h_from
  ), f AS (
    SELECT ev.*, w.h_from, w.h_to, w.secs, r.ids
      FROM ev
      LEFT JOIN worst w ON w.case_id = ev.case_id AND w.event_id = ev.event_id
      LEFT JOIN (SELECT rec.case_id, rec.event_id, array_agg(rec.recording_id ORDER BY rec.recording_id) AS ids
                   FROM rec GROUP BY 1, 2) r ON r.case_id = ev.case_id AND r.event_id = ev.event_id
     WHERE r.ids IS NULL OR w.secs > ev.tol
  )
  SELECT f.case_id, f.event_id, 'error', true,
         jsonb_build_object(
           'event_id', f.event_id, 'event_type', f.type,
           'event_zh', ca_pr_event_zh(f.type, f.event_id, f.started_at),
           'event_en', ca_pr_event_en(f.type, f.event_id, f.started_at),
           'started_at', f.started_at, 'ended_at', f.ended_at,
           'recordings', coalesce(to_jsonb(f.ids), '[]'::jsonb),
           'uncovered_from', f.h_from, 'uncovered_to', f.h_to, 'uncovered_s', f.secs, 'tolerance_s', f.tol,
           'detail_zh', CASE WHEN f.ids IS NULL THEN '没有关联有效的音像记录'
             ELSE format('音像记录（%s）未覆盖%s至%s，共%s秒，超过容许的%s秒', array_to_string(f.ids, '、'),
                         ca_pr_ts(f.h_from), ca_pr_ts(f.h_to), f.secs, f.tol) END,
           'detail_en', CASE WHEN f.ids IS NULL THEN 'no well-formed recording is linked to it'
             ELSE format('the recordings (%s) leave %s to %s uncovered, %s s, more than the %s s tolerated',
                         array_to_string(f.ids, ', '), ca_pr_ts(f.h_from), ca_pr_ts(f.h_to), f.secs, f.tol) END)
    FROM f
$$;

-- ---- R02: situational audio/video or a reason for its absence ---------------------------------------------------
-- Events whose type is in types need a recording (event_ref) or a non-blank no_av_reason; key = event id.
-- Services whose method is in service_methods need a recording named by recording_ref, or a `service` event whose
-- document_refs hold the served document and which has a recording or a no_av_reason (the only place a service
-- can state one); key = document_ref/method (several such services of one document by one method: one finding,
-- about the first of them).
CREATE FUNCTION ca_rule_r02(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id, ca_param(k.pp, c.sector, c.agency_code, 'types') AS types,
           ca_param(k.pp, c.sector, c.agency_code, 'service_methods') AS methods
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'R02') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
  ), e0 AS MATERIALIZED (
    SELECT e.case_id, e.event_id, e.type, e.started_at, e.ended_at, e.no_av_reason
      FROM case_events e
     WHERE e.case_id = ANY (p_ids)
  ), r0 AS MATERIALIZED (
    SELECT r.case_id, r.recording_id, r.event_ref
      FROM case_recordings r
     WHERE r.case_id = ANY (p_ids)
  ), s0 AS MATERIALIZED (
    SELECT s.case_id, s.ord, s.document_ref, s.method, s.served_on, s.recording_ref
      FROM case_services s
     WHERE s.case_id = ANY (p_ids) AND s.document_ref IS NOT NULL
  ), ed0 AS MATERIALIZED (
    SELECT ed.case_id, ed.event_id, ed.document_ref
      FROM case_event_documents ed
     WHERE ed.case_id = ANY (p_ids)
  ), sev AS (               -- `service` events that are recorded or say why not
    SELECT e0.case_id, e0.event_id FROM e0 WHERE e0.type = 'service' AND NOT ca_blank(e0.no_av_reason)
    UNION
    SELECT e0.case_id, e0.event_id FROM e0 JOIN r0 ON r0.case_id = e0.case_id AND r0.event_ref = e0.event_id
     WHERE e0.type = 'service'
  ), svc AS (               -- the documents those events served
    SELECT DISTINCT ed0.case_id, ed0.document_ref
      FROM ed0 JOIN sev ON sev.case_id = ed0.case_id AND sev.event_id = ed0.event_id
  )
  SELECT e0.case_id, e0.event_id, 'warning', false,
         jsonb_build_object(
           'event_id', e0.event_id, 'event_type', e0.type, 'started_at', e0.started_at, 'ended_at', e0.ended_at,
           'subject_zh', ca_pr_event_zh(e0.type, e0.event_id, e0.started_at),
           'subject_en', ca_pr_event_en(e0.type, e0.event_id, e0.started_at))
    FROM e0
    JOIN c ON c.id = e0.case_id
   WHERE c.types ? e0.type
     AND ca_blank(e0.no_av_reason)
     AND NOT EXISTS (SELECT 1 FROM r0 WHERE r0.case_id = e0.case_id AND r0.event_ref = e0.event_id)
  UNION ALL
  SELECT x.case_id, x.document_ref || '/' || x.method, 'warning', false,
         jsonb_build_object(
           'document_ref', x.document_ref, 'method', x.method, 'served_on', x.served_on,
           'recording_ref', x.recording_ref,
           'subject_zh', format('%s（%s）的%s%s', ca_pr_doc_type_zh(x.doc_type), x.document_ref,
                                ca_pr_method_zh(x.method), coalesce('（' || ca_pr_d(x.served_on) || '）', '')),
           'subject_en', format('service of %s %s by %s%s', replace(coalesce(x.doc_type, 'document'), '_', ' '),
                                x.document_ref, x.method, coalesce(' (' || ca_pr_d(x.served_on) || ')', '')))
    FROM (SELECT DISTINCT ON (s0.case_id, s0.document_ref, s0.method) s0.*,
                 (SELECT d.type FROM case_documents d
                   WHERE d.case_id = s0.case_id AND d.doc_id = s0.document_ref) AS doc_type
            FROM s0
            JOIN c ON c.id = s0.case_id
           WHERE c.methods ? s0.method
             AND NOT EXISTS (SELECT 1 FROM r0 WHERE r0.case_id = s0.case_id AND r0.recording_id = s0.recording_ref)
             AND NOT EXISTS (SELECT 1 FROM svc WHERE svc.case_id = s0.case_id AND svc.document_ref = s0.document_ref)
           ORDER BY s0.case_id, s0.document_ref, s0.method, s0.ord) x
$$;

-- ---- R03: no unexplained gap between the recordings of one event ------------------------------------------------
-- The well-formed recordings (ended_at > started_at) of each event_ref, in order of start; a recording that starts
-- more than max_gap_s seconds after every earlier one has ended (exactly max_gap_s is accepted) resumes after a
-- gap and must carry a non-blank interruption_note (local rules: the interruption is explained on resuming).
-- key = the resuming recording's id.
CREATE FUNCTION ca_rule_r03(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id, ca_param(k.pp, c.sector, c.agency_code, 'max_gap_s')::numeric AS max_gap
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'R03') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
  ), r0 AS MATERIALIZED (
    SELECT r.case_id, r.event_ref, r.recording_id, r.started_at, r.ended_at, r.interruption_note
      FROM case_recordings r
     WHERE r.case_id = ANY (p_ids) AND r.event_ref IS NOT NULL AND r.ended_at > r.started_at
  ), g AS (
    SELECT r0.case_id, r0.event_ref, r0.recording_id, r0.started_at, r0.interruption_note,
           max(r0.ended_at) OVER (PARTITION BY r0.case_id, r0.event_ref
                                  ORDER BY r0.started_at, r0.ended_at, r0.recording_id
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
      FROM r0
  ), f AS (
    SELECT g.*, trim_scale(extract(epoch FROM g.started_at - g.prev_end)) AS gap_s, c.max_gap
      FROM g JOIN c ON c.id = g.case_id
     WHERE g.started_at > g.prev_end
       AND extract(epoch FROM g.started_at - g.prev_end) > c.max_gap
       AND ca_blank(g.interruption_note)
  )
  SELECT f.case_id, f.recording_id, 'warning', false,
         jsonb_build_object(
           'event_id', f.event_ref, 'recording_id', f.recording_id,
           'event_zh', ca_pr_event_zh(e.type, f.event_ref, e.started_at),
           'event_en', ca_pr_event_en(e.type, f.event_ref, e.started_at),
           'gap_from', f.prev_end, 'gap_to', f.started_at, 'gap_s', f.gap_s, 'max_gap_s', f.max_gap,
           'gap_from_text', ca_pr_ts(f.prev_end), 'gap_to_text', ca_pr_ts(f.started_at))
    FROM f
    LEFT JOIN LATERAL (SELECT e.type, e.started_at FROM case_events e
                        WHERE e.case_id = f.case_id AND e.event_id = f.event_ref) e ON true
$$;

-- ---- R04: each recording is well formed -------------------------------------------------------------------------
-- One finding per recording with any of: times missing or ended_at <= started_at; sha256 not 64 hex digits (either
-- case); device_id or uri blank; officer_cert_no blank or not the cert_no of an officer of the case (compared after
-- ca_pr_norm, so full-width digits match). evidence.problems lists codes, problems_zh / problems_en the texts.
CREATE FUNCTION ca_rule_r04(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH r0 AS MATERIALIZED (
    SELECT r.case_id, r.recording_id, r.event_ref, r.started_at, r.ended_at, r.sha256, r.device_id, r.uri,
           r.officer_cert_no
      FROM case_recordings r
     WHERE r.case_id = ANY (p_ids)
  ), o0 AS MATERIALIZED (
    SELECT o.case_id, ca_pr_norm(o.cert_no) AS cert
      FROM case_officers o
     WHERE o.case_id = ANY (p_ids) AND NOT ca_blank(o.cert_no)
  ), stranger AS (          -- recordings whose officer is not an officer of the case (an anti join: few rows)
    SELECT r0.case_id, r0.recording_id
      FROM r0
     WHERE NOT EXISTS (SELECT 1 FROM o0 WHERE o0.case_id = r0.case_id AND o0.cert = ca_pr_norm(r0.officer_cert_no))
  ), r AS (
    SELECT r0.*,
           array_remove(ARRAY[
             CASE WHEN r0.started_at IS NULL OR r0.ended_at IS NULL OR r0.ended_at <= r0.started_at THEN 'times' END,
             CASE WHEN r0.sha256 IS NULL OR length(r0.sha256) <> 64 OR r0.sha256 !~ '^[0-9a-fA-F]+$' THEN 'sha256' END,
             CASE WHEN ca_blank(r0.device_id) THEN 'device_id' END,
             CASE WHEN ca_blank(r0.uri) THEN 'uri' END,
             CASE WHEN ca_blank(r0.officer_cert_no) OR x.recording_id IS NOT NULL THEN 'officer' END], NULL) AS problems
      FROM r0
      LEFT JOIN stranger x ON x.case_id = r0.case_id AND x.recording_id = r0.recording_id
  )
  SELECT r.case_id, r.recording_id, 'warning', false,
         jsonb_build_object(
           'recording_id', r.recording_id, 'event_id', r.event_ref, 'problems', to_jsonb(r.problems),
           'started_at', r.started_at, 'ended_at', r.ended_at, 'sha256', r.sha256, 'device_id', r.device_id,
           'uri', r.uri, 'officer_cert_no', r.officer_cert_no,
           'problems_zh', (SELECT string_agg(CASE u.p
                              WHEN 'times' THEN '起止时间缺失或结束时间不晚于开始时间'
                              WHEN 'sha256' THEN '哈希值不是64位十六进制的SHA-256'
                              WHEN 'device_id' THEN '未记录设备编号'
                              WHEN 'uri' THEN '未记录存储位置'
                              ELSE CASE WHEN ca_blank(r.officer_cert_no) THEN '未记录录制人员的执法证号'
                                        ELSE format('录制人员执法证号%s不是本案执法人员', r.officer_cert_no) END
                              END, '；' ORDER BY u.i) FROM unnest(r.problems) WITH ORDINALITY AS u(p, i)),
           'problems_en', (SELECT string_agg(CASE u.p
                              WHEN 'times' THEN 'start or end missing, or the end is not after the start'
                              WHEN 'sha256' THEN 'the hash is not a SHA-256 in 64 hex digits'
                              WHEN 'device_id' THEN 'no device id'
                              WHEN 'uri' THEN 'no storage location (uri)'
                              ELSE CASE WHEN ca_blank(r.officer_cert_no)
                                        THEN 'no recording officer''s certificate number'
                                        ELSE format('the recording officer %s is not an officer of the case',
                                                    r.officer_cert_no) END
                              END, '; ' ORDER BY u.i) FROM unnest(r.problems) WITH ORDINALITY AS u(p, i)))
    FROM r
   WHERE cardinality(r.problems) > 0
$$;

-- ---- R05: proof of special service ------------------------------------------------------------------------------
-- leaving (留置送达): witness true, or recording_ref naming a recording of the case; mail: a non-blank tracking_no;
-- announcement: announced_on given and served_on, when given, not before announced_on + announcement_days (calendar
-- days; served on exactly that day is right). key = document_ref/method, one finding for the first faulty service
-- of that document by that method.
CREATE FUNCTION ca_rule_r05(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id,
           greatest(least(ca_param(k.pp, c.sector, c.agency_code, 'announcement_days')::numeric, 100000), -100000)::int
             AS days
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'R05') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
  ), s0 AS MATERIALIZED (
    SELECT s.case_id, s.ord, s.document_ref, s.method, s.served_on, s.witness, s.recording_ref, s.tracking_no,
           s.announced_on
      FROM case_services s
     WHERE s.case_id = ANY (p_ids) AND s.method IN ('leaving', 'mail', 'announcement') AND s.document_ref IS NOT NULL
  ), r0 AS MATERIALIZED (   -- recordings named by a service left at the premises
    SELECT r.case_id, r.recording_id
      FROM case_recordings r
     WHERE r.case_id = ANY (p_ids)
  ), s AS (
    SELECT s0.*, c.days,
           CASE s0.method
             WHEN 'leaving' THEN CASE WHEN NOT coalesce(s0.witness, false) AND NOT EXISTS
                                        (SELECT 1 FROM r0 WHERE r0.case_id = s0.case_id
                                                            AND r0.recording_id = s0.recording_ref)
                                      THEN 'no_witness_or_recording' END
             WHEN 'mail' THEN CASE WHEN ca_blank(s0.tracking_no) THEN 'no_tracking_no' END
             WHEN 'announcement' THEN CASE WHEN s0.announced_on IS NULL THEN 'no_announced_on'
                                           WHEN s0.served_on < s0.announced_on + c.days THEN 'served_too_early' END
           END AS problem
      FROM s0 JOIN c ON c.id = s0.case_id
  ), f AS (
    SELECT DISTINCT ON (s.case_id, s.document_ref, s.method) s.*,
           (SELECT d.type FROM case_documents d WHERE d.case_id = s.case_id AND d.doc_id = s.document_ref) AS doc_type
      FROM s
     WHERE s.problem IS NOT NULL
     ORDER BY s.case_id, s.document_ref, s.method, s.ord
  )
  SELECT f.case_id, f.document_ref || '/' || f.method, 'error', false,
         jsonb_build_object(
           'document_ref', f.document_ref, 'method', f.method, 'served_on', f.served_on, 'problem', f.problem,
           'witness', f.witness, 'recording_ref', f.recording_ref, 'tracking_no', f.tracking_no,
           'announced_on', f.announced_on, 'announcement_days', f.days,
           'earliest_served_on', f.announced_on + f.days,
           'subject_zh', format('%s（%s）的%s%s', ca_pr_doc_type_zh(f.doc_type), f.document_ref,
                                ca_pr_method_zh(f.method), coalesce('（' || ca_pr_d(f.served_on) || '）', '')),
           'subject_en', format('service of %s %s by %s%s', replace(coalesce(f.doc_type, 'document'), '_', ' '),
                                f.document_ref, f.method, coalesce(' (' || ca_pr_d(f.served_on) || ')', '')),
           'detail_zh', CASE f.problem
             WHEN 'no_witness_or_recording' THEN '既无见证人，也无记录送达过程的音像记录'
             WHEN 'no_tracking_no' THEN '未记录邮件单号'
             WHEN 'no_announced_on' THEN format('未记录公告日期，无法确认公告期满%s日', f.days)
             ELSE format('公告于%s发出，公告期%s日，最早于%s视为送达，却记为%s送达',
                         ca_pr_d(f.announced_on), f.days, ca_pr_d(f.announced_on + f.days), ca_pr_d(f.served_on)) END,
           'detail_en', CASE f.problem
             WHEN 'no_witness_or_recording' THEN 'has neither a witness nor a recording of the service'
             WHEN 'no_tracking_no' THEN 'has no postal tracking number'
             WHEN 'no_announced_on'
               THEN format('does not record the announcement date, so the %s days cannot be checked', f.days)
             ELSE format('was announced on %s and is deemed served %s days later, on %s at the earliest, '
                         'but is recorded as served on %s',
                         ca_pr_d(f.announced_on), f.days, ca_pr_d(f.announced_on + f.days), ca_pr_d(f.served_on)) END)
    FROM f
$$;

-- ---- R06: a written record for every inspection, inquiry, sealing and seizure ------------------------------------
-- The event's document_refs must include a document of type inspection_record, inquiry_record or on_site_record
-- (a reference to a document the case does not hold does not count). key = event id.
CREATE FUNCTION ca_rule_r06(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH e0 AS MATERIALIZED (
    SELECT e.case_id, e.event_id, e.type, e.started_at
      FROM case_events e
     WHERE e.case_id = ANY (p_ids) AND e.type IN ('on_site_inspection', 'inquiry', 'sealing', 'seizure')
  ), ed0 AS MATERIALIZED (
    SELECT ed.case_id, ed.event_id, ed.ord, ed.document_ref
      FROM case_event_documents ed
     WHERE ed.case_id = ANY (p_ids)
  ), d0 AS MATERIALIZED (   -- the written records of the batch
    SELECT d.case_id, d.doc_id
      FROM case_documents d
     WHERE d.case_id = ANY (p_ids) AND d.type IN ('inspection_record', 'inquiry_record', 'on_site_record')
  ), x AS (
    SELECT ed0.case_id, ed0.event_id, array_agg(ed0.document_ref ORDER BY ed0.ord) AS refs,
           bool_or(d0.doc_id IS NOT NULL) AS ok
      FROM ed0
      LEFT JOIN d0 ON d0.case_id = ed0.case_id AND d0.doc_id = ed0.document_ref
     GROUP BY ed0.case_id, ed0.event_id
  )
  SELECT e0.case_id, e0.event_id, 'error', false,
         jsonb_build_object(
           'event_id', e0.event_id, 'event_type', e0.type, 'started_at', e0.started_at,
           'event_zh', ca_pr_event_zh(e0.type, e0.event_id, e0.started_at),
           'event_en', ca_pr_event_en(e0.type, e0.event_id, e0.started_at),
           'document_refs', coalesce(to_jsonb(x.refs), '[]'::jsonb),
           'detail_zh', CASE WHEN x.refs IS NULL THEN '未关联任何文书'
                             ELSE '关联的文书（' || array_to_string(x.refs, '、') || '）中没有笔录' END,
           'detail_en', CASE WHEN x.refs IS NULL THEN 'it refers to no document'
                             ELSE 'none of the documents it refers to (' || array_to_string(x.refs, ', ')
                                  || ') is such a record' END)
    FROM e0
    LEFT JOIN x ON x.case_id = e0.case_id AND x.event_id = e0.event_id
   WHERE NOT coalesce(x.ok, false)
$$;

-- ---- Group dispatcher, called by ca_collect_hits() (sql/0010) ---------------------------------------------------
-- SET jit = off: the rules' multi-CTE plans have high cost estimates, and JIT compiling them (inlining and
-- optimisation above jit_optimize_above_cost) took longer than running them: 12 s of 20 s for R02 on a batch of
-- 10,000 cases. The setting holds for the rule queries this function runs and is restored when it returns.
CREATE FUNCTION ca_collect_hits_publicity_recording(p_pack text, p_rules jsonb, p_ids uuid[],
                                                    p_as_of date, p_only text[])
    RETURNS void LANGUAGE plpgsql SET jit = off AS $$
BEGIN
  IF p_rules ? 'P01' AND (p_only IS NULL OR 'P01' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'P01', h.key, h.severity, h.veto, h.evidence FROM ca_rule_p01(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'P02' AND (p_only IS NULL OR 'P02' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'P02', h.key, h.severity, h.veto, h.evidence FROM ca_rule_p02(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'P03' AND (p_only IS NULL OR 'P03' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'P03', h.key, h.severity, h.veto, h.evidence FROM ca_rule_p03(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'R01' AND (p_only IS NULL OR 'R01' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'R01', h.key, h.severity, h.veto, h.evidence FROM ca_rule_r01(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'R02' AND (p_only IS NULL OR 'R02' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'R02', h.key, h.severity, h.veto, h.evidence FROM ca_rule_r02(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'R03' AND (p_only IS NULL OR 'R03' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'R03', h.key, h.severity, h.veto, h.evidence FROM ca_rule_r03(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'R04' AND (p_only IS NULL OR 'R04' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'R04', h.key, h.severity, h.veto, h.evidence FROM ca_rule_r04(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'R05' AND (p_only IS NULL OR 'R05' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'R05', h.key, h.severity, h.veto, h.evidence FROM ca_rule_r05(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'R06' AND (p_only IS NULL OR 'R06' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'R06', h.key, h.severity, h.veto, h.evidence FROM ca_rule_r06(p_pack, p_ids, p_as_of) h;
  END IF;
END $$;
