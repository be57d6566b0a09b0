-- rules/D18/settled.sql: the cases of an audit chunk that still need rule D18 on a later audit date. A case this
-- query does not name is settled in the rule: its stored verdict holds for any date after its evaluated_as_of
-- (c.e). Spliced into ca_time_rules_due() at build time (sql/engine/dispatch.sql.in says what is in scope).
-- Settled: every seizure or sealing with a start has an end (a later release decision, or decided_on on or after
-- it).
SELECT e.case_id
  FROM case_events e
  JOIN c ON c.id = e.case_id
  LEFT JOIN LATERAL (SELECT 1 AS released     -- probed per event: a few events, no scan of the documents
                       FROM case_documents d
                      WHERE d.case_id = e.case_id AND d.type = 'release_decision'
                        AND d.issued_on >= e.started_at::date
                      LIMIT 1) r ON true
 WHERE e.case_id = ANY (p_ids) AND e.type IN ('seizure', 'sealing') AND e.started_at IS NOT NULL
   AND NOT coalesce(c.decided_on >= e.started_at::date, false)
   AND r.released IS NULL
