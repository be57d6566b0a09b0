-- 0011: the reviewers' side: the append-only, hash-chained review log, review transitions, a server secret for
-- signed cursors, listing indexes, and the statistics.
--
-- Issue 16 (rule pack v2): the functions this migration defined are now defined once, in sql/engine/*.sql and
-- rules/<ID>/rule.sql, applied after the migrations whenever they change; git history keeps the bodies as they
-- were. This file keeps its tables, indexes and data.

-- Small server-wide settings shared by every caseauditd (e.g. the key that signs list cursors). Reference table.
CREATE TABLE server_settings (
  key   text PRIMARY KEY,
  value text NOT NULL
);

-- The review log. Append-only: rows are only ever inserted. Each entry's hash is SHA-256 over the previous entry's
-- hash and this entry's payload (the canonical JSON text of who did what, when, to which finding), so changing,
-- inserting or deleting any entry breaks every hash after it (`caseaudit log verify`). One global chain: reviews are
-- few, and a single chain is simple to verify and to anchor (publish the head hash). Reference-like (small).
CREATE TABLE review_log (
  seq       bigint PRIMARY KEY,
  case_id   uuid NOT NULL,
  finding_id uuid NOT NULL,
  payload   text NOT NULL,   -- {"seq","finding_id","case_id","rule","key","action","from","to","comment","until","by","at"}
  prev_hash text NOT NULL,   -- hex; 64 zeros for the first entry
  hash      text NOT NULL    -- hex SHA-256 of prev_hash || payload
);
CREATE INDEX review_log_finding_idx ON review_log (finding_id, seq);

-- Listings: an agency's cases and findings in id order, and cases by score (worst first) for the reviewers' page.
CREATE INDEX cases_agency_score_idx ON cases (agency_code, score, id);
CREATE INDEX cases_score_idx ON cases (score, id);
CREATE INDEX findings_agency_id_idx ON findings (agency_code, id);
CREATE INDEX findings_listing_idx ON findings (id);
