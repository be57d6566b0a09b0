-- 0021_rule_speed_e: set-based D04, D05, D12 and D18 (issue #8), the time-dependent rules that the nightly
-- incremental audit runs over every case.
--
-- Replaces ca_rule_d04 and ca_rule_d05 (sql/0008) and ca_rule_d12 and ca_rule_d18 (sql/0009) with the same output
-- (every row, key, severity and evidence value) for every input, and adds three partial indexes on case_documents.
--
-- Profile (auto_explain, 10,000-id chunk of the 20,056-case test set): the working-day computations are not the cost
-- (ca_dp_due_rel runs for the few cases whose date is more than n calendar days late: 15 of 5,857 in D04). The costs
-- were (a) the per-case LATERAL reads of D04 (case_documents) and D05 (case_extensions, case_suspensions), and
-- (b) reading a few document types among a case's ~17 wide case_documents rows: every heap page of the chunk's
-- documents (D04 through the primary key, D12 through the decision-number index), or, for D18, a seq scan of the
-- whole table for its release decisions. Now the child rows are joined to the (materialized) cases of the chunk with
-- hash or index joins and aggregated per case, and the three document types are read index-only from partial indexes.
--
-- Why the child tables are joined to the chunk's cases and not filtered with case_id = ANY (p_ids): the audit chunk
-- is planned as a custom plan with the 10,000 ids as a constant, and the planner estimates each such clause element
-- by element against the column's most-common values; measured, one = ANY on case_events or case_services costs
-- 100 ms of planning, on case_documents 50-75 ms, against ~20 ms on cases.id (unique, no MCV list).
--
-- Figures (ms, median of 5, as_of 2026-06-01, jit off; the machine was shared with four other timing jobs, so the
-- spread was +-30%): 10,000-id chunk (force_custom_plan) / 500 ids / one case (force_generic_plan, 6th+ execution)
--   D04  226 -> 160 / 19 -> 17 / ~1 -> ~1   (old figures with the new index, which its LATERAL uses too; without
--                                             it the old D04 took 522 ms / 45 ms)
--   D05  627 -> 174 / 45 -> 24 / ~0.8 -> ~0.7
--   D12  354 -> 357 / 83 -> 77 / ~0.9 -> ~1.0 (no gain on 20,000 cases: the decision documents are half the table;
--                                             the partial index keeps the chunk from reading all of them on 1M)
--   D18  356 -> 161 / 73 -> 47 / ~0.7 -> ~0.7
-- Verified: EXCEPT ALL both ways over all 20,056 cases (evidence as jsonb, same row count > 0) for as_of 2024-01-15,
-- 2026-06-01, 2026-06-02, 2026-11-27, 2027-03-01 and 2031-01-01; tests/rules fixtures.
--
-- Issue 16 (rule pack v2): the functions this migration defined are now defined once, in sql/engine/*.sql and
-- rules/<ID>/rule.sql, applied after the migrations whenever they change; git history keeps the bodies as they
-- were. This file keeps its tables, indexes and data.

-- D04's filing approval forms: one or two of a case's ~17 documents, whose rows (with their jsonb fields) fill a heap
-- page each; reading them through the primary key fetched ~1 page per document of the case to keep ~6%. This
-- partial index holds what D04 reads of them, so both the audit chunk and the one-case check read it index-only.
CREATE INDEX case_documents_filing_approval_idx ON case_documents (case_id) INCLUDE (ord, doc_id, approver)
  WHERE type = 'filing_approval';

-- D12's decision documents and D18's release decisions, a few of a case's ~17 documents: partial indexes with what the
-- rules read of them, so that the chunk reads them index-only instead of every document row of the ids (D12) or, as
-- the planner chose on a seq scan of case_documents, every release decision of the table (D18).
CREATE INDEX case_documents_decision_case_idx ON case_documents (case_id) INCLUDE (doc_id, type, issued_on)
  WHERE type IN ('penalty_decision', 'onsite_penalty_decision');
CREATE INDEX case_documents_release_decision_idx ON case_documents (case_id) INCLUDE (issued_on, ord, doc_id)
  WHERE type = 'release_decision';
