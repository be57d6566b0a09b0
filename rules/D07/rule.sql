-- rules/D07/rule.sql: the one definition of rule D07 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- D07: hearing right notified for heavy penalties (行政处罚法 art. 63) ------------------------------------------
-- Penalty cases imposing fines totalling at least hearing_fine_person (party type person) or hearing_fine_org (any
-- other or unknown type), or a penalty of a kind in hearing_kinds: hearing.right_notified must be true (absent or
-- false fails). One case-level finding.
CREATE OR REPLACE FUNCTION ca_rule_d07(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH k AS MATERIALIZED (SELECT ca_rule_params(p_pack, 'D07') AS pp),
  c AS (
    SELECT c.id, c.party_type, c.party_type = 'person' AS person, c.hearing_right_notified,
           ca_dp_num(CASE WHEN c.party_type = 'person'
                          THEN ca_param(k.pp, c.sector, c.agency_code, 'hearing_fine_person')
                          ELSE ca_param(k.pp, c.sector, c.agency_code, 'hearing_fine_org') END) AS threshold,
           ca_param(k.pp, c.sector, c.agency_code, 'hearing_kinds') AS kinds
      FROM cases c
      CROSS JOIN k
     WHERE c.id = ANY (p_ids) AND c.category = 'penalty' AND coalesce(c.decision_outcome, 'penalty') = 'penalty'
       AND c.hearing_right_notified IS NOT TRUE
  ),
  f AS (
    SELECT c.*, p.fine_total, p.heavy, p.heavy_zh, coalesce(p.fine_total >= c.threshold, false) AS big
      FROM c
      CROSS JOIN LATERAL (   -- the final penalties, case by case
        SELECT trim_scale(sum(p.amount) FILTER (WHERE p.kind = 'fine')) AS fine_total,
               array_agg(DISTINCT p.kind) FILTER (WHERE jsonb_typeof(c.kinds) = 'array' AND c.kinds ? p.kind) AS heavy,
               string_agg(DISTINCT ca_dp_penalty_zh(p.kind), '、')
                 FILTER (WHERE jsonb_typeof(c.kinds) = 'array' AND c.kinds ? p.kind) AS heavy_zh
          FROM case_penalties p
         WHERE p.case_id = c.id AND NOT p.notified) p
  )
  SELECT f.id, '', 'error', false,
         jsonb_build_object(
           'party_type', f.party_type, 'fine_total', coalesce(f.fine_total, 0),
           'fine_threshold', trim_scale(f.threshold), 'heavy_kinds', coalesce(to_jsonb(f.heavy), '[]'),
           'right_notified', f.hearing_right_notified,
           'trigger_zh', concat_ws('，',
              CASE WHEN f.big THEN format('罚款%s元（对%s罚款%s元以上即应告知听证权利）', f.fine_total,
                                          CASE WHEN f.person THEN '公民' ELSE '法人或者其他组织' END,
                                          trim_scale(f.threshold)) END,
              f.heavy_zh),
           'trigger_en', concat_ws(', ',
              CASE WHEN f.big THEN format('fines of %s yuan (the hearing threshold for %s is %s yuan)', f.fine_total,
                                          CASE WHEN f.person THEN 'a person' ELSE 'an organisation' END,
                                          trim_scale(f.threshold)) END,
              array_to_string(f.heavy, ', ')))
    FROM f
   WHERE f.big OR f.heavy IS NOT NULL
$$;
