-- 0025: the planner's estimate of how many cases own the rows of case_documents and case_archive_catalog.
--
-- Every rule reads a chunk's rows of a child table with case_id = ANY (the chunk's ids); the planner estimates how
-- many rows that is from the number of distinct case_id values, which ANALYZE guesses from a sample of 30,000
-- rows. For the two tables with about a dozen rows per case the guess does not grow with the table: on 1,000,000
-- cases (12.2 million rows each) it was 63,414 distinct case_id values in case_documents and 200,999 in
-- case_archive_catalog. A chunk of 10,000 cases then looked like 16 % of case_documents, and the planner read the
-- whole table for every chunk: the 1M-case audit ran at 370 cases/s. With the ratio fixed here, the chunk's rows
-- are read through the primary key: D16 8.2 -> 0.8 s, D13 8.0 -> 1.5 s, R06 8.5 -> 0.9 s, A01 7.6 -> 1.1 s per
-- chunk, and the audit ran at 1,330 cases/s (measured on that database while an audit ran beside).
-- -0.08: one case per 12.5 rows (the benchmark data has 12.3 documents and 12.3 catalog entries per case). A ratio
-- off by 2x either way keeps the estimate within 2x, where the sample was off by 16x. The other child tables have
-- a few rows per case, and ANALYZE already estimates them as a ratio.

ALTER TABLE case_documents ALTER COLUMN case_id SET (n_distinct = -0.08);
ALTER TABLE case_archive_catalog ALTER COLUMN case_id SET (n_distinct = -0.08);
ANALYZE case_documents;
ANALYZE case_archive_catalog;
