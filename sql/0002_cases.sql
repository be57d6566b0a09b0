-- 0002_cases: the normalised case tables, their indexes and ca_store_case(), the one place where a
-- validated case record (shared/contract/case-record.md) becomes rows. docs/schema.md explains every
-- table, column group, index and the Citus distribution column of each table.
--
-- Runs after 0001_base.sql (agencies), inside the migration runner's transaction: no BEGIN/COMMIT here.
-- Citus-ready by construction: every case-owned table is keyed by case_id first, foreign keys go only
-- child -> cases (case_id) and cases -> agencies (reference table), no sequences, no triggers.
--
-- Issue 16 (rule pack v2): the functions this migration defined are now defined once, in sql/engine/*.sql and
-- rules/<ID>/rule.sql, applied after the migrations whenever they change; git history keeps the bodies as they
-- were. This file keeps its tables, indexes and data.

-- q= substring search on case_no / party_name (pg_trgm is a trusted extension: a database owner may
-- create it). Trigrams of CJK text need a UTF-8 LC_CTYPE (C.UTF-8, zh_CN.UTF-8...): under LC_CTYPE=C
-- pg_trgm drops every non-ASCII character, searches stay correct but cannot use the index.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

DO $$
BEGIN
    IF (SELECT datctype IN ('C', 'POSIX') FROM pg_database WHERE datname = current_database()) THEN
        RAISE WARNING 'database % has LC_CTYPE C: the pg_trgm index on cases cannot index Chinese text; '
                      'create the database with a UTF-8 locale (e.g. C.UTF-8)', current_database();
    END IF;
END
$$;

-- ---------------------------------------------------------------------------------------------------
-- cases: one row per case; the one-to-one parts of the record are flattened into columns.
-- Enumerations are text without CHECK: the C validator is their single source of truth. Columns that
-- the rules engine maintains (score, grade, open_findings) have CHECKs, since no validator stands in
-- front of them.
CREATE TABLE cases (
    id                          uuid PRIMARY KEY,            -- ca_case_id(agency_code, case_no)
    agency_code                 text NOT NULL REFERENCES agencies (code),
    case_no                     text NOT NULL,
    category                    text NOT NULL,
    procedure                   text,
    sector                      text,
    cause                       text,
    source_system               text,
    version                     int  NOT NULL,
    source_updated_at           timestamptz,
    party_type                  text,
    party_name                  text,
    party_id_type               text,
    party_id_number             text,                       -- personal data: masked in responses
    party_address               text,
    party_phone                 text,                       -- personal data: masked in responses
    party_legal_representative  text,
    violation_began_on          date,
    violation_ended_on          date,
    violation_discovered_on     date,
    violation_life_health_or_financial_safety bool,
    violation_harmful_consequence bool,
    filed_on                    date,
    decided_on                  date,
    closed_on                   date,
    decision_outcome            text,
    decision_major              bool,
    decision_complex            bool,
    decision_social_impact      bool,
    collective_held_on          date,
    collective_chair            text,
    collective_attendees        text[],
    collective_conclusion       text,
    collective_signed           bool,
    hearing_right_notified      bool,
    hearing_requested_on        date,
    hearing_notice_served_on    date,
    hearing_held_on             date,
    hearing_host_cert_no        text,
    hearing_waived              bool,
    hearing_record_signed       bool,
    defense_made                bool,
    defense_reexamined_on       date,
    publication_published_on    date,
    publication_url             text,
    publication_document_number text,
    publication_withdrawn_on    date,
    publication_withdraw_reason text,
    decision_change_kind        text,
    decision_change_on          date,
    archived_on                 date,
    archive_retention           text,
    record                      jsonb NOT NULL,              -- the record as received (jsonb-normalised)
    received_at                 timestamptz NOT NULL DEFAULT now(),  -- first stored
    updated_at                  timestamptz NOT NULL DEFAULT now(),  -- current version stored
    score                       int  NOT NULL DEFAULT 100 CHECK (score BETWEEN 0 AND 100),
    grade                       text NOT NULL DEFAULT 'excellent' CHECK (grade IN ('excellent', 'pass', 'fail')),
    open_findings               int  NOT NULL DEFAULT 0 CHECK (open_findings >= 0)
);

-- record (~12 kB of JSON) is always TOASTed; pglz compression of it was 12 % of ca_store_case's CPU time,
-- lz4 compresses it several times faster. Only when the server was built with lz4 (PGDG packages are).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings
               WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE cases ALTER COLUMN record SET COMPRESSION lz4;
    END IF;
END
$$;

-- officers[]
CREATE TABLE case_officers (
    case_id          uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    ord              int  NOT NULL,
    name             text,
    cert_no          text,
    cert_valid_from  date,
    cert_valid_until date,
    role             text,
    PRIMARY KEY (case_id, ord)
);

-- decision.penalties[] (notified = false) and decision.notified_penalties[] (notified = true)
CREATE TABLE case_penalties (
    case_id  uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    notified bool NOT NULL,
    ord      int  NOT NULL,
    kind     text,
    amount   numeric(18,2),
    PRIMARY KEY (case_id, notified, ord)
);

-- events[]
CREATE TABLE case_events (
    case_id      uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    event_id     text NOT NULL,                              -- the source's id, unique within the case
    ord          int  NOT NULL,
    type         text,
    started_at   timestamptz,
    ended_at     timestamptz,
    no_av_reason text,
    PRIMARY KEY (case_id, event_id)
);

-- events[].officers[]
CREATE TABLE case_event_officers (
    case_id  uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    event_id text NOT NULL,
    ord      int  NOT NULL,
    cert_no  text NOT NULL,
    PRIMARY KEY (case_id, event_id, ord)
);

-- events[].document_refs[]
CREATE TABLE case_event_documents (
    case_id      uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    event_id     text NOT NULL,
    ord          int  NOT NULL,
    document_ref text NOT NULL,
    PRIMARY KEY (case_id, event_id, ord)
);

-- documents[], signatures flattened, fields kept as one jsonb object (see docs/schema.md for why)
CREATE TABLE case_documents (
    case_id         uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    doc_id          text NOT NULL,                           -- the source's id, unique within the case
    ord             int  NOT NULL,
    type            text,
    number          text,
    issued_on       date,
    pages           int,
    seal            bool,
    signed_officers text[],                                  -- signatures.officers (cert_no)
    party_signature text,                                    -- signatures.party
    witness         bool,                                    -- signatures.witness
    approver        text,                                    -- signatures.approver
    fields          jsonb NOT NULL DEFAULT '{}',             -- fields as sent; '{}' when absent or null
    PRIMARY KEY (case_id, doc_id)
);

-- recordings[]
CREATE TABLE case_recordings (
    case_id           uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    recording_id      text NOT NULL,                         -- the source's id, unique within the case
    ord               int  NOT NULL,
    event_ref         text,
    started_at        timestamptz,
    ended_at          timestamptz,
    device_id         text,
    officer_cert_no   text,
    sha256            text,
    uri               text,
    interruption_note text,
    PRIMARY KEY (case_id, recording_id)
);

-- services[]
CREATE TABLE case_services (
    case_id       uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    ord           int  NOT NULL,
    document_ref  text,
    method        text,
    served_on     date,
    witness       bool,
    recording_ref text,
    tracking_no   text,
    consent       bool,
    announced_on  date,
    PRIMARY KEY (case_id, ord)
);

-- legal_reviews[], reviewer flattened
CREATE TABLE case_legal_reviews (
    case_id                  uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    ord                      int  NOT NULL,
    reviewer_name            text,
    reviewer_cert_no         text,
    reviewer_qualified       bool,
    reviewer_first_review_on date,
    submitted_on             date,
    reviewed_on              date,
    opinion                  text,
    comments                 text,
    PRIMARY KEY (case_id, ord)
);

-- extensions[]
CREATE TABLE case_extensions (
    case_id     uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    ord         int  NOT NULL,
    kind        text,
    approved_on date,
    days        int,
    PRIMARY KEY (case_id, ord)
);

-- suspensions[]: JSON from / to become from_on / to_on (FROM and TO are SQL keywords)
CREATE TABLE case_suspensions (
    case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    ord     int  NOT NULL,
    kind    text,
    from_on date,
    to_on   date,
    PRIMARY KEY (case_id, ord)
);

-- archive.catalog[]
CREATE TABLE case_archive_catalog (
    case_id      uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    ord          int  NOT NULL,
    seq          int,
    document_ref text,
    title        text,
    page_from    int,
    page_to      int,
    PRIMARY KEY (case_id, ord)
);

-- ---------------------------------------------------------------------------------------------------
-- Indexes beyond the primary keys; docs/schema.md says what each one serves. Child tables have none:
-- every rule joins them on case_id, which leads their primary key.
CREATE INDEX cases_agency_id_idx      ON cases (agency_code, id);
CREATE INDEX cases_agency_filed_idx   ON cases (agency_code, filed_on);
CREATE INDEX cases_agency_flagged_idx ON cases (agency_code, id) WHERE open_findings > 0;
CREATE INDEX cases_search_trgm_idx    ON cases USING gin (case_no gin_trgm_ops, party_name gin_trgm_ops);
