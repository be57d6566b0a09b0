-- rules/D05/settled.sql: the cases of an audit chunk that still need rule D05 on a later audit date. A case this
-- query does not name is settled in the rule: its stored verdict holds for any date after its evaluated_as_of
-- (c.e). Spliced into ca_time_rules_due() at build time (sql/engine/dispatch.sql.in says what is in scope).
-- Settled: not a general-procedure penalty case with filed_on, or decided, or given an outcome, or closed.
SELECT c.id
  FROM c
 WHERE c.category = 'penalty' AND c.procedure = 'general' AND c.filed_on IS NOT NULL
   AND c.decided_on IS NULL AND c.decision_outcome IS NULL AND c.closed_on IS NULL
