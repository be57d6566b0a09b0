-- rules/L01/rule.sql: the one definition of rule L01 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- An amount parameter (jsonb) as numeric; NULL when it is not a number. Never raises.
CREATE OR REPLACE FUNCTION ca_ra_num(j jsonb) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(j) = 'number' THEN j::numeric END
$$;

-- Chinese names of the penalty kinds of case-record.md.
CREATE OR REPLACE FUNCTION ca_ra_penalty_zh(k text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce('{"warning": "警告", "fine": "罚款", "confiscate_gains": "没收违法所得",
                    "confiscate_property": "没收非法财物", "suspend_license": "暂扣许可证件",
                    "revoke_license": "吊销许可证件", "lower_qualification": "降低资质等级",
                    "suspend_business": "责令停产停业", "order_closure": "责令关闭", "restrict_practice": "限制从业",
                    "detention": "行政拘留", "other": "其他处罚"}'::jsonb ->> k, k)
$$;

-- ---- L01: a case needing legal review has an approved one (行政处罚法 art. 58) ------------------------------------
-- Cheap flags first (one pass over cases, reviews, penalties), the texts only for the cases that fire.
CREATE OR REPLACE FUNCTION ca_rule_l01(p_pack text, p_ids uuid[], p_as_of date)
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
