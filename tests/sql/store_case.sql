-- store_case.sql: checks ca_store_case() (tables: sql/0002_cases.sql; function: sql/engine/store.sql) against the
-- example case record.
--
-- Run from the repository root against a scratch or migrated database:
--   psql -X -v ON_ERROR_STOP=1 [-v fixture=PATH] -d DB -f tests/sql/store_case.sql
-- fixture defaults to tests/fixtures/example-case.json (a copy of shared/contract/example-case.json).
-- Every failed assertion raises an exception (psql exits 3). Everything runs in one transaction that is
-- rolled back, so the database is left as it was: a stand-in agencies table (0001), the 0002 migration and the
-- engine files the function needs (common.sql, store.sql; their bodies unchecked, as the other tables they name
-- are absent) are created here only when absent. The case stored has its own case_no, so data already in the
-- database does not matter.

\set ON_ERROR_STOP 1
\if :{?fixture}
\else
\set fixture tests/fixtures/example-case.json
\endif
\set rec `cat :'fixture'`
SELECT length(:'rec') > 0 AS fixture_read \gset
\if :fixture_read
\else
\echo 'store_case: cannot read the fixture' :'fixture' '(run from the repository root or pass -v fixture=PATH)'
SELECT 1 / 0 AS fixture_missing;
\endif

BEGIN;

-- Stand-in for sql/0001_base.sql: only the table 0002 depends on.
CREATE TABLE IF NOT EXISTS agencies (
    code       text PRIMARY KEY,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

SELECT to_regclass('public.cases') IS NULL AS need_0002 \gset
\if :need_0002
\ir ../../sql/0002_cases.sql
SET LOCAL check_function_bodies = off;
\ir ../../sql/engine/common.sql
\ir ../../sql/engine/store.sql
\endif

CREATE TEMP TABLE fixture (rec jsonb NOT NULL);
INSERT INTO fixture VALUES (:'rec');

CREATE FUNCTION pg_temp.ok(cond bool, what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cond IS NOT TRUE THEN
        RAISE EXCEPTION 'store_case: FAILED: %', what;
    END IF;
END
$$;

-- Rows per child table of one case.
CREATE FUNCTION pg_temp.child_counts(uuid) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object(
        'officers',        (SELECT count(*) FROM case_officers t        WHERE t.case_id = $1),
        'penalties',       (SELECT count(*) FROM case_penalties t       WHERE t.case_id = $1 AND NOT t.notified),
        'notified',        (SELECT count(*) FROM case_penalties t       WHERE t.case_id = $1 AND t.notified),
        'events',          (SELECT count(*) FROM case_events t          WHERE t.case_id = $1),
        'event_officers',  (SELECT count(*) FROM case_event_officers t  WHERE t.case_id = $1),
        'event_documents', (SELECT count(*) FROM case_event_documents t WHERE t.case_id = $1),
        'documents',       (SELECT count(*) FROM case_documents t       WHERE t.case_id = $1),
        'recordings',      (SELECT count(*) FROM case_recordings t      WHERE t.case_id = $1),
        'services',        (SELECT count(*) FROM case_services t        WHERE t.case_id = $1),
        'legal_reviews',   (SELECT count(*) FROM case_legal_reviews t   WHERE t.case_id = $1),
        'extensions',      (SELECT count(*) FROM case_extensions t      WHERE t.case_id = $1),
        'suspensions',     (SELECT count(*) FROM case_suspensions t     WHERE t.case_id = $1),
        'catalog',         (SELECT count(*) FROM case_archive_catalog t WHERE t.case_id = $1))
$$;

-- Every row of the case and of its agency, with its physical position (ctid): any rewrite, even with equal
-- content, changes the fingerprint.
CREATE FUNCTION pg_temp.fingerprint(uuid) RETURNS text LANGUAGE sql AS $$
    SELECT md5(string_agg(x, E'\n' ORDER BY x)) FROM (
        SELECT 'cases' || t.ctid::text || (t.*)::text FROM cases t WHERE t.id = $1
        UNION ALL SELECT 'agency' || t.ctid::text || (t.*)::text FROM agencies t
                  WHERE t.code = (SELECT c.agency_code FROM cases c WHERE c.id = $1)
        UNION ALL SELECT 'off' || t.ctid::text || (t.*)::text FROM case_officers t        WHERE t.case_id = $1
        UNION ALL SELECT 'pen' || t.ctid::text || (t.*)::text FROM case_penalties t       WHERE t.case_id = $1
        UNION ALL SELECT 'ev'  || t.ctid::text || (t.*)::text FROM case_events t          WHERE t.case_id = $1
        UNION ALL SELECT 'evo' || t.ctid::text || (t.*)::text FROM case_event_officers t  WHERE t.case_id = $1
        UNION ALL SELECT 'evd' || t.ctid::text || (t.*)::text FROM case_event_documents t WHERE t.case_id = $1
        UNION ALL SELECT 'doc' || t.ctid::text || (t.*)::text FROM case_documents t       WHERE t.case_id = $1
        UNION ALL SELECT 'rec' || t.ctid::text || (t.*)::text FROM case_recordings t      WHERE t.case_id = $1
        UNION ALL SELECT 'srv' || t.ctid::text || (t.*)::text FROM case_services t        WHERE t.case_id = $1
        UNION ALL SELECT 'lr'  || t.ctid::text || (t.*)::text FROM case_legal_reviews t   WHERE t.case_id = $1
        UNION ALL SELECT 'ext' || t.ctid::text || (t.*)::text FROM case_extensions t      WHERE t.case_id = $1
        UNION ALL SELECT 'sus' || t.ctid::text || (t.*)::text FROM case_suspensions t     WHERE t.case_id = $1
        UNION ALL SELECT 'cat' || t.ctid::text || (t.*)::text FROM case_archive_catalog t WHERE t.case_id = $1
    ) s(x)
$$;

DO $test$
DECLARE
    base   jsonb := (SELECT f.rec FROM fixture f);
    v_id   uuid;
    r      record;
    c      cases%ROWTYPE;
    fp     text;
    rec2   jsonb;
    expect jsonb;
BEGIN
    PERFORM pg_temp.ok(base #>> '{source,version}' = '3', 'fixture is the example case (source.version 3)');

    -- A case_no of its own: data already stored in the database cannot interfere.
    base := jsonb_set(base, '{case_no}', to_jsonb((base ->> 'case_no') || ' [tests/sql/store_case.sql]'));
    v_id := ca_case_id(base #>> '{agency,code}', base ->> 'case_no');
    DELETE FROM cases WHERE id = v_id;

    ---- ca_case_id: the documented formula, deterministic, separator keeps pairs apart
    PERFORM pg_temp.ok(ca_case_id('XQ-XK', 'x') = md5('XQ-XK' || chr(31) || 'x')::uuid, 'ca_case_id formula');
    PERFORM pg_temp.ok(ca_case_id('A', 'BC') <> ca_case_id('AB', 'C'), 'ca_case_id separates code and case_no');

    ---- 1. created
    SELECT * INTO r FROM ca_store_case(base);
    PERFORM pg_temp.ok(r.status = 'created', format('first store is created, got %s', r.status));
    PERFORM pg_temp.ok(r.case_id = v_id AND r.version = 3 AND r.stored_version IS NULL,
                       format('created returns id, version 3, stored_version NULL: %s', r));
    expect := '{"officers": 2, "penalties": 2, "notified": 2, "events": 3, "event_officers": 6,
                "event_documents": 5, "documents": 18, "recordings": 3, "services": 3, "legal_reviews": 1,
                "extensions": 1, "suspensions": 0, "catalog": 18}';
    PERFORM pg_temp.ok(pg_temp.child_counts(v_id) = expect,
                       format('example child rows: expected %s, got %s', expect, pg_temp.child_counts(v_id)));

    SELECT * INTO c FROM cases WHERE id = v_id;
    PERFORM pg_temp.ok(c.record = base, 'record stored as received');
    PERFORM pg_temp.ok(c.agency_code = 'XQ-XK' AND c.case_no = base ->> 'case_no' AND c.category = 'penalty'
                       AND c.procedure = 'general' AND c.sector = 'market' AND c.source_system = 'xq-zfba'
                       AND c.version = 3 AND c.source_updated_at = '2022-05-06T08:00:00Z',
                       'identity, category and source columns');
    PERFORM pg_temp.ok(c.party_type = 'organization' AND c.party_name = '天津鑫源农产品经营部'
                       AND c.party_id_number = '91120111MA06K3LQ2R' AND c.party_phone = '13802000000'
                       AND c.party_legal_representative = '刘某', 'party columns');
    PERFORM pg_temp.ok(c.violation_began_on = '2022-03-01' AND c.violation_discovered_on = '2022-03-07'
                       AND c.violation_life_health_or_financial_safety AND NOT c.violation_harmful_consequence
                       AND c.filed_on = '2022-03-08' AND c.decided_on = '2022-04-07' AND c.closed_on = '2022-04-25',
                       'violation and date columns');
    PERFORM pg_temp.ok(c.decision_outcome = 'penalty' AND c.decision_major AND NOT c.decision_complex
                       AND c.decision_social_impact, 'decision columns');
    PERFORM pg_temp.ok(c.collective_held_on = '2022-04-06' AND c.collective_chair = '赵某'
                       AND c.collective_attendees = '{赵某,孙某,周某,吴某}' AND c.collective_signed,
                       'collective discussion columns');
    PERFORM pg_temp.ok(c.hearing_right_notified AND c.hearing_waived AND c.hearing_requested_on IS NULL
                       AND c.hearing_held_on IS NULL AND c.hearing_host_cert_no IS NULL
                       AND c.hearing_record_signed IS NULL AND NOT c.defense_made
                       AND c.defense_reexamined_on IS NULL, 'hearing and defense columns, JSON null as NULL');
    PERFORM pg_temp.ok(c.publication_published_on = '2022-04-12'
                       AND c.publication_document_number = '津西青辛综执罚〔2022〕15号'
                       AND c.publication_withdrawn_on IS NULL AND c.decision_change_kind IS NULL
                       AND c.archived_on = '2022-05-06' AND c.archive_retention = 'permanent',
                       'publication, decision_change and archive columns');
    PERFORM pg_temp.ok(c.score = 100 AND c.grade = 'excellent' AND c.open_findings = 0, 'score defaults');

    PERFORM pg_temp.ok((SELECT array_agg(d.doc_id ORDER BY d.ord) FROM case_documents d WHERE d.case_id = v_id)
                       = (SELECT array_agg(e ->> 'id' ORDER BY o) FROM jsonb_array_elements(base -> 'documents')
                                 WITH ORDINALITY AS x(e, o)), 'documents keep source order and ids');
    SELECT * INTO r FROM case_documents d WHERE d.case_id = v_id AND d.doc_id = 'D14';
    PERFORM pg_temp.ok(r.ord = 14 AND r.type = 'penalty_decision' AND r.number = '津西青辛综执罚〔2022〕15号'
                       AND r.issued_on = '2022-04-07' AND r.pages = 3 AND r.seal
                       AND r.signed_officers = '{12011120170031,12011120180044}'
                       AND r.party_signature = 'not_required' AND NOT r.witness AND r.approver IS NULL
                       AND r.fields ->> 'party_name' = '天津鑫源农产品经营部'
                       AND r.fields = base #> '{documents,13,fields}', format('document D14: %s', r));
    PERFORM pg_temp.ok((SELECT d.fields = '{}' AND d.approver IS NULL FROM case_documents d
                        WHERE d.case_id = v_id AND d.doc_id = 'D18'), 'document D18: empty fields');
    PERFORM pg_temp.ok((SELECT d.approver = '赵某' FROM case_documents d
                        WHERE d.case_id = v_id AND d.doc_id = 'D2'), 'document D2: approver');
    PERFORM pg_temp.ok((SELECT array_agg(p.kind || ':' || p.amount ORDER BY p.notified, p.ord) FROM case_penalties p
                        WHERE p.case_id = v_id)
                       = '{fine:120000.00,confiscate_property:8600.00,fine:120000.00,confiscate_property:8600.00}',
                       'penalties and notified penalties');
    SELECT * INTO r FROM case_events e WHERE e.case_id = v_id AND e.event_id = 'E2';
    PERFORM pg_temp.ok(r.ord = 2 AND r.type = 'seizure' AND r.started_at = '2022-03-08T02:15:00Z'
                       AND r.ended_at = '2022-03-08T02:45:00Z' AND r.no_av_reason IS NULL, format('event E2: %s', r));
    PERFORM pg_temp.ok((SELECT array_agg(d.document_ref ORDER BY d.ord) FROM case_event_documents d
                        WHERE d.case_id = v_id AND d.event_id = 'E2') = '{D4,D5,D6}', 'event E2 document refs');
    PERFORM pg_temp.ok((SELECT array_agg(o.cert_no ORDER BY o.ord) FROM case_event_officers o
                        WHERE o.case_id = v_id AND o.event_id = 'E3') = '{12011120170031,12011120180044}',
                       'event E3 officers');
    SELECT * INTO r FROM case_recordings x WHERE x.case_id = v_id AND x.recording_id = 'V3';
    PERFORM pg_temp.ok(r.ord = 3 AND r.event_ref = 'E3' AND r.device_id = 'DSJ-0032'
                       AND r.officer_cert_no = '12011120180044' AND length(r.sha256) = 64
                       AND r.uri = 'av://XQ-XK/2022/15/V3.mp4' AND r.interruption_note IS NULL,
                       format('recording V3: %s', r));
    SELECT * INTO r FROM case_services x WHERE x.case_id = v_id AND x.ord = 3;
    PERFORM pg_temp.ok(r.document_ref = 'D14' AND r.method = 'direct' AND r.served_on = '2022-04-08'
                       AND r.witness IS NULL AND r.tracking_no IS NULL, format('service 3: %s', r));
    SELECT * INTO r FROM case_legal_reviews x WHERE x.case_id = v_id;
    PERFORM pg_temp.ok(r.ord = 1 AND r.reviewer_name = '陈某' AND r.reviewer_cert_no = '12011120190102'
                       AND r.reviewer_qualified AND r.reviewer_first_review_on = '2019-05-01'
                       AND r.submitted_on = '2022-03-21' AND r.reviewed_on = '2022-03-23'
                       AND r.opinion = 'approved', format('legal review: %s', r));
    SELECT * INTO r FROM case_officers x WHERE x.case_id = v_id AND x.ord = 2;
    PERFORM pg_temp.ok(r.name = '李某' AND r.cert_no = '12011120180044' AND r.cert_valid_from = '2020-06-01'
                       AND r.cert_valid_until = '2026-05-31' AND r.role = 'investigator', format('officer 2: %s', r));
    SELECT * INTO r FROM case_extensions x WHERE x.case_id = v_id;
    PERFORM pg_temp.ok(r.kind = 'seizure_term' AND r.approved_on = '2022-04-01' AND r.days = 30,
                       format('extension: %s', r));
    SELECT * INTO r FROM case_archive_catalog x WHERE x.case_id = v_id AND x.ord = 14;
    PERFORM pg_temp.ok(r.seq = 14 AND r.document_ref = 'D14' AND r.title = '行政处罚决定书'
                       AND r.page_from = 20 AND r.page_to = 22, format('catalog 14: %s', r));
    RAISE NOTICE 'ok: created, % child rows as in the example', expect;

    -- What the rules engine would have done meanwhile: a score, and a finding referring to the case.
    UPDATE cases SET score = 80, grade = 'pass', open_findings = 2, received_at = '2000-01-01T00:00:00Z'
        WHERE id = v_id;
    CREATE TABLE store_case_test_findings (case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE);
    INSERT INTO store_case_test_findings VALUES (v_id);

    ---- 2. unchanged: same version, same content (key order and white space do not matter)
    fp := pg_temp.fingerprint(v_id);
    SELECT * INTO r FROM ca_store_case(base);
    PERFORM pg_temp.ok(r.status = 'unchanged' AND r.version = 3 AND r.stored_version = 3,
                       format('resend is unchanged: %s', r));
    SELECT * INTO r FROM ca_store_case((SELECT jsonb_object_agg(key, value) FROM
                                        (SELECT * FROM jsonb_each(base) ORDER BY key DESC) s));
    PERFORM pg_temp.ok(r.status = 'unchanged', format('resend with other key order is unchanged: %s', r));
    PERFORM pg_temp.ok(pg_temp.fingerprint(v_id) = fp, 'unchanged writes nothing');
    RAISE NOTICE 'ok: unchanged';

    ---- 3. version_conflict: same version, different content
    SELECT * INTO r FROM ca_store_case(jsonb_set(base, '{documents,0,fields,source}', '"电话举报"'));
    PERFORM pg_temp.ok(r.status = 'version_conflict' AND r.version = 3 AND r.stored_version = 3,
                       format('same version, other content is version_conflict: %s', r));
    SELECT * INTO r FROM ca_store_case(jsonb_set(base, '{agency,name}', '"另一个名称"'));
    PERFORM pg_temp.ok(r.status = 'version_conflict', format('other agency name is version_conflict: %s', r));
    PERFORM pg_temp.ok(pg_temp.fingerprint(v_id) = fp, 'version_conflict changes nothing (agency included)');
    RAISE NOTICE 'ok: version_conflict';

    ---- 4. stale_version: lower version, whatever its content
    rec2 := jsonb_set(jsonb_set(base, '{source,version}', '2'), '{agency,name}', '"旧名称"');
    rec2 := rec2 #- '{documents,17}';
    SELECT * INTO r FROM ca_store_case(rec2);
    PERFORM pg_temp.ok(r.status = 'stale_version' AND r.version = 2 AND r.stored_version = 3,
                       format('lower version is stale_version: %s', r));
    SELECT * INTO r FROM ca_store_case(jsonb_set(base, '{source,version}', '1'));
    PERFORM pg_temp.ok(r.status = 'stale_version' AND r.stored_version = 3, format('version 1 is stale: %s', r));
    PERFORM pg_temp.ok(pg_temp.fingerprint(v_id) = fp, 'stale_version changes nothing (agency included)');
    RAISE NOTICE 'ok: stale_version';

    ---- 5. updated: higher version replaces every child row; score, findings, received_at survive
    rec2 := jsonb_set(base, '{source,version}', '4');
    rec2 := jsonb_set(rec2, '{agency,name}', '"天津市西青区辛口镇人民政府（更名）"');
    rec2 := jsonb_set(rec2, '{cause}', '"更新后的案由"');
    rec2 := rec2 #- '{documents,17}' #- '{documents,16}';                      -- 16 documents
    rec2 := jsonb_set(rec2, '{events}', (rec2 -> 'events') || jsonb_build_array(jsonb_build_object(
                'id', 'E4', 'type', 'service', 'started_at', '2022-04-08T09:00:00+08:00',
                'ended_at', '2022-04-08T09:20:00+08:00', 'officers', '["a","b","c"]'::jsonb,
                'document_refs', '["D15"]'::jsonb, 'no_av_reason', 'privacy')));  -- 4 events, 9 officers, 6 refs
    rec2 := rec2 #- '{recordings,0}';                                          -- 2 recordings
    rec2 := jsonb_set(rec2, '{services}', '[]');                               -- 0 services
    rec2 := rec2 - 'legal_reviews';                                            -- absent: 0
    rec2 := jsonb_set(rec2, '{decision,penalties}', '[{"kind": "warning"}]');  -- 1 penalty, 2 notified
    rec2 := jsonb_set(rec2, '{suspensions}',
                      '[{"kind": "testing", "from": "2022-03-12", "to": "2022-03-15"}]'); -- 1 suspension
    rec2 := jsonb_set(rec2, '{archive,catalog}', '[{"seq": 1, "document_ref": "D1", "title": "t", "page_from": 1, "page_to": 1}]');
    SELECT * INTO r FROM ca_store_case(rec2);
    PERFORM pg_temp.ok(r.status = 'updated' AND r.case_id = v_id AND r.version = 4 AND r.stored_version = 3,
                       format('higher version is updated: %s', r));
    expect := '{"officers": 2, "penalties": 1, "notified": 2, "events": 4, "event_officers": 9,
                "event_documents": 6, "documents": 16, "recordings": 2, "services": 0, "legal_reviews": 0,
                "extensions": 1, "suspensions": 1, "catalog": 1}';
    PERFORM pg_temp.ok(pg_temp.child_counts(v_id) = expect,
                       format('updated child rows: expected %s, got %s', expect, pg_temp.child_counts(v_id)));
    SELECT * INTO c FROM cases WHERE id = v_id;
    PERFORM pg_temp.ok(c.record = rec2 AND c.version = 4 AND c.cause = '更新后的案由', 'updated case row');
    PERFORM pg_temp.ok(c.score = 80 AND c.grade = 'pass' AND c.open_findings = 2,
                       'score, grade, open_findings kept for the rules engine');
    PERFORM pg_temp.ok(c.received_at = '2000-01-01T00:00:00Z' AND c.updated_at = now(),
                       'received_at kept, updated_at set');
    PERFORM pg_temp.ok((SELECT count(*) FROM store_case_test_findings f WHERE f.case_id = v_id) = 1,
                       'rows referring to the case (findings) survive an update');
    PERFORM pg_temp.ok((SELECT a.name FROM agencies a WHERE a.code = 'XQ-XK') = '天津市西青区辛口镇人民政府（更名）',
                       'agency renamed by an update');
    PERFORM pg_temp.ok((SELECT s.from_on = '2022-03-12' AND s.to_on = '2022-03-15' AND s.kind = 'testing'
                        FROM case_suspensions s WHERE s.case_id = v_id), 'suspension from/to');
    PERFORM pg_temp.ok((SELECT e.no_av_reason = 'privacy' AND e.ord = 4 FROM case_events e
                        WHERE e.case_id = v_id AND e.event_id = 'E4'), 'new event E4');
    PERFORM pg_temp.ok((SELECT p.amount IS NULL FROM case_penalties p
                        WHERE p.case_id = v_id AND NOT p.notified), 'penalty without amount');
    PERFORM pg_temp.ok(NOT EXISTS (SELECT FROM case_documents d WHERE d.case_id = v_id AND d.doc_id IN ('D17', 'D18')),
                       'removed documents are gone');
    SELECT * INTO r FROM ca_store_case(rec2);
    PERFORM pg_temp.ok(r.status = 'unchanged' AND r.stored_version = 4, format('resend of v4: %s', r));
    RAISE NOTICE 'ok: updated, % child rows', expect;

    ---- 6. every optional part JSON null, nested nulls included
    rec2 := jsonb_build_object(
        'agency', base -> 'agency', 'case_no', base -> 'case_no', 'category', 'penalty',
        'procedure', NULL, 'sector', NULL, 'cause', NULL,
        'source', jsonb_build_object('system', 'xq-zfba', 'version', 5, 'updated_at', NULL),
        'party', jsonb_build_object('type', NULL, 'name', '某某', 'id_type', NULL, 'id_number', NULL,
                                    'address', NULL, 'phone', NULL, 'legal_representative', NULL),
        'violation', NULL, 'filed_on', NULL, 'decided_on', NULL, 'closed_on', NULL,
        'officers', '[]'::jsonb,
        'decision', jsonb_build_object('outcome', NULL, 'penalties', NULL,
                                       'notified_penalties', '[{"kind": "fine", "amount": null}]'::jsonb,
                                       'major', NULL, 'complex', NULL, 'social_impact', NULL),
        'events', '[{"id": "E1", "type": "other", "started_at": null, "ended_at": null,
                     "officers": null, "document_refs": null, "no_av_reason": null}]'::jsonb,
        'documents', '[{"id": "D1", "type": "other", "number": null, "issued_on": null, "pages": null,
                        "seal": null, "signatures": null, "fields": null},
                       {"id": "D2", "type": "other",
                        "signatures": {"officers": null, "party": null, "witness": null, "approver": null},
                        "fields": {"party_name": null}}]'::jsonb,
        'recordings', NULL, 'services', NULL,
        'legal_reviews', '[{"reviewer": null, "submitted_on": null, "reviewed_on": null,
                            "opinion": null, "comments": null}]'::jsonb,
        'collective_discussion', '{"held_on": null, "chair": null, "attendees": null,
                                   "conclusion": null, "signed": null}'::jsonb,
        'hearing', NULL, 'defense', NULL, 'publication', NULL, 'decision_change', NULL,
        'extensions', NULL, 'suspensions', NULL,
        'archive', '{"archived_on": null, "retention": null, "catalog": null}'::jsonb);
    SELECT * INTO r FROM ca_store_case(rec2);
    PERFORM pg_temp.ok(r.status = 'updated' AND r.version = 5 AND r.stored_version = 4,
                       format('record with null parts is updated: %s', r));
    expect := '{"officers": 0, "penalties": 0, "notified": 1, "events": 1, "event_officers": 0,
                "event_documents": 0, "documents": 2, "recordings": 0, "services": 0, "legal_reviews": 1,
                "extensions": 0, "suspensions": 0, "catalog": 0}';
    PERFORM pg_temp.ok(pg_temp.child_counts(v_id) = expect,
                       format('null parts child rows: expected %s, got %s', expect, pg_temp.child_counts(v_id)));
    PERFORM pg_temp.ok((SELECT count(*) FROM cases x, jsonb_each(to_jsonb(x) - '{id,agency_code,case_no,category,source_system,version,party_name,record,received_at,updated_at,score,grade,open_findings}'::text[]) j
                        WHERE x.id = v_id AND j.value <> 'null') = 0, 'every optional case column is NULL');
    PERFORM pg_temp.ok((SELECT d.fields = '{}' AND d.signed_officers IS NULL AND d.party_signature IS NULL
                               AND d.pages IS NULL AND d.seal IS NULL
                        FROM case_documents d WHERE d.case_id = v_id AND d.doc_id = 'D1'),
                       'document with null signatures and fields');
    PERFORM pg_temp.ok((SELECT d.fields = '{"party_name": null}' AND d.fields ->> 'party_name' IS NULL
                               AND d.signed_officers IS NULL AND d.witness IS NULL
                        FROM case_documents d WHERE d.case_id = v_id AND d.doc_id = 'D2'),
                       'document with null signature parts and a null field');
    PERFORM pg_temp.ok((SELECT l.reviewer_name IS NULL AND l.reviewer_qualified IS NULL AND l.opinion IS NULL
                        FROM case_legal_reviews l WHERE l.case_id = v_id), 'legal review with null reviewer');
    PERFORM pg_temp.ok((SELECT p.notified AND p.kind = 'fine' AND p.amount IS NULL
                        FROM case_penalties p WHERE p.case_id = v_id), 'notified penalty with null amount');
    RAISE NOTICE 'ok: JSON null in every optional place';

    ---- 7. optional parts absent; null elements inside arrays (beyond the contract) are skipped
    rec2 := jsonb_build_object('agency', base -> 'agency', 'case_no', base -> 'case_no', 'category', 'inspection',
                               'source', jsonb_build_object('system', 's', 'version', 6,
                                                            'updated_at', '2022-06-01T00:00:00+08:00'),
                               'party', '{"name": "某某"}'::jsonb, 'officers', '[]'::jsonb,
                               'extensions', '[null, {"kind": "decision_deadline", "days": 30}]'::jsonb,
                               'events', '[{"id": "E9", "type": "other", "officers": ["x", null, "y"]}]'::jsonb);
    SELECT * INTO r FROM ca_store_case(rec2);
    PERFORM pg_temp.ok(r.status = 'updated' AND r.version = 6 AND r.stored_version = 5,
                       format('minimal record is updated: %s', r));
    expect := '{"officers": 0, "penalties": 0, "notified": 0, "events": 1, "event_officers": 2,
                "event_documents": 0, "documents": 0, "recordings": 0, "services": 0, "legal_reviews": 0,
                "extensions": 1, "suspensions": 0, "catalog": 0}';
    PERFORM pg_temp.ok(pg_temp.child_counts(v_id) = expect,
                       format('minimal record child rows: expected %s, got %s', expect, pg_temp.child_counts(v_id)));
    PERFORM pg_temp.ok((SELECT e.ord = 2 AND e.days = 30 FROM case_extensions e WHERE e.case_id = v_id),
                       'ord is the position in the source array');
    PERFORM pg_temp.ok((SELECT count(*) FROM cases x, jsonb_each(to_jsonb(x) - '{id,agency_code,case_no,category,source_system,version,source_updated_at,party_name,record,received_at,updated_at,score,grade,open_findings}'::text[]) j
                        WHERE x.id = v_id AND j.value <> 'null') = 0, 'absent optional parts are NULL columns');
    RAISE NOTICE 'ok: absent optional parts';

    ---- 8. a duplicate source id fails (23505) and writes nothing
    fp := pg_temp.fingerprint(v_id);
    BEGIN
        PERFORM ca_store_case(jsonb_set(jsonb_set(base, '{source,version}', '7'), '{documents,1,id}', '"D1"'));
        RAISE EXCEPTION 'store_case: FAILED: duplicate document id was stored';
    EXCEPTION WHEN unique_violation THEN
        NULL;
    END;
    PERFORM pg_temp.ok(pg_temp.fingerprint(v_id) = fp, 'failed store leaves the case as it was');
    RAISE NOTICE 'ok: duplicate source id rejected';

    ---- 9. a new agency is created with the case, renamed by a later version
    rec2 := jsonb_set(jsonb_set(base, '{agency}', '{"code": "TEST.store-case_1", "name": "测试执法主体"}'),
                      '{case_no}', '"测试〔2024〕1号"');
    PERFORM pg_temp.ok(NOT EXISTS (SELECT FROM agencies a WHERE a.code = 'TEST.store-case_1'), 'test agency absent');
    SELECT * INTO r FROM ca_store_case(rec2);
    PERFORM pg_temp.ok(r.status = 'created' AND r.case_id = ca_case_id('TEST.store-case_1', '测试〔2024〕1号'),
                       format('case of a new agency is created: %s', r));
    PERFORM pg_temp.ok((SELECT a.name FROM agencies a WHERE a.code = 'TEST.store-case_1') = '测试执法主体',
                       'new agency inserted');
    SELECT * INTO r FROM ca_store_case(jsonb_set(jsonb_set(rec2, '{source,version}', '9'),
                                                 '{agency,name}', '"测试执法主体（新）"'));
    PERFORM pg_temp.ok(r.status = 'updated' AND r.stored_version = 3, format('new agency case updated: %s', r));
    PERFORM pg_temp.ok((SELECT a.name FROM agencies a WHERE a.code = 'TEST.store-case_1') = '测试执法主体（新）',
                       'agency renamed');
    PERFORM pg_temp.ok((SELECT count(*) FROM cases x WHERE x.agency_code = 'TEST.store-case_1') = 1,
                       'one row per case');
    RAISE NOTICE 'ok: new agency';

    ---- 10. ca_store_batch: a batch the database refuses in part is stored again record by record
    -- (a record with a duplicate document id fails alone, its neighbours are stored); one case twice in a batch is
    -- stored in input order (created, then updated); every stored record gets a case_upserted change.
    DECLARE
        b jsonb := jsonb_build_array(
            jsonb_set(base, '{case_no}', '"批量〔2024〕1号"'),
            jsonb_set(jsonb_set(base, '{case_no}', '"批量〔2024〕2号"'), '{documents,1,id}', '"D1"'),
            jsonb_set(base, '{case_no}', '"批量〔2024〕3号"'),
            jsonb_set(base, '{case_no}', '"批量〔2024〕4号"'),
            jsonb_set(jsonb_set(base, '{case_no}', '"批量〔2024〕4号"'), '{source,version}', '8'));
        got text;
        n_changes bigint := (SELECT count(*) FROM changes);
    BEGIN
        SELECT string_agg(x.ord || ':' || x.status || coalesce(':' || x.stored_version, ''), ' ' ORDER BY x.ord)
          INTO got FROM ca_store_batch(b, NULL) x;
        PERFORM pg_temp.ok(got = '1:created 2:error 3:created 4:created 5:updated:3',
                           format('mixed batch outcomes: %s', got));
        PERFORM pg_temp.ok((SELECT error FROM ca_store_batch(jsonb_build_array(b -> 1), NULL)) LIKE '%duplicate key%',
                           'the failing record names its error');
        PERFORM pg_temp.ok(NOT EXISTS (SELECT FROM cases x WHERE x.case_no = '批量〔2024〕2号'),
                           'the failing record wrote nothing');
        PERFORM pg_temp.ok(pg_temp.child_counts(ca_case_id(base #>> '{agency,code}', '批量〔2024〕3号'))
                           = pg_temp.child_counts(ca_case_id(base #>> '{agency,code}', '批量〔2024〕4号')),
                           'neighbours stored whole');
        PERFORM pg_temp.ok((SELECT count(*) FROM changes) - n_changes = 4, 'one change per stored record');
        -- the whole batch again: nothing written, set-based
        SELECT string_agg(x.status, ' ' ORDER BY x.ord) INTO got
          FROM ca_store_batch(jsonb_build_array(b -> 0, b -> 2, b -> 4), NULL) x;
        PERFORM pg_temp.ok(got = 'unchanged unchanged unchanged', format('batch sent again: %s', got));
        SELECT string_agg(x.status, ' ' ORDER BY x.ord) INTO got FROM ca_store_batch('[]', NULL) x;
        PERFORM pg_temp.ok(got IS NULL, 'empty batch: no rows');
    END;
    RAISE NOTICE 'ok: batches';

    ---- 11. deleting a case removes its child rows (ON DELETE CASCADE)
    DELETE FROM cases WHERE id = v_id;
    PERFORM pg_temp.ok(pg_temp.child_counts(v_id) = '{"officers": 0, "penalties": 0, "notified": 0, "events": 0,
                       "event_officers": 0, "event_documents": 0, "documents": 0, "recordings": 0, "services": 0,
                       "legal_reviews": 0, "extensions": 0, "suspensions": 0, "catalog": 0}', 'cascade delete');

    RAISE NOTICE 'store_case: all assertions passed';
END
$test$;

ROLLBACK;
