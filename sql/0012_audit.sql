-- 0012: batch audits: the record of each run, and one chunk of an audit as a single set-based call.
--
-- Issue 16 (rule pack v2): the functions this migration defined are now defined once, in sql/engine/*.sql and
-- rules/<ID>/rule.sql, applied after the migrations whenever they change; git history keeps the bodies as they
-- were. This file keeps its tables, indexes and data.

-- One row per audit run (CLI or API). Reference-like (small).
CREATE TABLE audit_runs (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agency_code   text,                      -- NULL: every agency
  as_of         date NOT NULL,
  pack_id       text NOT NULL REFERENCES rule_packs (id),
  pack_version  text NOT NULL,
  status        text NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
  holder        text NOT NULL,             -- who runs it: "caseaudit on HOST pid N" or "caseauditd on HOST pid N"
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  cases_total   bigint NOT NULL DEFAULT 0,
  cases_done    bigint NOT NULL DEFAULT 0,
  cases_full    bigint NOT NULL DEFAULT 0, -- evaluated by every rule (new data or a new pack)
  opened        bigint NOT NULL DEFAULT 0,
  resolved      bigint NOT NULL DEFAULT 0,
  reopened      bigint NOT NULL DEFAULT 0,
  changed       bigint NOT NULL DEFAULT 0,
  unchanged     bigint NOT NULL DEFAULT 0,
  drift_cases   bigint NOT NULL DEFAULT 0, -- cases whose findings changed under a new rule pack, not a new date
  drift         jsonb NOT NULL DEFAULT '{}', -- {"rule": number of cases}
  last_case_id  uuid,
  error         text
);
CREATE INDEX audit_runs_scope_idx ON audit_runs (agency_code, id);
