-- rules/D02/rule.sql: the one definition of rule D02 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- D02: limitation period (行政处罚法 art. 36) -----------------------------------------------------------------
-- The period runs from violation.ended_on (a continuing violation), else began_on (the day it was committed), for
-- limit_years, or limit_years_ext when the violation concerns life, health or financial safety AND had harmful
-- consequences; the last day is the same calendar day N years later (29 February -> 28 February). Discovery is
-- violation.discovered_on, else filed_on. Penalty cases only, except those decided no_penalty, transfer or withdrawn
-- (not penalising is the lawful outcome of an expired period). Without a violation date or a discovery date there
-- is nothing to check.
CREATE OR REPLACE FUNCTION ca_rule_d02(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH k AS MATERIALIZED (SELECT ca_rule_params(p_pack, 'D02') AS pp),
  c AS (
    SELECT c.id, c.violation_began_on, c.violation_ended_on,
           coalesce(c.violation_ended_on, c.violation_began_on) AS v_end,
           coalesce(c.violation_discovered_on, c.filed_on) AS disc,
           c.violation_discovered_on IS NOT NULL AS has_disc,
           coalesce(c.violation_life_health_or_financial_safety AND c.violation_harmful_consequence, false) AS ext,
           ca_dp_int(CASE WHEN coalesce(c.violation_life_health_or_financial_safety AND c.violation_harmful_consequence,
                                        false)
                          THEN ca_param(k.pp, c.sector, c.agency_code, 'limit_years_ext')
                          ELSE ca_param(k.pp, c.sector, c.agency_code, 'limit_years') END) AS years
      FROM cases c
      CROSS JOIN k
     WHERE c.id = ANY (p_ids) AND c.category = 'penalty'
       AND coalesce(c.decision_outcome, 'penalty') NOT IN ('no_penalty', 'transfer', 'withdrawn')
  ),
  x AS (
    SELECT c.*, (c.v_end + make_interval(years => c.years))::date AS deadline
      FROM c
     WHERE c.v_end IS NOT NULL AND c.disc IS NOT NULL AND c.years >= 0
  )
  SELECT x.id, '', 'error', true,
         jsonb_build_object(
           'violation_began_on', x.violation_began_on, 'violation_ended_on', x.violation_ended_on,
           'period_start', x.v_end, 'discovered_on', x.disc,
           'discovery_source', CASE WHEN x.has_disc THEN 'discovered_on' ELSE 'filed_on' END,
           'limit_years', x.years, 'extended_period', x.ext, 'deadline', x.deadline,
           'violation_end_zh', CASE WHEN x.violation_ended_on IS NOT NULL
                                    THEN format('于%s终了', ca_dp_date(x.v_end))
                                    ELSE format('发生于%s（未记载终了日期）', ca_dp_date(x.v_end)) END,
           'violation_end_en', CASE WHEN x.violation_ended_on IS NOT NULL
                                    THEN format('ended on %s', ca_dp_date(x.v_end))
                                    ELSE format('was committed on %s (no end date recorded)', ca_dp_date(x.v_end)) END,
           'discovery_source_zh', CASE WHEN x.has_disc THEN '以发现日期计' ELSE '未记载发现日期，以立案日期计' END,
           'discovery_source_en', CASE WHEN x.has_disc THEN 'discovery date'
                                       ELSE 'no discovery date recorded: filing date' END)
    FROM x
   WHERE x.disc > x.deadline
$$;
