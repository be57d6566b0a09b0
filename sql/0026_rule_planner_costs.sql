-- 0026: the planner's price of a random page read, while the rules run.
--
-- Every rule reads a chunk's rows of each child table with case_id = ANY (the chunk's ids). At 1,000,000 cases a
-- chunk of 10,000 is 1 % of every table, and its rows lie on about half of the pages (each case's rows were stored
-- together, the cases in no particular order). With PostgreSQL's default random_page_cost = 4 the planner priced
-- that bitmap scan above one sequential pass and read the whole table for each chunk, testing each of its rows
-- against the 10,000 ids: case_events (2.0M rows), case_recordings, case_services, case_officers,
-- case_event_documents and case_legal_reviews, 180-460 ms each, in R02, R04, R06, D01, D13, A01 and others.
-- The pages a chunk needs are in memory from the rule before, so a random read costs about what a sequential one
-- does; 1.1 is the usual setting for cached or solid-state storage. Set on the two functions that run the rules
-- (an audit chunk, and ca_evaluate, which ingest also calls), so that the product does not depend on the server's
-- configuration and other sessions' plans do not change.
--
-- Measured on the 1M-case benchmark database (2-core machine, 34 rules over the 10,000 ids following
-- e0000000-..., jit off, second run of each): 13.4 s -> 6.9 and 7.4 s per chunk, no sequential scan left in the
-- plans; on 20,056 cases (b20k, first 10,000 ids) 6.2 / 6.4 s -> 6.0 / 6.5 s: no change where the tables are small.
-- The rules' results do not depend on the plan (the same rows per rule in both runs).

ALTER FUNCTION ca_evaluate(text, uuid[], date, text[]) SET random_page_cost = 1.1;
ALTER FUNCTION ca_audit_chunk(bigint, text, uuid[], date) SET random_page_cost = 1.1;
