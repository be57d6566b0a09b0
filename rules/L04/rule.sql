-- rules/L04/rule.sql: the one definition of rule L04 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- L04: a major or complex case has a valid collective discussion before the decision (art. 57) --------------
CREATE OR REPLACE FUNCTION ca_rule_l04(p_pack text, p_ids uuid[], p_as_of date)
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
