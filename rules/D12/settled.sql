-- rules/D12/settled.sql: the cases of an audit chunk that still need rule D12 on a later audit date. A case this
-- query does not name is settled in the rule: its stored verdict holds for any date after its evaluated_as_of
-- (c.e). Spliced into ca_time_rules_due() at build time (sql/engine/dispatch.sql.in says what is in scope).
-- Settled: every decision document with a base date has a dated service (served_on; announced_on for
-- announcements).
SELECT d.case_id
  FROM case_documents d
  JOIN c ON c.id = d.case_id
  LEFT JOIN (SELECT DISTINCT s.case_id, s.document_ref
               FROM case_services s
              WHERE s.case_id = ANY (p_ids)
                AND CASE WHEN s.method = 'announcement' THEN coalesce(s.announced_on, s.served_on)
                         ELSE s.served_on END IS NOT NULL) s
         ON s.case_id = d.case_id AND s.document_ref = d.doc_id
 WHERE d.case_id = ANY (p_ids) AND d.type IN ('penalty_decision', 'onsite_penalty_decision')
   AND coalesce(c.decided_on, d.issued_on) IS NOT NULL AND s.case_id IS NULL
