-- sql/engine/store.sql: Storing validated case records (one, a batch, the bulk path) and the JSON of a stored case.
-- Engine file: one current definition of each function, applied by `caseaudit migrate` after the numbered
-- migrations and again whenever this file changes (its SHA-256 is recorded in schema_engine; see
-- docs/schema.md). CREATE OR REPLACE only: it runs on new databases and on databases that have it already.

-- Stores validated records (a JSON array). Per record, in input order: created, updated (a higher
-- source.version), unchanged (same version, same record), version_conflict (same version, another record),
-- stale_version (lower). Stored rows of the batch are locked in id order first, so that two batches touching the
-- same cases cannot deadlock. A case created concurrently by another transaction since our read (the insert finds
-- it) raises serialization_failure: the caller retries the batch, which then judges the winner's row. A batch that
-- names one case twice raises CA003 (ca_store_batch then stores it record by record, in input order).
CREATE OR REPLACE FUNCTION ca_store_cases(recs jsonb)
    RETURNS TABLE (ord int, case_id uuid, status text, version int, stored_version int)
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_ords int[];
  v_ids uuid[];
  v_stat text[];
  v_ver int[];
  v_old int[];
  v_sids uuid[];      -- stored (created or updated): ids and records, in id order
  v_srecs jsonb[];
  v_upd uuid[];       -- updated: their child rows are replaced
  v_rows int;
BEGIN
  WITH inp AS (
    SELECT e.ord::int AS ord, e.rec, ca_case_id(e.rec #>> '{agency,code}', e.rec ->> 'case_no') AS id,
           (e.rec #>> '{source,version}')::int AS ver
      FROM jsonb_array_elements(recs) WITH ORDINALITY AS e(rec, ord)
  ), old AS (
    SELECT c.id, c.version, c.record FROM cases c WHERE c.id IN (SELECT id FROM inp) ORDER BY c.id FOR UPDATE
  )
  SELECT array_agg(i.ord ORDER BY i.ord), array_agg(i.id ORDER BY i.ord),
         array_agg(CASE WHEN i.id IS NULL OR i.ver IS NULL THEN NULL
                        WHEN o.id IS NULL THEN 'created'
                        WHEN i.ver > o.version THEN 'updated'
                        WHEN i.ver < o.version THEN 'stale_version'
                        WHEN i.rec = o.record THEN 'unchanged'
                        ELSE 'version_conflict' END ORDER BY i.ord),
         array_agg(i.ver ORDER BY i.ord), array_agg(o.version ORDER BY i.ord)
    INTO v_ords, v_ids, v_stat, v_ver, v_old
    FROM inp i LEFT JOIN old o ON o.id = i.id;

  IF v_ords IS NULL THEN
    RETURN;
  END IF;
  IF array_position(v_stat, NULL) IS NOT NULL THEN
    RAISE EXCEPTION 'ca_store_case: record lacks agency.code, case_no or source.version'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF (SELECT count(DISTINCT x) FROM unnest(v_ids) x) < cardinality(v_ids) THEN
    RAISE EXCEPTION 'ca_store_cases: a case appears twice in the batch' USING ERRCODE = 'CA003';
  END IF;

  SELECT array_agg(i.id ORDER BY i.id), array_agg(r.rec ORDER BY i.id),
         array_agg(i.id ORDER BY i.id) FILTER (WHERE i.st = 'updated')
    INTO v_sids, v_srecs, v_upd
    FROM unnest(v_ords, v_ids, v_stat) AS i(ord, id, st)
    JOIN jsonb_array_elements(recs) WITH ORDINALITY AS r(rec, ord) ON r.ord = i.ord
   WHERE i.st IN ('created', 'updated');

  IF v_sids IS NOT NULL THEN
    -- The agency must exist before its cases (foreign key). Plain reads and DO NOTHING take no lock on it.
    INSERT INTO agencies (code, name)
    SELECT DISTINCT ON (r.rec #>> '{agency,code}') r.rec #>> '{agency,code}', r.rec #>> '{agency,name}'
      FROM unnest(v_srecs) AS r(rec)
     WHERE NOT EXISTS (SELECT 1 FROM agencies a WHERE a.code = r.rec #>> '{agency,code}')
    ON CONFLICT (code) DO NOTHING;

    -- One statement for both paths. A created record whose case another writer inserted since our read hits
    -- the conflict arm, whose WHERE (only records judged updated) makes it do nothing: fewer rows than stored
    -- records, and the batch is retried.
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
    SELECT
      i.id, i.code, i.rec ->> 'case_no', i.rec ->> 'category', i.rec ->> 'procedure', i.rec ->> 'sector',
      i.rec ->> 'cause',
      i.rec #>> '{source,system}', i.ver, (i.rec #>> '{source,updated_at}')::timestamptz,
      i.rec #>> '{party,type}', i.rec #>> '{party,name}', i.rec #>> '{party,id_type}',
      i.rec #>> '{party,id_number}', i.rec #>> '{party,address}', i.rec #>> '{party,phone}',
      i.rec #>> '{party,legal_representative}',
      (i.rec #>> '{violation,began_on}')::date, (i.rec #>> '{violation,ended_on}')::date,
      (i.rec #>> '{violation,discovered_on}')::date,
      (i.rec #>> '{violation,life_health_or_financial_safety}')::bool,
      (i.rec #>> '{violation,harmful_consequence}')::bool,
      (i.rec ->> 'filed_on')::date, (i.rec ->> 'decided_on')::date, (i.rec ->> 'closed_on')::date,
      i.rec #>> '{decision,outcome}', (i.rec #>> '{decision,major}')::bool,
      (i.rec #>> '{decision,complex}')::bool, (i.rec #>> '{decision,social_impact}')::bool,
      (i.rec #>> '{collective_discussion,held_on}')::date, i.rec #>> '{collective_discussion,chair}',
      CASE WHEN jsonb_typeof(i.rec #> '{collective_discussion,attendees}') = 'array' THEN
          ARRAY(SELECT jsonb_array_elements_text(i.rec #> '{collective_discussion,attendees}'))
      END,
      i.rec #>> '{collective_discussion,conclusion}', (i.rec #>> '{collective_discussion,signed}')::bool,
      (i.rec #>> '{hearing,right_notified}')::bool, (i.rec #>> '{hearing,requested_on}')::date,
      (i.rec #>> '{hearing,notice_served_on}')::date, (i.rec #>> '{hearing,held_on}')::date,
      i.rec #>> '{hearing,host_cert_no}', (i.rec #>> '{hearing,waived}')::bool,
      (i.rec #>> '{hearing,record_signed}')::bool,
      (i.rec #>> '{defense,made}')::bool, (i.rec #>> '{defense,reexamined_on}')::date,
      (i.rec #>> '{publication,published_on}')::date, i.rec #>> '{publication,url}',
      i.rec #>> '{publication,document_number}', (i.rec #>> '{publication,withdrawn_on}')::date,
      i.rec #>> '{publication,withdraw_reason}',
      i.rec #>> '{decision_change,kind}', (i.rec #>> '{decision_change,on}')::date,
      (i.rec #>> '{archive,archived_on}')::date, i.rec #>> '{archive,retention}',
      i.rec
      FROM unnest(v_sids, v_srecs) AS s(id, rec)
      CROSS JOIN LATERAL (SELECT s.id, s.rec, s.rec #>> '{agency,code}' AS code,
                                 (s.rec #>> '{source,version}')::int AS ver) AS i
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
    WHERE c.version < EXCLUDED.version AND c.id = ANY (v_upd);
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows <> cardinality(v_sids) THEN
      RAISE EXCEPTION 'ca_store_cases: a case of the batch was stored concurrently; retry'
        USING ERRCODE = 'serialization_failure';
    END IF;

    -- Agency name as last sent (the last stored record of each agency, in input order). Guarded: an update
    -- that changes nothing takes no lock, so writers of one agency do not serialise on its row.
    UPDATE agencies a SET name = x.name
      FROM (SELECT DISTINCT ON (r.rec #>> '{agency,code}') r.rec #>> '{agency,code}' AS code,
                   r.rec #>> '{agency,name}' AS name
              FROM unnest(v_ords, v_stat) AS i(ord, st)
              JOIN jsonb_array_elements(recs) WITH ORDINALITY AS r(rec, ord) ON r.ord = i.ord
             WHERE i.st IN ('created', 'updated')
             ORDER BY r.rec #>> '{agency,code}', i.ord DESC) x
     WHERE a.code = x.code AND a.name IS DISTINCT FROM x.name;

    IF v_upd IS NOT NULL THEN
      DELETE FROM case_officers        t WHERE t.case_id = ANY (v_upd);
      DELETE FROM case_penalties       t WHERE t.case_id = ANY (v_upd);
      DELETE FROM case_events          t WHERE t.case_id = ANY (v_upd);
      DELETE FROM case_event_officers  t WHERE t.case_id = ANY (v_upd);
      DELETE FROM case_event_documents t WHERE t.case_id = ANY (v_upd);
      DELETE FROM case_documents       t WHERE t.case_id = ANY (v_upd);
      DELETE FROM case_recordings      t WHERE t.case_id = ANY (v_upd);
      DELETE FROM case_services        t WHERE t.case_id = ANY (v_upd);
      DELETE FROM case_legal_reviews   t WHERE t.case_id = ANY (v_upd);
      DELETE FROM case_extensions      t WHERE t.case_id = ANY (v_upd);
      DELETE FROM case_suspensions     t WHERE t.case_id = ANY (v_upd);
      DELETE FROM case_archive_catalog t WHERE t.case_id = ANY (v_upd);
    END IF;

    -- Child rows: one INSERT per table for the whole batch. Arrays go through jsonb_array_elements WITH
    -- ORDINALITY (ord = 1-based position in the source array) and each object element through jsonb_to_record,
    -- whose column list converts types (dates, instants, bools, numbers, string arrays to text[]).
    -- ca_jarr / ca_jobj turn JSON null into "no rows" / NULL; non-object elements are skipped.
    INSERT INTO case_officers (case_id, ord, name, cert_no, cert_valid_from, cert_valid_until, role)
    SELECT i.id, e.ord, x.name, x.cert_no, x.cert_valid_from, x.cert_valid_until, x.role
    FROM unnest(v_sids, v_srecs) AS i(id, rec)
    CROSS JOIN LATERAL jsonb_array_elements(ca_jarr(i.rec -> 'officers')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v))
        AS x(name text, cert_no text, cert_valid_from date, cert_valid_until date, role text)
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_penalties (case_id, notified, ord, kind, amount)
    SELECT i.id, p.notified, e.ord, x.kind, x.amount
    FROM unnest(v_sids, v_srecs) AS i(id, rec)
    CROSS JOIN LATERAL (VALUES (false, i.rec #> '{decision,penalties}'),
                 (true,  i.rec #> '{decision,notified_penalties}')) AS p(notified, arr)
    CROSS JOIN LATERAL jsonb_array_elements(ca_jarr(p.arr)) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v)) AS x(kind text, amount numeric)
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_events (case_id, event_id, ord, type, started_at, ended_at, no_av_reason)
    SELECT i.id, x.id, e.ord, x.type, x.started_at, x.ended_at, x.no_av_reason
    FROM unnest(v_sids, v_srecs) AS i(id, rec)
    CROSS JOIN LATERAL jsonb_array_elements(ca_jarr(i.rec -> 'events')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v))
        AS x(id text, type text, started_at timestamptz, ended_at timestamptz, no_av_reason text)
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_event_officers (case_id, event_id, ord, cert_no)
    SELECT i.id, e.v ->> 'id', o.ord, o.cert_no
    FROM unnest(v_sids, v_srecs) AS i(id, rec)
    CROSS JOIN LATERAL jsonb_array_elements(ca_jarr(i.rec -> 'events')) AS e(v)
    CROSS JOIN LATERAL jsonb_array_elements_text(ca_jarr(e.v -> 'officers')) WITH ORDINALITY AS o(cert_no, ord)
    WHERE o.cert_no IS NOT NULL;

    INSERT INTO case_event_documents (case_id, event_id, ord, document_ref)
    SELECT i.id, e.v ->> 'id', r.ord, r.document_ref
    FROM unnest(v_sids, v_srecs) AS i(id, rec)
    CROSS JOIN LATERAL jsonb_array_elements(ca_jarr(i.rec -> 'events')) AS e(v)
    CROSS JOIN LATERAL jsonb_array_elements_text(ca_jarr(e.v -> 'document_refs')) WITH ORDINALITY AS r(document_ref, ord)
    WHERE r.document_ref IS NOT NULL;

    INSERT INTO case_documents (case_id, doc_id, ord, type, number, issued_on, pages, seal,
                                signed_officers, party_signature, witness, approver, fields)
    SELECT i.id, x.id, e.ord, x.type, x.number, x.issued_on, x.pages, x.seal,
             s.officers, s.party, s.witness, s.approver, coalesce(ca_jobj(x.fields), '{}')
    FROM unnest(v_sids, v_srecs) AS i(id, rec)
    CROSS JOIN LATERAL jsonb_array_elements(ca_jarr(i.rec -> 'documents')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v))
        AS x(id text, type text, number text, issued_on date, pages int, seal bool,
             signatures jsonb, fields jsonb)
    LEFT JOIN LATERAL jsonb_to_record(ca_jobj(x.signatures))
        AS s(officers text[], party text, witness bool, approver text) ON true
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_recordings (case_id, recording_id, ord, event_ref, started_at, ended_at, device_id,
                                 officer_cert_no, sha256, uri, interruption_note)
    SELECT i.id, x.id, e.ord, x.event_ref, x.started_at, x.ended_at, x.device_id,
             x.officer_cert_no, x.sha256, x.uri, x.interruption_note
    FROM unnest(v_sids, v_srecs) AS i(id, rec)
    CROSS JOIN LATERAL jsonb_array_elements(ca_jarr(i.rec -> 'recordings')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v))
        AS x(id text, event_ref text, started_at timestamptz, ended_at timestamptz, device_id text,
             officer_cert_no text, sha256 text, uri text, interruption_note text)
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_services (case_id, ord, document_ref, method, served_on, witness, recording_ref,
                               tracking_no, consent, announced_on)
    SELECT i.id, e.ord, x.document_ref, x.method, x.served_on, x.witness, x.recording_ref,
             x.tracking_no, x.consent, x.announced_on
    FROM unnest(v_sids, v_srecs) AS i(id, rec)
    CROSS JOIN LATERAL jsonb_array_elements(ca_jarr(i.rec -> 'services')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v))
        AS x(document_ref text, method text, served_on date, witness bool, recording_ref text,
               tracking_no text, consent bool, announced_on date)
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_legal_reviews (case_id, ord, reviewer_name, reviewer_cert_no, reviewer_qualified,
                                reviewer_first_review_on, submitted_on, reviewed_on, opinion, comments)
    SELECT i.id, e.ord, r.name, r.cert_no, r.qualified, r.first_review_on,
             x.submitted_on, x.reviewed_on, x.opinion, x.comments
    FROM unnest(v_sids, v_srecs) AS i(id, rec)
    CROSS JOIN LATERAL jsonb_array_elements(ca_jarr(i.rec -> 'legal_reviews')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v))
        AS x(reviewer jsonb, submitted_on date, reviewed_on date, opinion text, comments text)
    LEFT JOIN LATERAL jsonb_to_record(ca_jobj(x.reviewer))
        AS r(name text, cert_no text, qualified bool, first_review_on date) ON true
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_extensions (case_id, ord, kind, approved_on, days)
    SELECT i.id, e.ord, x.kind, x.approved_on, x.days
    FROM unnest(v_sids, v_srecs) AS i(id, rec)
    CROSS JOIN LATERAL jsonb_array_elements(ca_jarr(i.rec -> 'extensions')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v)) AS x(kind text, approved_on date, days int)
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_suspensions (case_id, ord, kind, from_on, to_on)
    SELECT i.id, e.ord, x.kind, x."from", x."to"
    FROM unnest(v_sids, v_srecs) AS i(id, rec)
    CROSS JOIN LATERAL jsonb_array_elements(ca_jarr(i.rec -> 'suspensions')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v)) AS x(kind text, "from" date, "to" date)
    WHERE jsonb_typeof(e.v) = 'object';

    INSERT INTO case_archive_catalog (case_id, ord, seq, document_ref, title, page_from, page_to)
    SELECT i.id, e.ord, x.seq, x.document_ref, x.title, x.page_from, x.page_to
    FROM unnest(v_sids, v_srecs) AS i(id, rec)
    CROSS JOIN LATERAL jsonb_array_elements(ca_jarr(i.rec #> '{archive,catalog}')) WITH ORDINALITY AS e(v, ord)
    CROSS JOIN LATERAL jsonb_to_record(ca_jobj(e.v))
        AS x(seq int, document_ref text, title text, page_from int, page_to int)
    WHERE jsonb_typeof(e.v) = 'object';
  END IF;

  RETURN QUERY SELECT x.ord, x.id, x.st, x.ver, x.prev FROM unnest(v_ords, v_ids, v_stat, v_ver, v_old)
                 AS x(ord, id, st, ver, prev) ORDER BY x.ord;
END;
$$;

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
-- REPEATABLE READ or SERIALIZABLE the loser gets SQLSTATE 40001 instead, which the transaction runner retries. A
-- duplicate source id within one case (two documents "D1") is a 23505 unique_violation: the call fails and writes
-- nothing. A case record stored alone: ca_store_cases() of a one-record array.
CREATE OR REPLACE FUNCTION ca_store_case(rec jsonb)
    RETURNS TABLE (case_id uuid, status text, version int, stored_version int)
    LANGUAGE sql AS $$
  SELECT s.case_id, s.status, s.version, s.stored_version FROM ca_store_cases(jsonb_build_array(rec)) s
$$;

-- recs: a JSON array of case records (already validated by caseauditd). Returns one row per element, in input
-- order (ord from 1). The whole batch is stored by ca_store_cases() in one subtransaction; if the database refuses
-- any of it, the batch is stored again record by record, each in its own subtransaction (a savepoint), so that one
-- failing record never undoes its neighbours and is reported alone. A deadlock or serialization failure is
-- re-raised so that the caller retries the whole batch.
-- When p_pack is given, the stored (created or updated) cases are evaluated by that rule pack as of today in the
-- same transaction. Every stored case gets a case_upserted change.
CREATE OR REPLACE FUNCTION ca_store_batch(recs jsonb, p_pack text DEFAULT NULL)
    RETURNS TABLE (ord int, case_id uuid, status text, version int, stored_version int, error text)
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  r record;
  s record;
  v_stored uuid[];
  a_ord int[] := '{}';
  a_id uuid[] := '{}';
  a_status text[] := '{}';
  a_ver int[] := '{}';
  a_sv int[] := '{}';
  a_err text[] := '{}';
  v_whole bool := true;
BEGIN
  BEGIN
    SELECT array_agg(x.ord ORDER BY x.ord), array_agg(x.case_id ORDER BY x.ord), array_agg(x.status ORDER BY x.ord),
           array_agg(x.version ORDER BY x.ord), array_agg(x.stored_version ORDER BY x.ord),
           array_agg(NULL::text ORDER BY x.ord)
      INTO a_ord, a_id, a_status, a_ver, a_sv, a_err
      FROM ca_store_cases(recs) x;
  EXCEPTION
    WHEN deadlock_detected OR serialization_failure THEN RAISE;
    WHEN OTHERS THEN v_whole := false;
  END;

  IF NOT v_whole THEN
    a_ord := '{}'; a_id := '{}'; a_status := '{}'; a_ver := '{}'; a_sv := '{}'; a_err := '{}';
    FOR r IN
      SELECT e.ord::int AS ord, e.rec, ca_case_id(e.rec #>> '{agency,code}', e.rec ->> 'case_no') AS cid
        FROM jsonb_array_elements(recs) WITH ORDINALITY AS e(rec, ord)
       ORDER BY cid, e.ord      -- the lock order of ca_store_cases(): id
    LOOP
      BEGIN
        SELECT * INTO s FROM ca_store_cases(jsonb_build_array(r.rec));
        a_ord := a_ord || r.ord; a_id := a_id || s.case_id; a_status := a_status || s.status;
        a_ver := a_ver || s.version; a_sv := a_sv || s.stored_version; a_err := a_err || NULL::text;
      EXCEPTION
        WHEN deadlock_detected OR serialization_failure THEN RAISE;
        WHEN OTHERS THEN
          a_ord := a_ord || r.ord; a_id := a_id || r.cid; a_status := a_status || 'error'::text;
          a_ver := a_ver || NULL::int; a_sv := a_sv || NULL::int; a_err := a_err || SQLERRM;
      END;
    END LOOP;
  END IF;

  INSERT INTO changes (case_id, kind, data)
  SELECT x.id, 'case_upserted',
         jsonb_build_object('status', x.st, 'version', x.ver, 'agency', e.rec #>> '{agency,code}',
                            'case_no', e.rec ->> 'case_no')
    FROM unnest(a_ord, a_id, a_status, a_ver) AS x(ord, id, st, ver)
    JOIN jsonb_array_elements(recs) WITH ORDINALITY AS e(rec, ord) ON e.ord = x.ord
   WHERE x.st IN ('created', 'updated')
   ORDER BY x.ord;
  SELECT array_agg(x.id) INTO v_stored
    FROM unnest(a_id, a_status) AS x(id, st) WHERE x.st IN ('created', 'updated');

  -- new data: the next audit must run every rule on these cases, whatever evaluated them before
  IF v_stored IS NOT NULL THEN
    UPDATE cases SET evaluated_pack = NULL WHERE id = ANY (v_stored) AND evaluated_pack IS NOT NULL;
    IF p_pack IS NOT NULL THEN
      PERFORM ca_evaluate(p_pack, v_stored, current_date);
    END IF;
  END IF;
  RETURN QUERY SELECT x.ord, x.id, x.st, x.ver, x.sv, x.err
                 FROM unnest(a_ord, a_id, a_status, a_ver, a_sv, a_err) AS x(ord, id, st, ver, sv, err)
                ORDER BY x.ord;
END;
$$;

-- A case as the API shows it (with_record adds the record as received).
CREATE OR REPLACE FUNCTION ca_case_json(p_case uuid, with_record bool) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
           'id', c.id, 'agency', c.agency_code, 'agency_name', ca_agency_name(c.agency_code),
           'case_no', c.case_no, 'version', c.version,
           'score', c.score, 'grade', c.grade,
           'received_at', to_char(c.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'updated_at', to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'findings', ca_case_findings_json(c.id))
         || CASE WHEN with_record THEN jsonb_build_object('record', c.record) ELSE '{}'::jsonb END
    FROM cases c WHERE c.id = p_case
$$;
