-- rules/D09/rule.sql: the one definition of rule D09 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- D09: no heavier penalty than notified; statements re-examined (行政处罚法 art. 45) ---------------------------
-- Penalty cases imposing penalties that have notified_penalties: key 'new:<kind>' for a final kind the notice did not
-- propose, 'amount:<kind>' when the final amounts of a kind total more than the notified ones (kinds without amounts
-- are not compared). Without any notified penalty there is nothing to compare (D06 covers a missing notice). Key
-- 'reexamination': the case is decided, defense.made is true and reexamined_on is absent or after decided_on (before
-- the decision the re-examination is not yet due: version 2; version 1 flagged undecided cases too).
CREATE OR REPLACE FUNCTION ca_rule_d09(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS (
    SELECT c.id, c.decided_on, c.decision_outcome, c.defense_made, c.defense_reexamined_on
      FROM cases c
     WHERE c.id = ANY (p_ids) AND c.category = 'penalty'
  ),
  cmp AS (
    SELECT c.id AS case_id, y.*, nk.notified_kinds
      FROM c
      -- case by case: final and notified penalties side by side, per kind, keeping the final kinds that are new or
      -- heavier; only those rows then look for the notified kinds (none: nothing was notified, nothing to compare)
      CROSS JOIN LATERAL (
        SELECT p.kind, bool_or(p.notified) AS notified,
               trim_scale(sum(p.amount) FILTER (WHERE NOT p.notified)) AS final_amount,
               trim_scale(sum(p.amount) FILTER (WHERE p.notified)) AS notified_amount
          FROM case_penalties p
         WHERE p.case_id = c.id AND p.kind IS NOT NULL
         GROUP BY p.kind
        HAVING bool_or(NOT p.notified)
           AND (NOT bool_or(p.notified)
                OR sum(p.amount) FILTER (WHERE NOT p.notified) > sum(p.amount) FILTER (WHERE p.notified))) y
      CROSS JOIN LATERAL (
        SELECT array_agg(DISTINCT n.kind) AS notified_kinds
          FROM case_penalties n
         WHERE n.case_id = c.id AND n.notified AND n.kind IS NOT NULL) nk
     WHERE coalesce(c.decision_outcome, 'penalty') = 'penalty' AND nk.notified_kinds IS NOT NULL
  ),
  heavier AS (
    SELECT x.case_id, CASE WHEN x.notified THEN 'amount:' ELSE 'new:' END || x.kind AS key,
           jsonb_build_object(
             'kind', x.kind, 'final_amount', x.final_amount, 'notified_amount', x.notified_amount,
             'notified_kinds', to_jsonb(x.notified_kinds),
             'detail_zh', CASE WHEN x.notified
                THEN format('处罚决定的%s金额%s元高于事先告知的%s元', ca_dp_penalty_zh(x.kind), x.final_amount,
                            x.notified_amount)
                ELSE format('处罚决定增加了事先告知中未载明的处罚种类“%s”', ca_dp_penalty_zh(x.kind)) END,
             'detail_en', CASE WHEN x.notified
                THEN format('The decision''s %s of %s yuan exceeds the %s yuan notified', x.kind, x.final_amount,
                            x.notified_amount)
                ELSE format('The decision adds the penalty kind %s, which the prior notice did not propose', x.kind)
                END) AS evidence
      FROM cmp x
  ),
  reexam AS (
    SELECT c.id AS case_id, 'reexamination' AS key,
           jsonb_build_object(
             'defense_made', true, 'reexamined_on', c.defense_reexamined_on, 'decided_on', c.decided_on,
             'detail_zh', CASE WHEN c.defense_reexamined_on IS NULL THEN '当事人进行了陈述申辩，案卷未记载复核'
                               ELSE format('当事人进行了陈述申辩，复核日期%s晚于处罚决定日期%s',
                                           ca_dp_date(c.defense_reexamined_on), ca_dp_date(c.decided_on)) END,
             'detail_en', CASE WHEN c.defense_reexamined_on IS NULL
                               THEN 'The party made statements or a defence, but no re-examination is recorded'
                               ELSE format('The party''s statements were re-examined on %s, after the decision of %s',
                                           ca_dp_date(c.defense_reexamined_on), ca_dp_date(c.decided_on)) END)
             AS evidence
      FROM c
     WHERE c.defense_made AND c.decided_on IS NOT NULL
       AND (c.defense_reexamined_on IS NULL OR c.defense_reexamined_on > c.decided_on)
  )
  SELECT h.case_id, h.key, 'error', false, h.evidence FROM heavier h
  UNION ALL
  SELECT r.case_id, r.key, 'error', false, r.evidence FROM reexam r
$$;
