-- 0007: the rules of the review (法制审核: L01-L04) and archive (归档: A01-A03) systems, and their dispatcher
-- ca_collect_hits_review_archive(). The catalog is shared/contract/rules.md; the rule texts and parameters are in
-- rules/review.json and rules/archive.json; the fixtures in tests/rules/L01.json ... A03.json.
--
-- Each rule follows the contract in the header of 0004_rules.sql: a STABLE SQL function, set-based over the cases
-- p_ids, one row per defect, never raising. Where a rule's message depends on the situation, the SQL writes the
-- situation-specific sentence into the evidence (detail_zh / detail_en, problems_zh / problems_en) and the message
-- template only frames it, so every placeholder is always present.
--
-- Parameters: (SELECT ca_rule_params(...) AS pp OFFSET 0) k. Without OFFSET 0 the planner pulls the one-row
-- subquery up and evaluates ca_rule_params() (a query on rule_packs) for every case and every ca_param() use; it
-- also stops inlining ca_param(). Measured on 200,000 cases: 38 s without, 0.5 s with the fence.
--
-- Decisions made where rules.md is silent (also in each rule's "checks" text):
--   * L01, L02, L04 judge decided cases only (decided_on set): before the decision a review or discussion can still
--     happen. A case whose decision.outcome is 'withdrawn' (撤案) made no decision and is skipped.
--   * L01: the fine is the sum of the final (not the notified) penalties of kind 'fine'; the threshold is
--     major_fine_org for party.type 'organization' and major_fine_person otherwise (an unknown party type gets the
--     lower, natural-person threshold). Any review with opinion 'approved' satisfies L01; its timing is L02's.
--   * L02: "last" is the last element of legal_reviews (the record gives them in the order made). One finding per
--     case listing every problem.
--   * L03: "an officer of the case" is an entry of officers[] with a role other than 'reviewer', or an officer of
--     one of the case's events; matched on the certificate number, or on the name when the reviewer has no
--     certificate number, after normalising full-width letters and digits and removing white space. The first
--     review date defaults to this review's date when absent. One finding per reviewer (key: certificate number,
--     else name).
--   * L04: the attendees counted are the distinct non-blank names of attendees plus the chair.
--   * A01, A02, A03 look at the file when it is complete: A01 when the case is closed or archived, A02 when it is
--     archived, A03 when it is closed.
--   * A01: the general_penalty checklist applies to general-procedure penalty cases whose outcome is penalty (or
--     not given): a 不予处罚 decision has no 行政处罚决定书 or 事先告知书. Seizure documents are required when the case
--     has a seizure or a sealing event (查封扣押决定书 covers both).
--   * A02: the page run follows seq; an entry without page numbers that names no document (cover, catalog) or names
--     the 备考表 (archive_note) is left out of it, as these are conventionally unnumbered.
--   * A03: a calendar_missing_year warning is emitted only when the case could already be late (the reference date,
--     archived_on or the audit date, is more than archive_wd days after closing and beyond the loaded calendar).
--
-- Performance (200,000 generated cases, ~2.3 M documents and catalog entries, 2 cores shared with other work,
-- jit off): L01 3 s, L02 1.8 s, L03 4.7 s, L04 1.8 s, A01 8 s, A02 14 s, A03 1.3 s; 1,000 cases: 25-450 ms each.
-- Each rule computes cheap per-row flags first and builds texts only for the rows that fire (MATERIALIZED CTEs
-- keep the planner from building them earlier).

-- ---- Helpers (private to this file: prefix ca_ra_) ------------------------------------------------------------------

-- A name or certificate number for comparison: full-width digits, Latin letters, brackets and hyphen become
-- half-width, white space (ASCII, no-break and ideographic) is removed, Latin letters are lower-cased. Inlined.
-- translate() with this multibyte table costs several microseconds a call; a string holding none of those
-- characters (nearly all) takes the regex fast path, with the same result.
CREATE FUNCTION ca_ra_norm(s text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN s !~ E'[\\s\u00a0\u3000０-９Ａ-Ｚａ-ｚ（）－]' THEN lower(s)
              ELSE lower(translate(s,
                '０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ（）－'
                  || E' \t\r\n\u00a0\u3000',
                '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz()-')) END
$$;

-- An ISO date (YYYY-MM-DD, years 1000-2999) from a parameter string, NULL when it is not a real date; never raises.
CREATE FUNCTION ca_ra_date(s text) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN s ~ '^[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' THEN
           CASE WHEN to_char(make_date(substr(s, 1, 4)::int, substr(s, 6, 2)::int, 1) + (substr(s, 9, 2)::int - 1),
                             'YYYY-MM-DD') = s
                THEN make_date(substr(s, 1, 4)::int, substr(s, 6, 2)::int, 1) + (substr(s, 9, 2)::int - 1) END
         END
$$;

-- A count parameter (jsonb) as an int clamped to 0..100000; NULL when it is not a number. Never raises.
CREATE FUNCTION ca_ra_count(j jsonb) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(j) = 'number' THEN least(greatest(j::numeric, 0), 100000)::int END
$$;

-- An amount parameter (jsonb) as numeric; NULL when it is not a number. Never raises.
CREATE FUNCTION ca_ra_num(j jsonb) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(j) = 'number' THEN j::numeric END
$$;

-- ISO text of a date for messages, independent of DateStyle.
CREATE FUNCTION ca_ra_d(d date) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT to_char(d, 'YYYY-MM-DD') $$;

-- Chinese names of the document types of case-record.md (the type itself when unknown).
CREATE FUNCTION ca_ra_doc_type_zh(t text) RETURNS text
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

-- Chinese names of the penalty kinds of case-record.md.
CREATE FUNCTION ca_ra_penalty_zh(k text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce('{"warning": "警告", "fine": "罚款", "confiscate_gains": "没收违法所得",
                    "confiscate_property": "没收非法财物", "suspend_license": "暂扣许可证件",
                    "revoke_license": "吊销许可证件", "lower_qualification": "降低资质等级",
                    "suspend_business": "责令停产停业", "order_closure": "责令关闭", "restrict_practice": "限制从业",
                    "detention": "行政拘留", "other": "其他处罚"}'::jsonb ->> k, k)
$$;

-- Chinese names of the legal review opinions.
CREATE FUNCTION ca_ra_opinion_zh(o text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE o WHEN 'approved' THEN '同意' WHEN 'rejected' THEN '不同意' WHEN 'revise' THEN '建议修改后提交'
                ELSE coalesce(o, '未记载') END
$$;

-- ---- L01: a case needing legal review has an approved one (行政处罚法 art. 58) ------------------------------------
-- Cheap flags first (one pass over cases, reviews, penalties), the texts only for the cases that fire.
CREATE FUNCTION ca_rule_l01(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS (
    SELECT c.id, c.party_type, c.decided_on, c.decision_major, c.decision_complex, c.hearing_held_on,
           ca_ra_num(CASE WHEN c.party_type = 'organization'
                          THEN ca_param(k.pp, c.sector, c.agency_code, 'major_fine_org')
                          ELSE ca_param(k.pp, c.sector, c.agency_code, 'major_fine_person') END) AS fine_threshold,
           ca_param(k.pp, c.sector, c.agency_code, 'major_kinds') AS major_kinds
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'L01') AS pp OFFSET 0) k  -- OFFSET 0: evaluated once, not per row
     WHERE c.id = ANY (p_ids)
       AND c.decided_on IS NOT NULL
       AND c.decision_outcome IS DISTINCT FROM 'withdrawn'
  ), rev AS (
    SELECT r.case_id, count(*) AS n, bool_or(r.opinion = 'approved') AS approved
      FROM case_legal_reviews r
     WHERE r.case_id = ANY (p_ids)
     GROUP BY r.case_id
  ), pen AS (
    SELECT p.case_id, sum(p.amount) FILTER (WHERE p.kind = 'fine') AS fine_total,
           array_agg(DISTINCT p.kind) FILTER (WHERE p.kind IS NOT NULL) AS kinds
      FROM case_penalties p
     WHERE p.case_id = ANY (p_ids) AND NOT p.notified
     GROUP BY p.case_id
  ), t AS MATERIALIZED (
    SELECT c.*, coalesce(rev.n, 0) AS n_reviews, pen.fine_total,
           coalesce(pen.fine_total >= c.fine_threshold, false) AS fine_hit,
           CASE WHEN jsonb_typeof(c.major_kinds) = 'array' AND c.major_kinds ?| pen.kinds
                THEN ARRAY(SELECT k FROM unnest(pen.kinds) AS k WHERE c.major_kinds ? k ORDER BY k) END AS kinds
      FROM c
      LEFT JOIN rev ON rev.case_id = c.id
      LEFT JOIN pen ON pen.case_id = c.id
     WHERE rev.approved IS NOT TRUE
       AND (c.decision_major IS TRUE OR c.decision_complex IS TRUE OR c.hearing_held_on IS NOT NULL
            OR pen.fine_total >= c.fine_threshold
            OR (jsonb_typeof(c.major_kinds) = 'array' AND c.major_kinds ?| pen.kinds))
  ), t2 AS (
    SELECT t.*, l.opinion AS last_opinion, l.reviewed_on AS last_reviewed_on
      FROM t
      LEFT JOIN LATERAL (SELECT r.opinion, r.reviewed_on FROM case_legal_reviews r
                          WHERE r.case_id = t.id ORDER BY r.ord DESC LIMIT 1) l ON true
  )
  SELECT t.id, '', 'error', true,
         jsonb_build_object(
           'decided_on', t.decided_on,
           'triggers', to_jsonb(tr.codes), 'triggers_zh', array_to_string(tr.zh, '、'),
           'triggers_en', array_to_string(tr.en, '; '),
           'party_type', t.party_type, 'fine_total', trim_scale(t.fine_total), 'fine_threshold', t.fine_threshold,
           'major_kinds', t.major_kinds, 'kinds_found', to_jsonb(t.kinds),
           'reviews', t.n_reviews, 'last_opinion', t.last_opinion, 'last_reviewed_on', t.last_reviewed_on,
           'review_zh', CASE WHEN t.n_reviews = 0 THEN '案卷中没有法制审核记录'
                             ELSE format('法制审核未获通过（共审核%s次，最后一次%s意见为“%s”）', t.n_reviews,
                                         coalesce('于' || ca_ra_d(t.last_reviewed_on), ''),
                                         ca_ra_opinion_zh(t.last_opinion)) END,
           'review_en', CASE WHEN t.n_reviews = 0 THEN 'the file holds no legal review'
                             ELSE format('none of its %s legal review(s) approved it (last opinion: %s)', t.n_reviews,
                                         coalesce(t.last_opinion, 'not recorded')) END)
    FROM t2 AS t
    CROSS JOIN LATERAL (
      SELECT array_agg(x.code ORDER BY x.o) AS codes, array_agg(x.zh ORDER BY x.o) AS zh,
             array_agg(x.en ORDER BY x.o) AS en
        FROM (VALUES
          (1, t.decision_major IS TRUE, 'major', '属于重大执法决定', 'a major enforcement decision'),
          (2, t.hearing_held_on IS NOT NULL, 'hearing',
              format('经过听证（%s）', ca_ra_d(t.hearing_held_on)),
              format('a hearing was held on %s', ca_ra_d(t.hearing_held_on))),
          (3, t.decision_complex IS TRUE, 'complex', '案情疑难复杂、涉及多个法律关系',
              'complex, several legal relationships'),
          (4, t.fine_hit, 'fine',
              format('罚款%s元，达到%s罚款%s元的审核标准%s', trim_scale(t.fine_total),
                     CASE WHEN t.party_type = 'organization' THEN '法人或其他组织' ELSE '自然人' END,
                     trim_scale(t.fine_threshold),
                     CASE WHEN t.party_type IS NULL THEN '（当事人类型未记载，按自然人标准）' ELSE '' END),
              format('a fine of %s yuan, at or above the %s threshold of %s yuan', trim_scale(t.fine_total),
                     CASE WHEN t.party_type = 'organization' THEN 'organisation'
                          WHEN t.party_type IS NULL THEN 'natural person (party type not given)'
                          ELSE 'natural person' END,
                     trim_scale(t.fine_threshold))),
          (5, t.kinds IS NOT NULL, 'kind',
              '处罚种类含' || (SELECT string_agg(ca_ra_penalty_zh(k), '、' ORDER BY k) FROM unnest(t.kinds) k),
              'a penalty of a major kind (' || array_to_string(t.kinds, ', ') || ')')
        ) AS x(o, hit, code, zh, en)
       WHERE x.hit
    ) tr
$$;

-- ---- L02: the last review is approved, before the decision; rejections are followed by an approval ---------------
-- One window pass over the reviews of decided cases gives, per review, its position from the end and whether it is
-- a rejected / revise opinion that no later approval (later in order and not dated earlier) follows.
CREATE FUNCTION ca_rule_l02(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH r AS (
    SELECT r.case_id, r.ord, r.opinion, r.reviewed_on,
           row_number() OVER w AS rn,
           r.opinion IN ('rejected', 'revise')
             AND NOT coalesce(bool_or(r.opinion = 'approved') OVER later
                              AND (r.reviewed_on IS NULL
                                   OR bool_or(r.opinion = 'approved' AND r.reviewed_on IS NULL) OVER later
                                   OR max(r.reviewed_on) FILTER (WHERE r.opinion = 'approved') OVER later
                                        >= r.reviewed_on), false) AS unresolved
      FROM case_legal_reviews r
     WHERE r.case_id = ANY (p_ids)
    WINDOW w AS (PARTITION BY r.case_id ORDER BY r.ord DESC),
           later AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
  ), g AS (
    SELECT r.case_id, count(*) AS n, max(r.ord) AS last_ord,
           min(r.opinion) FILTER (WHERE r.rn = 1) AS last_opinion,
           min(r.reviewed_on) FILTER (WHERE r.rn = 1) AS last_reviewed_on,
           array_agg(r.ord) FILTER (WHERE r.unresolved AND r.rn > 1) AS unresolved
      FROM r
     GROUP BY r.case_id
  ), f AS MATERIALIZED (
    SELECT c.id, c.decided_on, g.n, g.last_ord, g.last_opinion, g.last_reviewed_on,
           CASE WHEN g.last_opinion = 'approved' THEN g.unresolved END AS unresolved
      FROM cases c
      JOIN g ON g.case_id = c.id
     WHERE c.id = ANY (p_ids)
       AND c.decided_on IS NOT NULL
       AND c.decision_outcome IS DISTINCT FROM 'withdrawn'
       AND (g.last_opinion IS DISTINCT FROM 'approved' OR g.last_reviewed_on IS NULL
            OR g.last_reviewed_on > c.decided_on OR g.unresolved IS NOT NULL)
  ), u AS (
    -- the texts of the unresolved opinions (few rows)
    SELECT f.id,
           string_agg(format('第%s次审核（%s）意见为“%s”', r.ord, coalesce(ca_ra_d(r.reviewed_on), '日期未记载'),
                             ca_ra_opinion_zh(r.opinion)), '，' ORDER BY r.ord) AS zh,
           string_agg(format('review %s (%s) said %s', r.ord, coalesce(ca_ra_d(r.reviewed_on), 'undated'), r.opinion),
                      ', ' ORDER BY r.ord) AS en
      FROM f
      JOIN case_legal_reviews r ON r.case_id = f.id AND r.ord = ANY (f.unresolved)
     WHERE f.unresolved IS NOT NULL
     GROUP BY f.id
  )
  SELECT f.id, '', 'error', false,
         jsonb_build_object(
           'decided_on', f.decided_on, 'reviews', f.n,
           'last_review', f.last_ord, 'last_opinion', f.last_opinion, 'last_reviewed_on', f.last_reviewed_on,
           'unresolved_reviews', to_jsonb(f.unresolved),
           'problems', to_jsonb(p.codes),
           'problems_zh', array_to_string(p.zh, '；'), 'problems_en', array_to_string(p.en, '; '))
    FROM f
    LEFT JOIN u ON u.id = f.id
    CROSS JOIN LATERAL (
      SELECT array_agg(x.code ORDER BY x.o) AS codes, array_agg(x.zh ORDER BY x.o) AS zh,
             array_agg(x.en ORDER BY x.o) AS en
        FROM (VALUES
          (1, f.last_opinion IS DISTINCT FROM 'approved', 'not_approved',
              format('最后一次法制审核（第%s次，%s）意见为“%s”，未经审核通过即于%s作出决定', f.last_ord,
                     coalesce(ca_ra_d(f.last_reviewed_on), '日期未记载'), ca_ra_opinion_zh(f.last_opinion),
                     ca_ra_d(f.decided_on)),
              format('the last legal review (no. %s, %s) said %s, yet the decision was made on %s without an approval',
                     f.last_ord, coalesce(ca_ra_d(f.last_reviewed_on), 'undated'), coalesce(f.last_opinion, 'nothing'),
                     ca_ra_d(f.decided_on))),
          (2, f.last_opinion = 'approved' AND f.last_reviewed_on IS NULL, 'approval_undated',
              format('审核通过的日期未记载，无法确认审核先于%s的决定', ca_ra_d(f.decided_on)),
              format('the approval is undated, so it cannot be shown to precede the decision of %s',
                     ca_ra_d(f.decided_on))),
          (3, f.last_opinion = 'approved' AND f.last_reviewed_on > f.decided_on, 'approved_after_decision',
              format('审核通过日期%s晚于决定日期%s', ca_ra_d(f.last_reviewed_on), ca_ra_d(f.decided_on)),
              format('the approval of %s came after the decision of %s', ca_ra_d(f.last_reviewed_on),
                     ca_ra_d(f.decided_on))),
          (4, f.unresolved IS NOT NULL, 'rejection_not_followed',
              format('%s，而其后记录的审核通过日期（%s）早于该意见，未见修改后再次审核通过', u.zh,
                     coalesce(ca_ra_d(f.last_reviewed_on), '未记载')),
              format('%s, but the approval recorded after it is dated earlier (%s): no approval followed the '
                     'correction', u.en, coalesce(ca_ra_d(f.last_reviewed_on), 'undated')))
        ) AS x(o, hit, code, zh, en)
       WHERE x.hit
    ) p
$$;

-- ---- L03: the reviewer is independent of the case and, if first reviewing from 2021-07-15, qualified -------------
CREATE FUNCTION ca_rule_l03(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH r AS MATERIALIZED (
    SELECT r.case_id, r.ord, r.reviewer_name, r.reviewer_cert_no, r.reviewer_qualified,
           r.reviewer_first_review_on, r.reviewed_on,
           coalesce(nullif(btrim(r.reviewer_cert_no, E' \t\r\n\u3000'), ''),
                    nullif(btrim(r.reviewer_name, E' \t\r\n\u3000'), ''), '#' || r.ord) AS ident,
           coalesce(ca_ra_norm(r.reviewer_cert_no), '') AS ncert,
           coalesce(ca_ra_norm(r.reviewer_name), '') AS nname,
           ca_param(k.pp, c.sector, c.agency_code, 'qualification_from') #>> '{}' AS qfrom_raw
      FROM case_legal_reviews r
      JOIN cases c ON c.id = r.case_id
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'L03') AS pp OFFSET 0) k  -- OFFSET 0: evaluated once, not per row
     WHERE c.id = ANY (p_ids) AND r.case_id = ANY (p_ids)
  ), om AS (
    -- reviews whose reviewer is an officers[] entry other than a reviewer: by certificate number (a hash join), or,
    -- for the rare reviewer without one, by name (an index probe per such review)
    SELECT r.case_id, r.ord
      FROM r
      JOIN case_officers o ON o.case_id = r.case_id AND ca_ra_norm(o.cert_no) = r.ncert
     WHERE o.case_id = ANY (p_ids) AND o.role IS DISTINCT FROM 'reviewer' AND r.ncert <> ''
    UNION
    SELECT r.case_id, r.ord
      FROM r
      CROSS JOIN LATERAL (SELECT 1 FROM case_officers o
                           WHERE o.case_id = r.case_id AND o.role IS DISTINCT FROM 'reviewer'
                             AND ca_ra_norm(o.name) = r.nname
                           LIMIT 1) AS o
     WHERE r.ncert = '' AND r.nname <> ''
  ), em AS (
    -- reviews whose reviewer is an officer of one of the case's events (by certificate number)
    SELECT DISTINCT r.case_id, r.ord
      FROM r
      JOIN case_event_officers e ON e.case_id = r.case_id AND ca_ra_norm(e.cert_no) = r.ncert
     WHERE e.case_id = ANY (p_ids) AND r.ncert <> ''
  ), g AS MATERIALIZED (
    -- one row per reviewer with a problem, over the reviews that show it
    SELECT x.case_id, x.ident,
           (array_agg(x.reviewer_name ORDER BY x.ord))[1] AS name,
           (array_agg(x.reviewer_cert_no ORDER BY x.ord))[1] AS cert_no,
           (array_agg(x.ncert ORDER BY x.ord))[1] AS ncert,
           (array_agg(x.nname ORDER BY x.ord))[1] AS nname,
           (array_agg(x.reviewer_qualified ORDER BY x.ord DESC))[1] AS qualified,
           min(x.reviewer_first_review_on) AS first_review_on,
           min(x.reviewed_on) AS first_reviewed_on,
           array_agg(x.ord ORDER BY x.ord) AS reviews,
           min(x.qfrom_raw) AS qfrom_raw, ca_ra_date(min(x.qfrom_raw)) AS qfrom,
           bool_or(x.officer) AS officer, bool_or(x.unqualified) AS unqualified
      FROM (SELECT r.*, om.ord IS NOT NULL OR em.ord IS NOT NULL AS officer,
                   r.reviewer_qualified IS NOT TRUE
                     AND (coalesce(r.reviewer_first_review_on, r.reviewed_on) IS NULL
                          OR ca_ra_date(r.qfrom_raw) IS NULL
                          OR coalesce(r.reviewer_first_review_on, r.reviewed_on) >= ca_ra_date(r.qfrom_raw))
                     AS unqualified
              FROM r
              LEFT JOIN om ON om.case_id = r.case_id AND om.ord = r.ord
              LEFT JOIN em ON em.case_id = r.case_id AND em.ord = r.ord) x
     WHERE x.officer OR x.unqualified
     GROUP BY x.case_id, x.ident
  ), t AS (
    -- the texts, for these few reviewers only: the matching officers and events
    SELECT g.*,
           (SELECT jsonb_agg(format('%s（%s，%s）', coalesce(o.name, '姓名未记载'), coalesce(o.cert_no, '证号未记载'),
                                    CASE o.role WHEN 'investigator' THEN '调查人员' WHEN 'host' THEN '听证主持人'
                                                ELSE '执法人员' END) ORDER BY o.ord)
              FROM case_officers o
             WHERE o.case_id = g.case_id AND o.role IS DISTINCT FROM 'reviewer'
               AND CASE WHEN g.ncert <> '' THEN ca_ra_norm(o.cert_no) = g.ncert
                        ELSE g.nname <> '' AND ca_ra_norm(o.name) = g.nname END) AS officers,
           (SELECT string_agg(format('%s (%s, %s)', coalesce(o.name, 'no name'), coalesce(o.cert_no, 'no certificate'),
                                     coalesce(o.role, 'officer')), ', ' ORDER BY o.ord)
              FROM case_officers o
             WHERE o.case_id = g.case_id AND o.role IS DISTINCT FROM 'reviewer'
               AND CASE WHEN g.ncert <> '' THEN ca_ra_norm(o.cert_no) = g.ncert
                        ELSE g.nname <> '' AND ca_ra_norm(o.name) = g.nname END) AS officers_en,
           (SELECT jsonb_agg(DISTINCT e.event_id ORDER BY e.event_id)
              FROM case_event_officers e
             WHERE e.case_id = g.case_id AND g.ncert <> '' AND ca_ra_norm(e.cert_no) = g.ncert) AS events,
           coalesce(ca_ra_d(g.qfrom), g.qfrom_raw, '—') AS qfrom_txt
      FROM g
  ), t2 AS (
    SELECT t.*,
           (SELECT string_agg(v, '、') FROM jsonb_array_elements_text(t.officers) AS v) AS officers_txt,
           (SELECT string_agg(v, '、') FROM jsonb_array_elements_text(t.events) AS v) AS events_txt
      FROM t
  )
  SELECT t.case_id, t.ident, 'error', false,
         jsonb_build_object(
           'reviewer', format('%s（%s）', coalesce(t.name, '姓名未记载'), coalesce('执法证号' || t.cert_no, '未记载证号')),
           'reviewer_en', format('%s (%s)', coalesce(t.name, 'no name'),
                                 coalesce('certificate ' || t.cert_no, 'no certificate number')),
           'reviewer_name', t.name, 'reviewer_cert_no', t.cert_no, 'qualified', t.qualified,
           'first_review_on', t.first_review_on, 'reviews', to_jsonb(t.reviews),
           'qualification_from', t.qfrom_raw,
           'matching_officers', t.officers, 'matching_events', t.events,
           'problems', to_jsonb(p.codes),
           'problems_zh', array_to_string(p.zh, '；'), 'problems_en', array_to_string(p.en, '; '))
    FROM t2 AS t
    CROSS JOIN LATERAL (
      SELECT array_agg(x.code ORDER BY x.o) AS codes, array_agg(x.zh ORDER BY x.o) AS zh,
             array_agg(x.en ORDER BY x.o) AS en
        FROM (VALUES
          (1, t.officer, 'officer',
              CASE WHEN t.officers IS NOT NULL
                   THEN '其本人是本案的执法人员' || t.officers_txt
                        || coalesce('，并参与了事件' || t.events_txt || '的执法活动', '')
                   ELSE '其本人参与了本案事件' || t.events_txt || '的执法活动' END,
              'the reviewer acts for the case'
                || coalesce(' as officer ' || t.officers_en, '')
                || coalesce(CASE WHEN t.officers IS NOT NULL THEN ' and' ELSE '' END
                            || ' in event(s) ' || replace(t.events_txt, '、', ', '), '')),
          (2, t.unqualified, 'qualification',
              CASE WHEN t.first_review_on IS NOT NULL
                   THEN format('首次从事法制审核的日期为%s（不早于%s），但未取得法律职业资格',
                               ca_ra_d(t.first_review_on), t.qfrom_txt)
                   WHEN t.first_reviewed_on IS NOT NULL
                   THEN format('未记载首次从事法制审核的日期，本案审核于%s（不早于%s）进行，且未记载取得法律职业资格',
                               ca_ra_d(t.first_reviewed_on), t.qfrom_txt)
                   ELSE '未记载首次从事法制审核的日期和审核日期，且未记载取得法律职业资格' END,
              CASE WHEN t.first_review_on IS NOT NULL
                   THEN format('first reviewed on %s (not before %s) without a legal professional qualification',
                               ca_ra_d(t.first_review_on), t.qfrom_txt)
                   WHEN t.first_reviewed_on IS NOT NULL
                   THEN format('no first review date is recorded, this review of %s is not before %s, and no legal '
                               'professional qualification is recorded', ca_ra_d(t.first_reviewed_on), t.qfrom_txt)
                   ELSE 'neither a first review date nor a review date nor a legal professional qualification is recorded' END)
        ) AS x(o, hit, code, zh, en)
       WHERE x.hit
    ) p
$$;

-- ---- L04: a major or complex case has a valid collective discussion before the decision (art. 57) --------------
CREATE FUNCTION ca_rule_l04(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id, c.decided_on, c.decision_major IS TRUE AS major, c.decision_complex IS TRUE AS complex,
           c.collective_held_on AS held_on, c.collective_signed AS signed,
           (c.collective_held_on IS NULL AND ca_blank(c.collective_chair)
            AND coalesce(cardinality(c.collective_attendees), 0) = 0 AND ca_blank(c.collective_conclusion)
            AND c.collective_signed IS NULL) AS absent,
           (SELECT count(DISTINCT ca_ra_norm(a)) FROM unnest(c.collective_attendees || c.collective_chair) AS a
             WHERE ca_ra_norm(a) <> '') AS attendees,
           ca_ra_count(ca_param(k.pp, c.sector, c.agency_code, 'min_attendees')) AS min_attendees
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'L04') AS pp OFFSET 0) k  -- OFFSET 0: evaluated once, not per row
     WHERE c.id = ANY (p_ids)
       AND c.decided_on IS NOT NULL
       AND c.decision_outcome IS DISTINCT FROM 'withdrawn'
       AND (c.decision_major IS TRUE OR c.decision_complex IS TRUE)
  ), f AS MATERIALIZED (
    SELECT c.*,
           NOT c.absent AND c.held_on IS NULL AS undated,
           coalesce(NOT c.absent AND c.held_on > c.decided_on, false) AS late,
           NOT c.absent AND c.signed IS NOT TRUE AS unsigned,
           coalesce(NOT c.absent AND c.attendees < c.min_attendees, false) AS too_few
      FROM c
  )
  SELECT f.id, '', 'error', false,
         jsonb_build_object(
           'decided_on', f.decided_on, 'major', f.major, 'complex', f.complex,
           'case_kind_zh', CASE WHEN f.major AND f.complex THEN '重大、情节复杂' WHEN f.major THEN '重大' ELSE '情节复杂' END,
           'case_kind_en', CASE WHEN f.major AND f.complex THEN 'major and complex' WHEN f.major THEN 'major'
                                ELSE 'complex' END,
           'held_on', f.held_on, 'signed', f.signed, 'attendees', f.attendees, 'min_attendees', f.min_attendees,
           'problems', to_jsonb(p.codes),
           'problems_zh', array_to_string(p.zh, '，'), 'problems_en', array_to_string(p.en, ', '))
    FROM f
    CROSS JOIN LATERAL (
      SELECT array_agg(x.code ORDER BY x.o) AS codes, array_agg(x.zh ORDER BY x.o) AS zh,
             array_agg(x.en ORDER BY x.o) AS en
        FROM (VALUES
          (1, f.absent, 'missing', '案卷中没有集体讨论记录', 'the file records no collective discussion'),
          (2, f.undated, 'undated', '集体讨论未记载日期', 'the collective discussion is undated'),
          (3, f.late, 'after_decision',
              format('集体讨论日期%s晚于决定日期%s', ca_ra_d(f.held_on), ca_ra_d(f.decided_on)),
              format('it was held on %s, after the decision', ca_ra_d(f.held_on))),
          (4, f.unsigned, 'unsigned', '集体讨论记录未经签名', 'its record is not signed'),
          (5, f.too_few, 'too_few_attendees',
              format('参加讨论的负责人（含主持人）仅%s人，少于%s人', f.attendees, f.min_attendees),
              format('%s attended, fewer than %s', f.attendees, f.min_attendees))
        ) AS x(o, hit, code, zh, en)
       WHERE x.hit
    ) p
   WHERE f.absent OR f.undated OR f.late OR f.unsigned OR f.too_few
$$;

-- ---- A01: the documents required for the category and procedure are present ----------------------------------
CREATE FUNCTION ca_rule_a01(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS (
    SELECT c.id, c.category, c.procedure, c.decision_outcome, c.closed_on, c.archived_on,
           s.case_id IS NOT NULL AS has_seizure,
           ca_param(k.pp, c.sector, c.agency_code, 'general_penalty') AS l_general,
           ca_param(k.pp, c.sector, c.agency_code, 'simple_penalty') AS l_simple,
           ca_param(k.pp, c.sector, c.agency_code, 'seizure') AS l_seizure
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'A01') AS pp OFFSET 0) k  -- OFFSET 0: evaluated once, not per row
      LEFT JOIN (SELECT DISTINCT e.case_id FROM case_events e
                  WHERE e.case_id = ANY (p_ids) AND e.type IN ('seizure', 'sealing')) s ON s.case_id = c.id
     WHERE c.id = ANY (p_ids)
       AND (c.closed_on IS NOT NULL OR c.archived_on IS NOT NULL)
  ), req AS (
    -- one row per (case, checklist, required type); the expansion of a list is memoized per distinct list
    SELECT c.id, c.closed_on, c.archived_on, l.o, l.list, l.list_zh, l.list_en, t.type
      FROM c
      CROSS JOIN LATERAL (VALUES
          (1, 'general_penalty', '一般程序行政处罚案卷', 'a general-procedure penalty file',
              c.category = 'penalty' AND c.procedure = 'general' AND coalesce(c.decision_outcome, 'penalty') = 'penalty',
              c.l_general),
          (2, 'simple_penalty', '简易程序行政处罚案卷', 'a simple-procedure penalty file',
              c.category = 'penalty' AND c.procedure = 'simple', c.l_simple),
          (3, 'seizure', '实施查封、扣押的案卷', 'a file with a sealing or seizure', c.has_seizure, c.l_seizure)
        ) AS l(o, list, list_zh, list_en, applies, types)
      CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN l.applies AND jsonb_typeof(l.types) = 'array'
                                                   THEN l.types END) AS j(v)
      CROSS JOIN LATERAL (SELECT j.v #>> '{}' AS type) t
     WHERE jsonb_typeof(j.v) = 'string' AND NOT ca_blank(t.type)
  ), missing AS (
    -- the required types no document of the case has, grouped per type only now (few rows)
    SELECT q.id, q.closed_on, q.archived_on, q.type,
           array_agg(q.list ORDER BY q.o) AS lists, array_agg(q.list_zh ORDER BY q.o) AS lists_zh,
           array_agg(q.list_en ORDER BY q.o) AS lists_en
      FROM req q
     WHERE NOT EXISTS (SELECT 1 FROM case_documents d
                        WHERE d.case_id = q.id AND d.case_id = ANY (p_ids) AND d.type = q.type)
     GROUP BY q.id, q.closed_on, q.archived_on, q.type
  )
  SELECT q.id, q.type, 'error', false,
         jsonb_build_object(
           'missing_type', q.type, 'missing_type_zh', ca_ra_doc_type_zh(q.type),
           'checklists', to_jsonb(q.lists), 'checklists_zh', to_jsonb(q.lists_zh), 'checklists_en', to_jsonb(q.lists_en),
           'closed_on', q.closed_on, 'archived_on', q.archived_on,
           'state_zh', CASE WHEN q.closed_on IS NOT NULL THEN format('案件已于%s结案', ca_ra_d(q.closed_on))
                            ELSE format('案件已于%s归档', ca_ra_d(q.archived_on)) END,
           'state_en', CASE WHEN q.closed_on IS NOT NULL THEN format('The case was closed on %s', ca_ra_d(q.closed_on))
                            ELSE format('The case was archived on %s', ca_ra_d(q.archived_on)) END)
    FROM missing q
$$;

-- ---- A02: the archive catalog lists every document once; pages run continuously from 1 ---------------------
-- Per case, the ids the catalog names are compared with the document ids (two aggregates that can follow the
-- primary keys); only the cases that differ are examined document by document. The page run is one window in
-- catalog order. Texts are built for the defective rows only.
CREATE FUNCTION ca_rule_a02(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id, c.archived_on FROM cases c WHERE c.id = ANY (p_ids) AND c.archived_on IS NOT NULL
  ), ksum AS (
    -- per case with a catalog, the document ids its entries name (as often as they name them) ...
    SELECT k.case_id,
           array_agg(btrim(k.document_ref)) FILTER (WHERE nullif(btrim(k.document_ref), '') IS NOT NULL) AS refs
      FROM case_archive_catalog k
     WHERE k.case_id = ANY (p_ids)
     GROUP BY k.case_id
  ), dsum AS (
    -- ... and the ids of its documents (distinct: they are the key)
    SELECT d.case_id, array_agg(d.doc_id) AS ids
      FROM case_documents d
     WHERE d.case_id = ANY (p_ids)
     GROUP BY d.case_id
  ), bad AS MATERIALIZED (
    -- every document is listed exactly once and no entry names anything else exactly when the entries name as many
    -- ids as there are documents and name each of them (the ids being distinct): no sorting needed
    SELECT c.id
      FROM c
      JOIN ksum ON ksum.case_id = c.id
      LEFT JOIN dsum ON dsum.case_id = c.id
     WHERE NOT (coalesce(cardinality(ksum.refs), 0) = coalesce(cardinality(dsum.ids), 0)
                AND coalesce(ksum.refs, '{}') @> coalesce(dsum.ids, '{}'))
  ), listing AS MATERIALIZED (
    -- for those few cases (index lookups per case): documents listed other than once, and entries naming no
    -- document of the case
    SELECT bad.id AS case_id, x.*
      FROM bad
      CROSS JOIN LATERAL (
        SELECT d.doc_id, d.type, k.ref, count(k.ref) AS n,
               array_agg(coalesce(k.seq, k.ord) ORDER BY k.seq, k.ord) FILTER (WHERE k.ref IS NOT NULL) AS seqs,
               min(k.title) AS title
          FROM (SELECT d.doc_id, d.type FROM case_documents d WHERE d.case_id = bad.id) d
          FULL JOIN (SELECT k.ord, k.seq, k.title, btrim(k.document_ref) AS ref
                       FROM case_archive_catalog k
                      WHERE k.case_id = bad.id AND nullif(btrim(k.document_ref), '') IS NOT NULL) k
            ON k.ref = d.doc_id
         GROUP BY d.doc_id, d.type, k.ref
        HAVING d.doc_id IS NULL OR count(k.ref) <> 1) x
  ), brk AS MATERIALIZED (
    -- entries where the page run breaks: unnumbered, reversed, not starting at 1, or not following the previous
    -- one. By convention the cover, the catalog and the 备考表 are not numbered: an entry without page numbers that
    -- names no document, or names an archive_note, takes no part in the run (the subquery runs only for such
    -- unnumbered entries: one index probe).
    SELECT b.*
      FROM (SELECT k.case_id, k.ord, k.seq, k.title, k.document_ref, k.page_from, k.page_to,
                   lag(k.page_to::bigint) OVER w AS prev_to,  -- bigint: page_to + 1 cannot overflow
                   row_number() OVER w AS run_pos
              FROM case_archive_catalog k
              JOIN c ON c.id = k.case_id
             WHERE k.case_id = ANY (p_ids)
               AND NOT (k.page_from IS NULL AND k.page_to IS NULL
                        AND (nullif(btrim(k.document_ref), '') IS NULL
                             OR EXISTS (SELECT 1 FROM case_documents d
                                         WHERE d.case_id = k.case_id AND d.doc_id = btrim(k.document_ref)
                                           AND d.type = 'archive_note')))
            WINDOW w AS (PARTITION BY k.case_id ORDER BY k.seq NULLS LAST, k.ord)) b
     WHERE b.page_from IS NULL OR b.page_to IS NULL OR b.page_to < b.page_from
        OR (b.run_pos = 1 AND b.page_from <> 1)
        OR (b.run_pos > 1 AND b.prev_to IS NOT NULL AND b.page_from <> b.prev_to + 1)
  )
  -- documents not in the catalog, or in it more than once
  SELECT l.case_id, l.doc_id, 'warning', false,
         jsonb_build_object(
           'document', l.doc_id, 'document_type', l.type, 'times_listed', l.n, 'catalog_seqs', to_jsonb(l.seqs),
           'detail_zh', CASE WHEN l.n = 0
                             THEN format('文书%s（%s）未列入卷内目录', l.doc_id, ca_ra_doc_type_zh(l.type))
                             ELSE format('文书%s（%s）在卷内目录中列出%s次（第%s项）', l.doc_id,
                                         ca_ra_doc_type_zh(l.type), l.n, array_to_string(l.seqs, '、')) END,
           'detail_en', CASE WHEN l.n = 0
                             THEN format('document %s (%s) is not in the catalog', l.doc_id, l.type)
                             ELSE format('document %s (%s) is listed %s times (entries %s)', l.doc_id, l.type, l.n,
                                         array_to_string(l.seqs, ', ')) END)
    FROM listing l
   WHERE l.doc_id IS NOT NULL
  UNION ALL
  -- catalog entries naming a document the case does not have
  SELECT l.case_id, l.ref, 'warning', false,
         jsonb_build_object(
           'document', l.ref, 'times_listed', l.n, 'catalog_seqs', to_jsonb(l.seqs),
           'detail_zh', format('卷内目录第%s项（%s）所列文书%s不在案卷中', array_to_string(l.seqs, '、'),
                               coalesce(l.title, '无标题'), l.ref),
           'detail_en', format('catalog entry %s (%s) names document %s, which the file does not hold',
                               array_to_string(l.seqs, ', '), coalesce(l.title, 'untitled'), l.ref))
    FROM listing l
   WHERE l.doc_id IS NULL
  UNION ALL
  -- the page run, one finding per case
  SELECT b.case_id, '', 'warning', false,
         jsonb_build_object(
           'problem', 'pages',
           'breaks', jsonb_agg(jsonb_build_object(
                       'seq', b.seq, 'document_ref', b.document_ref, 'page_from', b.page_from, 'page_to', b.page_to,
                       'expected_from', CASE WHEN b.run_pos = 1 THEN 1 ELSE b.prev_to + 1 END) ORDER BY b.run_pos),
           'detail_zh', '页码不连续：' || string_agg(
              format('第%s项（%s）', coalesce(b.seq, b.ord), coalesce(b.title, b.document_ref, '无标题'))
              || CASE WHEN b.page_from IS NULL OR b.page_to IS NULL THEN '未标页码'
                      WHEN b.page_to < b.page_from THEN format('页码%s-%s起止倒置', b.page_from, b.page_to)
                      WHEN b.run_pos = 1 THEN format('起始页为%s，目录应从第1页开始', b.page_from)
                      ELSE format('起始页为%s，上一项止于第%s页，应为第%s页', b.page_from, b.prev_to, b.prev_to + 1) END,
              '；' ORDER BY b.run_pos),
           'detail_en', 'the pages do not run continuously: ' || string_agg(
              format('entry %s (%s) ', coalesce(b.seq, b.ord), coalesce(b.title, b.document_ref, 'untitled'))
              || CASE WHEN b.page_from IS NULL OR b.page_to IS NULL THEN 'has no page numbers'
                      WHEN b.page_to < b.page_from THEN format('runs backwards, %s-%s', b.page_from, b.page_to)
                      WHEN b.run_pos = 1 THEN format('starts at page %s instead of 1', b.page_from)
                      ELSE format('starts at page %s, the previous one ends at %s, expected %s', b.page_from,
                                  b.prev_to, b.prev_to + 1) END,
              '; ' ORDER BY b.run_pos))
    FROM brk b
   GROUP BY b.case_id
  UNION ALL
  -- archived without any catalog
  SELECT c.id, '', 'warning', false,
         jsonb_build_object(
           'problem', 'no_catalog', 'archived_on', c.archived_on,
           'detail_zh', format('案件已于%s归档，但没有卷内目录', ca_ra_d(c.archived_on)),
           'detail_en', format('the case was archived on %s without a catalog', ca_ra_d(c.archived_on)))
    FROM c
   WHERE NOT EXISTS (SELECT 1 FROM case_archive_catalog k WHERE k.case_id = c.id)
$$;

-- ---- A03: a closed case is archived within N working days of closed_on ----------------------------------------
-- The deadline is the archive_wd-th working day after closed_on (ca_add_workdays semantics), computed by a join to
-- calendar_ordinals that yields NULL instead of raising when the calendar does not reach it. Late when archived_on
-- (or, not archived yet, the audit date) is after the deadline. When the deadline is not computable and the case
-- could be late (the reference date is more than N days after closing and lies beyond the loaded calendar), one
-- warning with calendar_missing_year is emitted instead.
CREATE FUNCTION ca_rule_a03(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS (
    SELECT c.id, c.closed_on, c.archived_on, coalesce(c.archived_on, p_as_of) AS ref,
           ca_ra_count(ca_param(k.pp, c.sector, c.agency_code, 'archive_wd')) AS n
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'A03') AS pp OFFSET 0) k  -- OFFSET 0: evaluated once, not per row
     WHERE c.id = ANY (p_ids)
       AND c.closed_on IS NOT NULL
  ), d AS (
    SELECT c.*, w.day AS deadline
      FROM c
      LEFT JOIN calendar_ordinals o ON o.day = c.closed_on
      LEFT JOIN calendar_ordinals w
             ON w.working
            AND w.ordinal = o.ordinal + c.n + CASE WHEN c.n = 0 AND NOT o.working THEN 1 ELSE 0 END
            AND w.run_start = o.run_start
     WHERE c.n IS NOT NULL
       AND c.ref > c.closed_on + c.n   -- the deadline is at least n days after closing: earlier is never late
  )
  SELECT d.id, '', 'warning', false,
         jsonb_build_object(
           'closed_on', d.closed_on, 'archived_on', d.archived_on, 'deadline', d.deadline, 'archive_wd', d.n,
           'as_of', CASE WHEN d.archived_on IS NULL THEN p_as_of END,
           'detail_zh', format('应于%s前（结案后%s个工作日内）归档，', ca_ra_d(d.deadline), d.n)
                        || CASE WHEN d.archived_on IS NOT NULL THEN format('实际于%s归档', ca_ra_d(d.archived_on))
                                ELSE format('截至%s仍未归档', ca_ra_d(p_as_of)) END,
           'detail_en', format('it was due for archiving by %s (%s working days after closing) ', ca_ra_d(d.deadline), d.n)
                        || CASE WHEN d.archived_on IS NOT NULL THEN format('and was archived on %s', ca_ra_d(d.archived_on))
                                ELSE format('and is still not archived as of %s', ca_ra_d(p_as_of)) END)
    FROM d
   WHERE d.deadline IS NOT NULL AND d.ref > d.deadline
  UNION ALL
  SELECT d.id, '', 'warning', false,
         jsonb_build_object(
           'closed_on', d.closed_on, 'archived_on', d.archived_on, 'archive_wd', d.n,
           'calendar_missing_year', extract(year FROM g.gap)::int,
           'detail_zh', format('归档期限（结案后%s个工作日）无法计算：工作日历缺少%s年的节假日安排，请加载该年度数据',
                               d.n, extract(year FROM g.gap)),
           'detail_en', format('the archiving deadline (%s working days after closing) cannot be computed: the '
                               'working-day calendar has no data for %s', d.n, extract(year FROM g.gap)))
    FROM d
    CROSS JOIN LATERAL ca_calendar_gap_rel(d.closed_on, d.ref) g
   WHERE d.deadline IS NULL AND g.gap IS NOT NULL
$$;

-- ---- Dispatcher -----------------------------------------------------------------------------------------------
-- Called by the engine's ca_collect_hits(); ca_hits is ca_evaluate()'s temp table (resolved at run time).
-- plan_cache_mode = force_custom_plan: PL/pgSQL may switch these static statements to a generic plan after five
-- calls. There p_ids is a parameter of unknown size: the plan is chosen for a few ids, and every "= ANY (p_ids)"
-- filter searches the array linearly per row. Measured with 20,000 ids: A01 95 s generic vs 2.3 s custom, L03 37 s
-- vs 1.1 s, A02 28 s vs 2.6 s. A custom plan sees the array as a constant, sizes the plan for it and hashes it.
-- jit = off: these plans are large and costly enough to trigger JIT with optimisation and inlining, whose
-- compilation took longer (~10 s) than the query itself on 200,000 cases.
CREATE FUNCTION ca_collect_hits_review_archive(p_pack text, p_rules jsonb, p_ids uuid[], p_as_of date, p_only text[])
    RETURNS void LANGUAGE plpgsql
    SET plan_cache_mode = force_custom_plan
    SET jit = off
AS $$
BEGIN
  IF p_rules ? 'L01' AND (p_only IS NULL OR 'L01' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'L01', h.key, h.severity, h.veto, h.evidence FROM ca_rule_l01(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'L02' AND (p_only IS NULL OR 'L02' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'L02', h.key, h.severity, h.veto, h.evidence FROM ca_rule_l02(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'L03' AND (p_only IS NULL OR 'L03' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'L03', h.key, h.severity, h.veto, h.evidence FROM ca_rule_l03(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'L04' AND (p_only IS NULL OR 'L04' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'L04', h.key, h.severity, h.veto, h.evidence FROM ca_rule_l04(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'A01' AND (p_only IS NULL OR 'A01' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'A01', h.key, h.severity, h.veto, h.evidence FROM ca_rule_a01(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'A02' AND (p_only IS NULL OR 'A02' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'A02', h.key, h.severity, h.veto, h.evidence FROM ca_rule_a02(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'A03' AND (p_only IS NULL OR 'A03' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'A03', h.key, h.severity, h.veto, h.evidence FROM ca_rule_a03(p_pack, p_ids, p_as_of) h;
  END IF;
END;
$$;
