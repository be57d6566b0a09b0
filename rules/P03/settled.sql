-- rules/P03/settled.sql: the cases of an audit chunk that still need rule P03 on a later audit date. A case this
-- query does not name is settled in the rule: its stored verdict holds for any date after its evaluated_as_of
-- (c.e). Spliced into ca_time_rules_due() at build time (sql/engine/dispatch.sql.in says what is in scope).
-- Settled: no dated decision change, or withdrawn on or before e with the publication (or withdrawal) on or
-- before e.
SELECT c.id
  FROM c
 WHERE c.decision_change_kind IN ('revoked', 'changed', 'confirmed_illegal', 'void')
   AND c.decision_change_on IS NOT NULL
   AND NOT coalesce(c.publication_withdrawn_on <= c.e
                    AND coalesce(c.publication_published_on, c.publication_withdrawn_on) <= c.e, false)
