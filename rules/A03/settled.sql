-- rules/A03/settled.sql: the cases of an audit chunk that still need rule A03 on a later audit date. A case this
-- query does not name is settled in the rule: its stored verdict holds for any date after its evaluated_as_of
-- (c.e). Spliced into ca_time_rules_due() at build time (sql/engine/dispatch.sql.in says what is in scope).
-- Settled: not closed, or archived.
SELECT c.id
  FROM c
 WHERE c.closed_on IS NOT NULL AND c.archived_on IS NULL
