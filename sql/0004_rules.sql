-- 0004: the rule engine: registered rule packs, findings that live across evaluations, the change log, and
-- ca_evaluate(), which runs the rules over a set of cases as of a date and reconciles their findings.
--
-- A rule is a SQL function (sql/0006 onwards) with this contract:
--   ca_rule_<id>(p_pack text, p_ids uuid[], p_as_of date)
--     RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
--   LANGUAGE sql STABLE, set-based over the cases whose id = ANY(p_ids), one row per defect found:
--   key       stable within the case for the same defect ('' for a case-level defect, else e.g. a document id)
--   severity  'error' or 'warning'
--   veto      true when this defect makes the case 不合格 whatever its score
--   evidence  the facts that made it fire (document, event, dates, computed deadline); its keys fill the
--             message templates of the rule pack ({name} placeholders)
-- Parameters come from the pack: ca_rule_params(p_pack, 'P01') once per query, then
-- ca_param(pp, c.sector, c.agency_code, 'publish_wd') per case (agency override > sector profile > default).
--
-- Issue 16 (rule pack v2): the functions this migration defined are now defined once, in sql/engine/*.sql and
-- rules/<ID>/rule.sql, applied after the migrations whenever they change; git history keeps the bodies as they
-- were. This file keeps its tables, indexes and data.

-- Which pack last evaluated all the rules of a case, and as of when. A batch audit re-runs only the date-dependent
-- (and cross-case) rules for cases whose data and pack have not changed since (sql/0012).
ALTER TABLE cases ADD COLUMN evaluated_pack text, ADD COLUMN evaluated_as_of date;

-- Rule packs as loaded by caseauditd or caseaudit: id is the SHA-256 of the canonical pack JSON. Reference table.
CREATE TABLE rule_packs (
  id         text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
  version    text NOT NULL,
  body       jsonb NOT NULL,   -- {"version", "grading": {...}, "rules": {"P01": {...}, ...}}
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Findings: one row per (case, rule, key), kept across evaluations and versions of the case.
CREATE TABLE findings (
  case_id       uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  rule_id       text NOT NULL,
  key           text NOT NULL,
  id            uuid NOT NULL,   -- md5(case_id, rule, key): stable, no sequence (see docs/architecture.md)
  agency_code   text NOT NULL,   -- denormalised from cases for the listings
  rule_version  int  NOT NULL,
  system        text NOT NULL,
  severity      text NOT NULL CHECK (severity IN ('error', 'warning')),
  points        int  NOT NULL CHECK (points >= 0),
  veto          bool NOT NULL,
  status        text NOT NULL CHECK (status IN ('open', 'acknowledged', 'waived', 'resolved')),
  message_zh    text NOT NULL,
  message_en    text NOT NULL,
  evidence      jsonb NOT NULL,
  pack_id       text NOT NULL,
  first_seen_at timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  resolved_at   timestamptz,
  waived_until  date,
  PRIMARY KEY (case_id, rule_id, key)
);
CREATE UNIQUE INDEX findings_id_idx ON findings (case_id, id);
-- Listings: an agency's findings by status, newest first, and by rule.
CREATE INDEX findings_agency_status_idx ON findings (agency_code, status, id);
CREATE INDEX findings_rule_idx ON findings (rule_id, status);

-- The change log behind GET /api/v1/changes: every finding transition and case upsert, written in the same
-- transaction as the change. xid is the writing transaction: a reader takes only rows of transactions older than
-- its snapshot's xmin, so a row that commits late is never skipped (docs/architecture.md).
CREATE SEQUENCE changes_seq;
CREATE TABLE changes (
  case_id    uuid NOT NULL,
  seq        bigint NOT NULL DEFAULT nextval('changes_seq'),
  xid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
  kind       text NOT NULL CHECK (kind IN ('finding_opened', 'finding_resolved', 'finding_reviewed',
                                           'finding_reopened', 'case_upserted')),
  at         timestamptz NOT NULL DEFAULT now(),
  finding_id uuid,
  data       jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (case_id, seq)
);
CREATE INDEX changes_xid_seq_idx ON changes (xid, seq);
