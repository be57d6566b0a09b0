-- 0002_cases: the normalised case tables, their indexes and ca_store_case(), the one place where a
-- validated case record (shared/contract/case-record.md) becomes rows. docs/schema.md explains every
-- table, column group, index and the Citus distribution column of each table.
--
-- Runs after 0001_base.sql (agencies), inside the migration runner's transaction: no BEGIN/COMMIT here.
-- Citus-ready by construction: every case-owned table is keyed by case_id first, foreign keys go only
-- child -> cases (case_id) and cases -> agencies (reference table), no sequences, no triggers.

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

-- The case id: a name-based UUID, the 128 bits of MD5(agency_code || 0x1F || case_no) (UTF-8 bytes) written
-- as a UUID; no namespace, version or variant bits are set. 0x1F cannot occur in an agency code
-- (^[A-Za-z0-9._-]{1,64}$), so distinct (agency_code, case_no) pairs hash distinct strings. Because the
-- id is derived from the identity, the primary key on id enforces (agency_code, case_no) uniqueness on a
-- table distributed by id, where a UNIQUE (agency_code, case_no) is impossible.
CREATE FUNCTION ca_case_id(agency_code text, case_no text) RETURNS uuid
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT md5(agency_code || E'\x1f' || case_no)::uuid $$;

-- JSON null (or any non-array / non-object) as SQL NULL, so that set-returning JSON functions see either
-- a real array / object or nothing. Inlined by the planner.
CREATE FUNCTION ca_jarr(j jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN jsonb_typeof(j) = 'array' THEN j END $$;

CREATE FUNCTION ca_jobj(j jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN jsonb_typeof(j) = 'object' THEN j END $$;

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

-- ---------------------------------------------------------------------------------------------------
-- ca_store_case(rec): store one validated case record.
--
--   status            when                                                   effect
--   created           no case with this id                                   case and child rows inserted
--   updated           incoming source.version > stored version               case row updated in place, child
--                                                                            rows deleted and re-inserted
--   unchanged         same version and rec = stored record (jsonb equality)  nothing
--   version_conflict  same version, different content                        nothing
--   stale_version     incoming version < stored version                      nothing
--
-- version is the incoming source.version; stored_version is the version stored before the call (NULL when
-- created), which for stale_version / version_conflict / unchanged is also the version still stored.
-- The agency row is inserted or renamed only on created / updated. findings are never touched: the case
-- row is updated in place, never deleted, so findings that reference it survive a new version.
-- Concurrency: the case row is locked (FOR UPDATE) before any decision, so writers of one case serialise.
-- Two writers creating the same new case meet in the INSERT ... ON CONFLICT, whose conflict arm does
-- nothing for a row we have not locked and judged: the loser waits for the winner's commit, re-reads and
-- locks its row, and decides again (unchanged / version_conflict / stale_version / updated). Under
-- REPEATABLE READ or SERIALIZABLE the loser gets SQLSTATE 40001 instead, which the transaction runner retries. A duplicate source id within one case (two documents
-- "D1") is a 23505 unique_violation: the call fails and writes nothing.
CREATE FUNCTION ca_store_case(rec jsonb)
    RETURNS TABLE (case_id uuid, status text, version int, stored_version int)
    LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    v_code    text := rec #>> '{agency,code}';
    v_name    text := rec #>> '{agency,name}';
    v_id      uuid := ca_case_id(rec #>> '{agency,code}', rec ->> 'case_no');
    v_version int  := (rec #>> '{source,version}')::int;
    v_old_version int;
    v_old     jsonb;
    v_agency_name text;
    v_found   bool;
    v_rows    int;
    v_tries   int := 0;
BEGIN
    IF v_id IS NULL OR v_version IS NULL THEN
        RAISE EXCEPTION 'ca_store_case: record lacks agency.code, case_no or source.version'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    case_id := v_id;
    version := v_version;

    LOOP
        SELECT c.version, c.record INTO v_old_version, v_old FROM cases c WHERE c.id = v_id FOR UPDATE;
        v_found := FOUND;
        stored_version := v_old_version;

        IF v_found AND v_version <= v_old_version THEN
            status := CASE
                WHEN v_version < v_old_version THEN 'stale_version'
                WHEN rec = v_old THEN 'unchanged'
                ELSE 'version_conflict'
            END;
            RETURN NEXT;
            RETURN;
        END IF;

        -- Created or updated from here. The agency must exist before the case row (foreign key); it is
        -- renamed only once the case row is written (below), so that a record that turns out stale after
        -- a lost race renames nothing. Plain reads and DO NOTHING take no lock on the agency row.
        IF v_tries = 0 THEN
            SELECT a.name INTO v_agency_name FROM agencies a WHERE a.code = v_code;
            IF NOT FOUND THEN
                INSERT INTO agencies (code, name) VALUES (v_code, v_name) ON CONFLICT (code) DO NOTHING;
            END IF;
        END IF;

        -- One statement for both paths. Not found: a plain insert; if a concurrent writer inserted the case
        -- since our SELECT, the conflict arm's WHERE (v_found is false) makes it do nothing, and we loop to
        -- lock and judge the winner's row. Found with a lower version (row already locked): update in place.
        -- agency_code and case_no are not updated: they define id, so they cannot differ.
        INSERT INTO cases AS c (
            id, agency_code, case_no, category, procedure, sector, cause,
            source_system, version, source_updated_at,
            party_type, party_name, party_id_type, party_id_number, party_address, party_phone,
            party_legal_representative,
            violation_began_on, violation_ended_on, violation_discovered_on,
            violation_life_health_or_financial_safety, violation_harmful_consequence,
            filed_on, decided_on, closed_on,
            decision_outcome, decision_major, decision_complex, decision_social_impact,
            collective_held_on, collective_chair, collective_attendees, collective_conclusion,
            collective_signed,
            hearing_right_notified, hearing_requested_on, hearing_notice_served_on, hearing_held_on,
            hearing_host_cert_no, hearing_waived, hearing_record_signed,
            defense_made, defense_reexamined_on,
            publication_published_on, publication_url, publication_document_number,
            publication_withdrawn_on, publication_withdraw_reason,
            decision_change_kind, decision_change_on,
            archived_on, archive_retention,
            record)
        VALUES (
            v_id, v_code, rec ->> 'case_no', rec ->> 'category', rec ->> 'procedure', rec ->> 'sector',
            rec ->> 'cause',
            rec #>> '{source,system}', v_version, (rec #>> '{source,updated_at}')::timestamptz,
            rec #>> '{party,type}', rec #>> '{party,name}', rec #>> '{party,id_type}',
            rec #>> '{party,id_number}', rec #>> '{party,address}', rec #>> '{party,phone}',
            rec #>> '{party,legal_representative}',
            (rec #>> '{violation,began_on}')::date, (rec #>> '{violation,ended_on}')::date,
            (rec #>> '{violation,discovered_on}')::date,
            (rec #>> '{violation,life_health_or_financial_safety}')::bool,
            (rec #>> '{violation,harmful_consequence}')::bool,
            (rec ->> 'filed_on')::date, (rec ->> 'decided_on')::date, (rec ->> 'closed_on')::date,
            rec #>> '{decision,outcome}', (rec #>> '{decision,major}')::bool,
            (rec #>> '{decision,complex}')::bool, (rec #>> '{decision,social_impact}')::bool,
            (rec #>> '{collective_discussion,held_on}')::date, rec #>> '{collective_discussion,chair}',
            CASE WHEN jsonb_typeof(rec #> '{collective_discussion,attendees}') = 'array' THEN
                ARRAY(SELECT jsonb_array_elements_text(rec #> '{collective_discussion,attendees}'))
            END,
            rec #>> '{collective_discussion,conclusion}', (rec #>> '{collective_discussion,signed}')::bool,
            (rec #>> '{hearing,right_notified}')::bool, (rec #>> '{hearing,requested_on}')::date,
            (rec #>> '{hearing,notice_served_on}')::date, (rec #>> '{hearing,held_on}')::date,
            rec #>> '{hearing,host_cert_no}', (rec #>> '{hearing,waived}')::bool,
            (rec #>> '{hearing,record_signed}')::bool,
            (rec #>> '{defense,made}')::bool, (rec #>> '{defense,reexamined_on}')::date,
            (rec #>> '{publication,published_on}')::date, rec #>> '{publication,url}',
            rec #>> '{publication,document_number}', (rec #>> '{publication,withdrawn_on}')::date,
            rec #>> '{publication,withdraw_reason}',
            rec #>> '{decision_change,kind}', (rec #>> '{decision_change,on}')::date,
            (rec #>> '{archive,archived_on}')::date, rec #>> '{archive,retention}',
            rec)
        ON CONFLICT (id) DO UPDATE SET (
            category, procedure, sector, cause,
            source_system, version, source_updated_at,
            party_type, party_name, party_id_type, party_id_number, party_address, party_phone,
            party_legal_representative,
            violation_began_on, violation_ended_on, violation_discovered_on,
            violation_life_health_or_financial_safety, violation_harmful_consequence,
            filed_on, decided_on, closed_on,
            decision_outcome, decision_major, decision_complex, decision_social_impact,
            collective_held_on, collective_chair, collective_attendees, collective_conclusion,
            collective_signed,
            hearing_right_notified, hearing_requested_on, hearing_notice_served_on, hearing_held_on,
            hearing_host_cert_no, hearing_waived, hearing_record_signed,
            defense_made, defense_reexamined_on,
            publication_published_on, publication_url, publication_document_number,
            publication_withdrawn_on, publication_withdraw_reason,
            decision_change_kind, decision_change_on,
            archived_on, archive_retention,
            record, updated_at
        ) = (
            EXCLUDED.category, EXCLUDED.procedure, EXCLUDED.sector, EXCLUDED.cause,
            EXCLUDED.source_system, EXCLUDED.version, EXCLUDED.source_updated_at,
            EXCLUDED.party_type, EXCLUDED.party_name, EXCLUDED.party_id_type, EXCLUDED.party_id_number,
            EXCLUDED.party_address, EXCLUDED.party_phone,
            EXCLUDED.party_legal_representative,
            EXCLUDED.violation_began_on, EXCLUDED.violation_ended_on, EXCLUDED.violation_discovered_on,
            EXCLUDED.violation_life_health_or_financial_safety, EXCLUDED.violation_harmful_consequence,
            EXCLUDED.filed_on, EXCLUDED.decided_on, EXCLUDED.closed_on,
            EXCLUDED.decision_outcome, EXCLUDED.decision_major, EXCLUDED.decision_complex,
            EXCLUDED.decision_social_impact,
            EXCLUDED.collective_held_on, EXCLUDED.collective_chair, EXCLUDED.collective_attendees,
            EXCLUDED.collective_conclusion, EXCLUDED.collective_signed,
            EXCLUDED.hearing_right_notified, EXCLUDED.hearing_requested_on,
            EXCLUDED.hearing_notice_served_on, EXCLUDED.hearing_held_on,
            EXCLUDED.hearing_host_cert_no, EXCLUDED.hearing_waived, EXCLUDED.hearing_record_signed,
            EXCLUDED.defense_made, EXCLUDED.defense_reexamined_on,
            EXCLUDED.publication_published_on, EXCLUDED.publication_url,
            EXCLUDED.publication_document_number,
            EXCLUDED.publication_withdrawn_on, EXCLUDED.publication_withdraw_reason,
            EXCLUDED.decision_change_kind, EXCLUDED.decision_change_on,
            EXCLUDED.archived_on, EXCLUDED.archive_retention,
            EXCLUDED.record, now()
        )
        WHERE v_found AND c.version < EXCLUDED.version;
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        EXIT WHEN v_rows = 1;

        v_tries := v_tries + 1;
        IF v_tries > 2 THEN  -- cannot happen unless the case is deleted and re-created concurrently
            RAISE EXCEPTION 'ca_store_case: case % keeps changing under us', v_id
                USING ERRCODE = 'serialization_failure';
        END IF;
    END LOOP;

    -- Agency name as last sent. Guarded by the unlocked read above: ON CONFLICT DO UPDATE locks the agency
    -- row until commit even when its WHERE is false, which would serialise all writers of the agency.
    IF v_agency_name IS DISTINCT FROM v_name THEN
        INSERT INTO agencies AS a (code, name) VALUES (v_code, v_name)
        ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name
            WHERE a.name IS DISTINCT FROM EXCLUDED.name;
    END IF;

    IF v_found THEN
        status := 'updated';
        DELETE FROM case_officers        t WHERE t.case_id = v_id;
        DELETE FROM case_penalties       t WHERE t.case_id = v_id;
        DELETE FROM case_events          t WHERE t.case_id = v_id;
        DELETE FROM case_event_officers  t WHERE t.case_id = v_id;
        DELETE FROM case_event_documents t WHERE t.case_id = v_id;
        DELETE FROM case_documents       t WHERE t.case_id = v_id;
        DELETE FROM case_recordings      t WHERE t.case_id = v_id;
        DELETE FROM case_services        t WHERE t.case_id = v_id;
        DELETE FROM case_legal_reviews   t WHERE t.case_id = v_id;
        DELETE FROM case_extensions      t WHERE t.case_id = v_id;
        DELETE FROM case_suspensions     t WHERE t.case_id = v_id;
        DELETE FROM case_archive_catalog t WHERE t.case_id = v_id;
    ELSE
        status := 'created';
    END IF;

    -- Child rows: one set-based INSERT per table. Arrays go through jsonb_array_elements WITH ORDINALITY
    -- (ord = 1-based position in the source array) and each object element through jsonb_to_record,
    -- whose column list converts types (dates, instants, bools, numbers, string arrays to text[]).
    -- ca_jarr / ca_jobj turn JSON null into "no rows" / NULL; non-object elements are skipped.
    INSERT INTO case_officers (case_id, ord, name, cert_no, cert_valid_from, cert_valid_until, role)
    SELECT v_id, e.ord, x.name, x.cert_no, x.cert_valid_from, x.cert_valid_until, x.role
    FROM jsonb_array_elements(ca_jarr(rec -> 'officers')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v))
        AS x(name text, cert_no text, cert_valid_from date, cert_valid_until date, role text)
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_penalties (case_id, notified, ord, kind, amount)
    SELECT v_id, p.notified, e.ord, x.kind, x.amount
    FROM (VALUES (false, rec #> '{decision,penalties}'),
                 (true,  rec #> '{decision,notified_penalties}')) AS p(notified, arr)
    CROSS JOIN LATERAL jsonb_array_elements(ca_jarr(p.arr)) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v)) AS x(kind text, amount numeric)
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_events (case_id, event_id, ord, type, started_at, ended_at, no_av_reason)
    SELECT v_id, x.id, e.ord, x.type, x.started_at, x.ended_at, x.no_av_reason
    FROM jsonb_array_elements(ca_jarr(rec -> 'events')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v))
        AS x(id text, type text, started_at timestamptz, ended_at timestamptz, no_av_reason text)
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_event_officers (case_id, event_id, ord, cert_no)
    SELECT v_id, e.v ->> 'id', o.ord, o.cert_no
    FROM jsonb_array_elements(ca_jarr(rec -> 'events')) AS e(v)
    CROSS JOIN LATERAL jsonb_array_elements_text(ca_jarr(e.v -> 'officers')) WITH ORDINALITY AS o(cert_no, ord)
    WHERE o.cert_no IS NOT NULL;

    INSERT INTO case_event_documents (case_id, event_id, ord, document_ref)
    SELECT v_id, e.v ->> 'id', r.ord, r.document_ref
    FROM jsonb_array_elements(ca_jarr(rec -> 'events')) AS e(v)
    CROSS JOIN LATERAL jsonb_array_elements_text(ca_jarr(e.v -> 'document_refs')) WITH ORDINALITY AS r(document_ref, ord)
    WHERE r.document_ref IS NOT NULL;

    INSERT INTO case_documents (case_id, doc_id, ord, type, number, issued_on, pages, seal,
                                signed_officers, party_signature, witness, approver, fields)
    SELECT v_id, x.id, e.ord, x.type, x.number, x.issued_on, x.pages, x.seal,
           s.officers, s.party, s.witness, s.approver, coalesce(ca_jobj(x.fields), '{}')
    FROM jsonb_array_elements(ca_jarr(rec -> 'documents')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v))
        AS x(id text, type text, number text, issued_on date, pages int, seal bool,
             signatures jsonb, fields jsonb)
    LEFT JOIN LATERAL jsonb_to_record(ca_jobj(x.signatures))
        AS s(officers text[], party text, witness bool, approver text) ON true
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_recordings (case_id, recording_id, ord, event_ref, started_at, ended_at, device_id,
                                 officer_cert_no, sha256, uri, interruption_note)
    SELECT v_id, x.id, e.ord, x.event_ref, x.started_at, x.ended_at, x.device_id,
           x.officer_cert_no, x.sha256, x.uri, x.interruption_note
    FROM jsonb_array_elements(ca_jarr(rec -> 'recordings')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v))
        AS x(id text, event_ref text, started_at timestamptz, ended_at timestamptz, device_id text,
             officer_cert_no text, sha256 text, uri text, interruption_note text)
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_services (case_id, ord, document_ref, method, served_on, witness, recording_ref,
                               tracking_no, consent, announced_on)
    SELECT v_id, e.ord, x.document_ref, x.method, x.served_on, x.witness, x.recording_ref,
           x.tracking_no, x.consent, x.announced_on
    FROM jsonb_array_elements(ca_jarr(rec -> 'services')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v))
        AS x(document_ref text, method text, served_on date, witness bool, recording_ref text,
             tracking_no text, consent bool, announced_on date)
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_legal_reviews (case_id, ord, reviewer_name, reviewer_cert_no, reviewer_qualified,
                                    reviewer_first_review_on, submitted_on, reviewed_on, opinion, comments)
    SELECT v_id, e.ord, r.name, r.cert_no, r.qualified, r.first_review_on,
           x.submitted_on, x.reviewed_on, x.opinion, x.comments
    FROM jsonb_array_elements(ca_jarr(rec -> 'legal_reviews')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v))
        AS x(reviewer jsonb, submitted_on date, reviewed_on date, opinion text, comments text)
    LEFT JOIN LATERAL jsonb_to_record(ca_jobj(x.reviewer))
        AS r(name text, cert_no text, qualified bool, first_review_on date) ON true
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_extensions (case_id, ord, kind, approved_on, days)
    SELECT v_id, e.ord, x.kind, x.approved_on, x.days
    FROM jsonb_array_elements(ca_jarr(rec -> 'extensions')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v)) AS x(kind text, approved_on date, days int)
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_suspensions (case_id, ord, kind, from_on, to_on)
    SELECT v_id, e.ord, x.kind, x."from", x."to"
    FROM jsonb_array_elements(ca_jarr(rec -> 'suspensions')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v)) AS x(kind text, "from" date, "to" date)
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_archive_catalog (case_id, ord, seq, document_ref, title, page_from, page_to)
    SELECT v_id, e.ord, x.seq, x.document_ref, x.title, x.page_from, x.page_to
    FROM jsonb_array_elements(ca_jarr(rec #> '{archive,catalog}')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v))
        AS x(seq int, document_ref text, title text, page_from int, page_to int)
    WHERE jsonb_typeof(e.v) = 'object';

    RETURN NEXT;
END
$$;
