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

-- ---- Helpers (private to this file: prefix ca_ra_) ------------------------------------------------------------------

-- A name or certificate number for comparison: full-width digits, Latin letters, brackets and hyphen become
-- half-width, white space (ASCII, no-break and ideographic) is removed, Latin letters are lower-cased. Inlined.
CREATE FUNCTION ca_ra_norm(s text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(translate(s,
    '０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ（）－'
      || E' \t\r\n\u00a0\u3000',
    '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz()-'))
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
CREATE FUNCTION ca_rule_l01(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS (
    SELECT c.id, c.party_type, c.decided_on, c.decision_major, c.decision_complex, c.hearing_held_on,
           CASE WHEN c.party_type = 'organization' THEN ca_param(k.pp, c.sector, c.agency_code, 'major_fine_org')
                ELSE ca_param(k.pp, c.sector, c.agency_code, 'major_fine_person') END AS fine_threshold,
           ca_param(k.pp, c.sector, c.agency_code, 'major_kinds') AS major_kinds
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'L01') AS pp OFFSET 0) k  -- OFFSET 0: evaluated once, not per row
     WHERE c.id = ANY (p_ids)
       AND c.decided_on IS NOT NULL
       AND c.decision_outcome IS DISTINCT FROM 'withdrawn'
  ), rev AS (
    SELECT r.case_id, count(*) AS n, bool_or(r.opinion = 'approved') AS approved,
           (array_agg(r.opinion ORDER BY r.ord DESC))[1] AS last_opinion,
           (array_agg(r.reviewed_on ORDER BY r.ord DESC))[1] AS last_reviewed_on
      FROM case_legal_reviews r
     WHERE r.case_id = ANY (p_ids)
     GROUP BY r.case_id
  ), pen AS (
    SELECT p.case_id,
           sum(p.amount) FILTER (WHERE p.kind = 'fine') AS fine_total,
           array_agg(DISTINCT p.kind) FILTER (WHERE jsonb_typeof(c.major_kinds) = 'array' AND c.major_kinds ? p.kind)
             AS kinds
      FROM case_penalties p
      JOIN c ON c.id = p.case_id
     WHERE p.case_id = ANY (p_ids) AND NOT p.notified
     GROUP BY p.case_id
  ), t AS (
    SELECT c.*, coalesce(rev.n, 0) AS n_reviews, rev.last_opinion, rev.last_reviewed_on,
           pen.fine_total, pen.kinds,
           coalesce(pen.fine_total >= ca_ra_num(c.fine_threshold), false) AS fine_hit
      FROM c
      LEFT JOIN rev ON rev.case_id = c.id
      LEFT JOIN pen ON pen.case_id = c.id
     WHERE rev.approved IS NOT TRUE
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
    FROM t
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
                     t.fine_threshold,
                     CASE WHEN t.party_type IS NULL THEN '（当事人类型未记载，按自然人标准）' ELSE '' END),
              format('a fine of %s yuan, at or above the %s threshold of %s yuan', trim_scale(t.fine_total),
                     CASE WHEN t.party_type = 'organization' THEN 'organisation'
                          WHEN t.party_type IS NULL THEN 'natural person (party type not given)'
                          ELSE 'natural person' END,
                     t.fine_threshold)),
          (5, t.kinds IS NOT NULL, 'kind',
              '处罚种类含' || (SELECT string_agg(ca_ra_penalty_zh(k), '、' ORDER BY k) FROM unnest(t.kinds) k),
              'a penalty of a major kind (' || array_to_string(t.kinds, ', ') || ')')
        ) AS x(o, hit, code, zh, en)
       WHERE x.hit
    ) tr
   WHERE tr.codes IS NOT NULL
$$;

-- ---- L02: the last review is approved, before the decision; rejections are followed by an approval ---------------
CREATE FUNCTION ca_rule_l02(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS (
    SELECT c.id, c.decided_on
      FROM cases c
     WHERE c.id = ANY (p_ids)
       AND c.decided_on IS NOT NULL
       AND c.decision_outcome IS DISTINCT FROM 'withdrawn'
  ), r AS (
    SELECT r.case_id, r.ord, r.opinion, r.reviewed_on,
           row_number() OVER (PARTITION BY r.case_id ORDER BY r.ord DESC) AS rn
      FROM case_legal_reviews r
      JOIN c ON c.id = r.case_id
     WHERE r.case_id = ANY (p_ids)
  ), unresolved AS (
    -- rejected / revise opinions before the last review that no later approval (in order, and not dated earlier)
    -- follows
    SELECT x.case_id, array_agg(x.ord ORDER BY x.ord) AS ords,
           string_agg(format('第%s次审核（%s）意见为“%s”', x.ord, coalesce(ca_ra_d(x.reviewed_on), '日期未记载'),
                             ca_ra_opinion_zh(x.opinion)), '，' ORDER BY x.ord) AS zh,
           string_agg(format('review %s (%s) said %s', x.ord, coalesce(ca_ra_d(x.reviewed_on), 'undated'), x.opinion),
                      ', ' ORDER BY x.ord) AS en
      FROM r x
     WHERE x.opinion IN ('rejected', 'revise') AND x.rn > 1
       AND NOT EXISTS (SELECT 1 FROM r y
                        WHERE y.case_id = x.case_id AND y.ord > x.ord AND y.opinion = 'approved'
                          AND (y.reviewed_on IS NULL OR x.reviewed_on IS NULL OR y.reviewed_on >= x.reviewed_on))
     GROUP BY x.case_id
  )
  SELECT c.id, '', 'error', false,
         jsonb_build_object(
           'decided_on', c.decided_on, 'reviews', (SELECT count(*) FROM r WHERE r.case_id = c.id),
           'last_review', l.ord, 'last_opinion', l.opinion, 'last_reviewed_on', l.reviewed_on,
           'unresolved_reviews', to_jsonb(u.ords),
           'problems', to_jsonb(p.codes),
           'problems_zh', array_to_string(p.zh, '；'), 'problems_en', array_to_string(p.en, '; '))
    FROM c
    JOIN r l ON l.case_id = c.id AND l.rn = 1
    LEFT JOIN unresolved u ON u.case_id = c.id
    CROSS JOIN LATERAL (
      SELECT array_agg(x.code ORDER BY x.o) AS codes, array_agg(x.zh ORDER BY x.o) AS zh,
             array_agg(x.en ORDER BY x.o) AS en
        FROM (VALUES
          (1, l.opinion IS DISTINCT FROM 'approved', 'not_approved',
              format('最后一次法制审核（第%s次，%s）意见为“%s”，未经审核通过即于%s作出决定', l.ord,
                     coalesce(ca_ra_d(l.reviewed_on), '日期未记载'), ca_ra_opinion_zh(l.opinion),
                     ca_ra_d(c.decided_on)),
              format('the last legal review (no. %s, %s) said %s, yet the decision was made on %s without an approval',
                     l.ord, coalesce(ca_ra_d(l.reviewed_on), 'undated'), coalesce(l.opinion, 'nothing'),
                     ca_ra_d(c.decided_on))),
          (2, l.opinion = 'approved' AND l.reviewed_on IS NULL, 'approval_undated',
              format('审核通过的日期未记载，无法确认审核先于%s的决定', ca_ra_d(c.decided_on)),
              format('the approval is undated, so it cannot be shown to precede the decision of %s',
                     ca_ra_d(c.decided_on))),
          (3, l.opinion = 'approved' AND l.reviewed_on > c.decided_on, 'approved_after_decision',
              format('审核通过日期%s晚于决定日期%s', ca_ra_d(l.reviewed_on), ca_ra_d(c.decided_on)),
              format('the approval of %s came after the decision of %s', ca_ra_d(l.reviewed_on),
                     ca_ra_d(c.decided_on))),
          (4, l.opinion = 'approved' AND u.ords IS NOT NULL, 'rejection_not_followed',
              format('%s，而其后记录的审核通过日期（%s）早于该意见，未见修改后再次审核通过', u.zh,
                     coalesce(ca_ra_d(l.reviewed_on), '未记载')),
              format('%s, but the approval recorded after it is dated earlier (%s): no approval followed the '
                     'correction', u.en, coalesce(ca_ra_d(l.reviewed_on), 'undated')))
        ) AS x(o, hit, code, zh, en)
       WHERE x.hit
    ) p
   WHERE p.codes IS NOT NULL
$$;

-- ---- L03: the reviewer is independent of the case and, if first reviewing from 2021-07-15, qualified -------------
CREATE FUNCTION ca_rule_l03(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH r AS (
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
    -- per review, the officers[] entries (other than reviewers) who are the reviewer: by certificate number, or by
    -- name when the reviewer has no certificate number
    SELECT r.case_id, r.ord,
           array_agg(format('%s（%s，%s）', coalesce(o.name, '姓名未记载'), coalesce(o.cert_no, '证号未记载'),
                            CASE o.role WHEN 'investigator' THEN '调查人员' WHEN 'host' THEN '听证主持人'
                                        ELSE '执法人员' END) ORDER BY o.ord) AS officers,
           string_agg(format('%s (%s, %s)', coalesce(o.name, 'no name'), coalesce(o.cert_no, 'no certificate'),
                             coalesce(o.role, 'officer')), ', ' ORDER BY o.ord) AS officers_en
      FROM r
      JOIN case_officers o ON o.case_id = r.case_id
     WHERE o.case_id = ANY (p_ids) AND o.role IS DISTINCT FROM 'reviewer'
       AND CASE WHEN r.ncert <> '' THEN coalesce(ca_ra_norm(o.cert_no), '') = r.ncert
                ELSE r.nname <> '' AND coalesce(ca_ra_norm(o.name), '') = r.nname END
     GROUP BY r.case_id, r.ord
  ), em AS (
    -- per review, the events one of whose officers is the reviewer (by certificate number)
    SELECT r.case_id, r.ord, array_agg(DISTINCT e.event_id ORDER BY e.event_id) AS events
      FROM r
      JOIN case_event_officers e ON e.case_id = r.case_id AND ca_ra_norm(e.cert_no) = r.ncert
     WHERE e.case_id = ANY (p_ids) AND r.ncert <> ''
     GROUP BY r.case_id, r.ord
  ), rr AS (
    SELECT r.*, ca_ra_date(r.qfrom_raw) AS qfrom, om.officers, om.officers_en, em.events
      FROM r
      LEFT JOIN om ON om.case_id = r.case_id AND om.ord = r.ord
      LEFT JOIN em ON em.case_id = r.case_id AND em.ord = r.ord
  ), g AS (
    SELECT x.case_id, x.ident,
           (array_agg(x.reviewer_name ORDER BY x.ord))[1] AS name,
           (array_agg(x.reviewer_cert_no ORDER BY x.ord))[1] AS cert_no,
           (array_agg(x.reviewer_qualified ORDER BY x.ord DESC))[1] AS qualified,
           min(x.reviewer_first_review_on) AS first_review_on,
           min(x.reviewed_on) AS first_reviewed_on,
           array_agg(x.ord ORDER BY x.ord) AS reviews,
           array_agg(x.ord ORDER BY x.ord) FILTER (WHERE x.officers IS NOT NULL OR x.events IS NOT NULL)
             AS conflict_reviews,
           (array_agg(to_jsonb(x.officers) ORDER BY x.ord) FILTER (WHERE x.officers IS NOT NULL))[1] AS officers,
           (array_agg(x.officers_en ORDER BY x.ord) FILTER (WHERE x.officers IS NOT NULL))[1] AS officers_en,
           (array_agg(to_jsonb(x.events) ORDER BY x.ord) FILTER (WHERE x.events IS NOT NULL))[1] AS events,
           (array_agg(x.qfrom_raw))[1] AS qfrom_raw,
           (array_agg(x.qfrom))[1] AS qfrom,
           bool_or(x.reviewer_qualified IS NOT TRUE
                   AND (coalesce(x.reviewer_first_review_on, x.reviewed_on) IS NULL OR x.qfrom IS NULL
                        OR coalesce(x.reviewer_first_review_on, x.reviewed_on) >= x.qfrom)) AS unqualified
      FROM rr x
     GROUP BY x.case_id, x.ident
  ), t AS (
    SELECT g.*,
           (SELECT string_agg(v, '、') FROM jsonb_array_elements_text(g.officers) AS v) AS officers_txt,
           (SELECT string_agg(v, '、') FROM jsonb_array_elements_text(g.events) AS v) AS events_txt,
           coalesce(ca_ra_d(g.qfrom), g.qfrom_raw, '—') AS qfrom_txt
      FROM g
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
    FROM t
    CROSS JOIN LATERAL (
      SELECT array_agg(x.code ORDER BY x.o) AS codes, array_agg(x.zh ORDER BY x.o) AS zh,
             array_agg(x.en ORDER BY x.o) AS en
        FROM (VALUES
          (1, t.conflict_reviews IS NOT NULL, 'officer',
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
   WHERE p.codes IS NOT NULL
$$;

-- ---- L04: a major or complex case has a valid collective discussion before the decision (art. 57) --------------
CREATE FUNCTION ca_rule_l04(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS (
    SELECT c.id, c.decided_on, c.decision_major, c.decision_complex, c.collective_held_on, c.collective_signed,
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
  )
  SELECT c.id, '', 'error', false,
         jsonb_build_object(
           'decided_on', c.decided_on, 'major', c.decision_major IS TRUE, 'complex', c.decision_complex IS TRUE,
           'case_kind_zh', CASE WHEN c.decision_major AND c.decision_complex THEN '重大、情节复杂'
                                WHEN c.decision_major THEN '重大' ELSE '情节复杂' END,
           'case_kind_en', CASE WHEN c.decision_major AND c.decision_complex THEN 'major and complex'
                                WHEN c.decision_major THEN 'major' ELSE 'complex' END,
           'held_on', c.collective_held_on, 'signed', c.collective_signed, 'attendees', c.attendees,
           'min_attendees', c.min_attendees,
           'problems', to_jsonb(p.codes),
           'problems_zh', array_to_string(p.zh, '，'), 'problems_en', array_to_string(p.en, ', '))
    FROM c
    CROSS JOIN LATERAL (
      SELECT array_agg(x.code ORDER BY x.o) AS codes, array_agg(x.zh ORDER BY x.o) AS zh,
             array_agg(x.en ORDER BY x.o) AS en
        FROM (VALUES
          (1, c.absent, 'missing', '案卷中没有集体讨论记录', 'the file records no collective discussion'),
          (2, NOT c.absent AND c.collective_held_on IS NULL, 'undated', '集体讨论未记载日期',
              'the collective discussion is undated'),
          (3, NOT c.absent AND c.collective_held_on > c.decided_on, 'after_decision',
              format('集体讨论日期%s晚于决定日期%s', ca_ra_d(c.collective_held_on), ca_ra_d(c.decided_on)),
              format('it was held on %s, after the decision', ca_ra_d(c.collective_held_on))),
          (4, NOT c.absent AND c.collective_signed IS NOT TRUE, 'unsigned', '集体讨论记录未经签名',
              'its record is not signed'),
          (5, NOT c.absent AND c.attendees < c.min_attendees, 'too_few_attendees',
              format('参加讨论的负责人（含主持人）仅%s人，少于%s人', c.attendees, c.min_attendees),
              format('%s attended, fewer than %s', c.attendees, c.min_attendees))
        ) AS x(o, hit, code, zh, en)
       WHERE x.hit
    ) p
   WHERE p.codes IS NOT NULL
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
    SELECT c.id, c.closed_on, c.archived_on, t.type,
           array_agg(l.list ORDER BY l.o) AS lists, array_agg(l.list_zh ORDER BY l.o) AS lists_zh,
           array_agg(l.list_en ORDER BY l.o) AS lists_en
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
     GROUP BY c.id, c.closed_on, c.archived_on, t.type
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
    FROM req q
   WHERE NOT EXISTS (SELECT 1 FROM case_documents d
                      WHERE d.case_id = q.id AND d.case_id = ANY (p_ids) AND d.type = q.type)
$$;

-- ---- A02: the archive catalog lists every document once; pages run continuously from 1 ---------------------
CREATE FUNCTION ca_rule_a02(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS (
    SELECT c.id, c.archived_on FROM cases c WHERE c.id = ANY (p_ids) AND c.archived_on IS NOT NULL
  ), entries AS (
    SELECT k.case_id, k.ord, k.seq, nullif(btrim(k.document_ref), '') AS document_ref, k.title,
           k.page_from, k.page_to,
           row_number() OVER (PARTITION BY k.case_id ORDER BY k.seq NULLS LAST, k.ord) AS pos
      FROM case_archive_catalog k
      JOIN c ON c.id = k.case_id
     WHERE k.case_id = ANY (p_ids)
  ), cat AS (
    -- the entries of the page run, each with the page where the previous one ends. By convention the cover, the
    -- catalog and the 备考表 are not numbered: an entry without page numbers that names no document, or names an
    -- archive_note, takes no part in the run. (The subquery runs only for unnumbered entries: one index probe.)
    SELECT e.*, lag(e.page_to::bigint) OVER (PARTITION BY e.case_id ORDER BY e.pos) AS prev_to,  -- bigint: no overflow
           row_number() OVER (PARTITION BY e.case_id ORDER BY e.pos) AS run_pos
      FROM entries e
     WHERE NOT (e.page_from IS NULL AND e.page_to IS NULL
                AND (e.document_ref IS NULL
                     OR EXISTS (SELECT 1 FROM case_documents d
                                 WHERE d.case_id = e.case_id AND d.case_id = ANY (p_ids)
                                   AND d.doc_id = e.document_ref AND d.type = 'archive_note')))
  ), listed AS (
    SELECT k.case_id, k.document_ref, count(*) AS n, array_agg(coalesce(k.seq, k.pos) ORDER BY k.pos) AS seqs,
           (array_agg(k.title ORDER BY k.pos))[1] AS title
      FROM entries k
     WHERE k.document_ref IS NOT NULL
     GROUP BY k.case_id, k.document_ref
  ), has_cat AS (
    SELECT DISTINCT k.case_id FROM entries k
  ), brk AS (
    -- entries where the page run breaks: unnumbered, reversed, not starting at 1, or not following the previous one
    SELECT k.case_id, k.pos,
           jsonb_build_object('seq', k.seq, 'document_ref', k.document_ref, 'page_from', k.page_from,
                              'page_to', k.page_to,
                              'expected_from', CASE WHEN k.run_pos = 1 THEN 1 ELSE k.prev_to + 1 END) AS j,
           format('第%s项（%s）', coalesce(k.seq, k.pos), coalesce(k.title, k.document_ref, '无标题'))
             || CASE WHEN k.page_from IS NULL OR k.page_to IS NULL THEN '未标页码'
                     WHEN k.page_to < k.page_from THEN format('页码%s-%s起止倒置', k.page_from, k.page_to)
                     WHEN k.run_pos = 1 THEN format('起始页为%s，目录应从第1页开始', k.page_from)
                     ELSE format('起始页为%s，上一项止于第%s页，应为第%s页', k.page_from, k.prev_to, k.prev_to + 1) END
             AS zh,
           format('entry %s (%s) ', coalesce(k.seq, k.pos), coalesce(k.title, k.document_ref, 'untitled'))
             || CASE WHEN k.page_from IS NULL OR k.page_to IS NULL THEN 'has no page numbers'
                     WHEN k.page_to < k.page_from THEN format('runs backwards, %s-%s', k.page_from, k.page_to)
                     WHEN k.run_pos = 1 THEN format('starts at page %s instead of 1', k.page_from)
                     ELSE format('starts at page %s, the previous one ends at %s, expected %s', k.page_from,
                                 k.prev_to, k.prev_to + 1) END
             AS en
      FROM cat k
     WHERE k.page_from IS NULL OR k.page_to IS NULL OR k.page_to < k.page_from
        OR (k.run_pos = 1 AND k.page_from <> 1)
        OR (k.run_pos > 1 AND k.prev_to IS NOT NULL AND k.page_from <> k.prev_to + 1)
  )
  -- documents not in the catalog, or in it more than once (only when there is a catalog)
  SELECT d.case_id, d.doc_id, 'warning', false,
         jsonb_build_object(
           'document', d.doc_id, 'document_type', d.type, 'times_listed', coalesce(l.n, 0),
           'catalog_seqs', to_jsonb(l.seqs),
           'detail_zh', CASE WHEN l.n IS NULL
                             THEN format('文书%s（%s）未列入卷内目录', d.doc_id, ca_ra_doc_type_zh(d.type))
                             ELSE format('文书%s（%s）在卷内目录中列出%s次（第%s项）', d.doc_id,
                                         ca_ra_doc_type_zh(d.type), l.n, array_to_string(l.seqs, '、')) END,
           'detail_en', CASE WHEN l.n IS NULL
                             THEN format('document %s (%s) is not in the catalog', d.doc_id, d.type)
                             ELSE format('document %s (%s) is listed %s times (entries %s)', d.doc_id, d.type, l.n,
                                         array_to_string(l.seqs, ', ')) END)
    FROM case_documents d
    JOIN has_cat h ON h.case_id = d.case_id
    LEFT JOIN listed l ON l.case_id = d.case_id AND l.document_ref = d.doc_id
   WHERE d.case_id = ANY (p_ids)
     AND (l.n IS NULL OR l.n > 1)
  UNION ALL
  -- catalog entries naming a document the case does not have
  SELECT l.case_id, l.document_ref, 'warning', false,
         jsonb_build_object(
           'document', l.document_ref, 'times_listed', l.n, 'catalog_seqs', to_jsonb(l.seqs),
           'detail_zh', format('卷内目录第%s项（%s）所列文书%s不在案卷中', array_to_string(l.seqs, '、'),
                               coalesce(l.title, '无标题'), l.document_ref),
           'detail_en', format('catalog entry %s (%s) names document %s, which the file does not hold',
                               array_to_string(l.seqs, ', '), coalesce(l.title, 'untitled'), l.document_ref))
    FROM listed l
   WHERE NOT EXISTS (SELECT 1 FROM case_documents d
                      WHERE d.case_id = l.case_id AND d.case_id = ANY (p_ids) AND d.doc_id = l.document_ref)
  UNION ALL
  -- the page run, one finding per case
  SELECT b.case_id, '', 'warning', false,
         jsonb_build_object(
           'problem', 'pages', 'breaks', jsonb_agg(b.j ORDER BY b.pos),
           'detail_zh', '页码不连续：' || string_agg(b.zh, '；' ORDER BY b.pos),
           'detail_en', 'the pages do not run continuously: ' || string_agg(b.en, '; ' ORDER BY b.pos))
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
   WHERE NOT EXISTS (SELECT 1 FROM has_cat h WHERE h.case_id = c.id)
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
CREATE FUNCTION ca_collect_hits_review_archive(p_pack text, p_rules jsonb, p_ids uuid[], p_as_of date, p_only text[])
    RETURNS void LANGUAGE plpgsql AS $$
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
