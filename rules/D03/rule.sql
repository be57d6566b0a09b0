-- rules/D03/rule.sql: the one definition of rule D03 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- D03: simple procedure only for a warning or a small fine (行政处罚法 art. 51) --------------------------------
-- Penalty cases under the simple procedure: every final penalty is a warning or a fine, and the fines total at most
-- simple_max_person (party type person) or simple_max_org (any other or unknown type). A fine without an amount
-- adds nothing to the total. One case-level finding.
CREATE OR REPLACE FUNCTION ca_rule_d03(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH k AS MATERIALIZED (SELECT ca_rule_params(p_pack, 'D03') AS pp),
  c AS (
    SELECT c.id, c.party_type, c.party_type = 'person' AS person,
           ca_dp_num(CASE WHEN c.party_type = 'person' THEN ca_param(k.pp, c.sector, c.agency_code, 'simple_max_person')
                          ELSE ca_param(k.pp, c.sector, c.agency_code, 'simple_max_org') END) AS max_fine
      FROM cases c
      CROSS JOIN k
     WHERE c.id = ANY (p_ids) AND c.category = 'penalty' AND c.procedure = 'simple'
       AND coalesce(c.decision_outcome, 'penalty') = 'penalty'
  ),
  f AS (
    SELECT c.*, p.kinds, p.bad, p.bad_zh, p.fine_total, coalesce(p.fine_total > c.max_fine, false) AS over
      FROM c
      CROSS JOIN LATERAL (   -- the final penalties, case by case
        SELECT array_agg(p.kind ORDER BY p.ord) AS kinds,
               array_agg(p.kind ORDER BY p.ord) FILTER (WHERE p.kind NOT IN ('warning', 'fine')) AS bad,
               string_agg(ca_dp_penalty_zh(p.kind), '、' ORDER BY p.ord) FILTER (WHERE p.kind NOT IN ('warning', 'fine'))
                 AS bad_zh,
               trim_scale(sum(p.amount) FILTER (WHERE p.kind = 'fine')) AS fine_total
          FROM case_penalties p
         WHERE p.case_id = c.id AND NOT p.notified) p
     WHERE p.kinds IS NOT NULL
  )
  SELECT f.id, '', 'error', false,
         jsonb_build_object(
           'party_type', f.party_type, 'max_fine', trim_scale(f.max_fine), 'fine_total', coalesce(f.fine_total, 0),
           'penalties', to_jsonb(f.kinds), 'disallowed_kinds', coalesce(to_jsonb(f.bad), '[]'),
           'party_type_zh', CASE WHEN f.person THEN '公民' ELSE '法人或者其他组织' END,
           'party_type_en', CASE WHEN f.person THEN 'a person' ELSE 'an organisation' END,
           'detail_zh', concat_ws('，并',
              CASE WHEN f.bad IS NOT NULL THEN '给予了' || f.bad_zh END,
              CASE WHEN f.over THEN format('罚款合计%s元', f.fine_total) END),
           'detail_en', concat_ws(' and ',
              CASE WHEN f.bad IS NOT NULL THEN 'imposed ' || array_to_string(f.bad, ', ') END,
              CASE WHEN f.over THEN format('fined %s yuan in total', f.fine_total) END))
    FROM f
   WHERE f.bad IS NOT NULL OR f.over
$$;
