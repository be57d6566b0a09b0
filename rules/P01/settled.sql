-- rules/P01/settled.sql: the cases of an audit chunk that still need rule P01 on a later audit date. A case this
-- query does not name is settled in the rule: its stored verdict holds for any date after its evaluated_as_of
-- (c.e). Spliced into ca_time_rules_due() at build time (sql/engine/dispatch.sql.in says what is in scope).
-- Settled: out of scope (not a general-procedure penalty decided with a penalty), or published on or before e.
SELECT c.id
  FROM c
 WHERE c.category = 'penalty' AND c.procedure = 'general' AND c.decided_on IS NOT NULL
   AND coalesce(c.decision_outcome, 'penalty') = 'penalty'
   AND NOT coalesce(c.publication_published_on <= c.e, false)
