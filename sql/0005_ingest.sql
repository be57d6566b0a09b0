-- 0005: the ingest entry point: a batch of validated case records stored in one transaction, each record
-- isolated in its own subtransaction (a savepoint), so that one failing record never undoes its neighbours.

-- recs: a JSON array of case records (already validated by caseauditd). Returns one row per element, in input
-- order (ord from 1). Records are stored in case-id order (then input order) so that two batches touching the
-- same cases lock them in the same order and cannot deadlock each other. A deadlock or serialization failure is
-- re-raised so that the caller retries the whole batch; any other error is reported for its record alone.
-- When p_pack is given, the stored (created or updated) cases are evaluated by that rule pack as of today in the
-- same transaction, and each gets a case_upserted change.
CREATE FUNCTION ca_store_batch(recs jsonb, p_pack text DEFAULT NULL)
    RETURNS TABLE (ord int, case_id uuid, status text, version int, stored_version int, error text)
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  r record;
  s record;
  v_stored uuid[] := '{}';
  -- the outcomes, returned after the evaluation (which needs every record stored first)
  a_ord int[] := '{}';
  a_id uuid[] := '{}';
  a_status text[] := '{}';
  a_ver int[] := '{}';
  a_sv int[] := '{}';
  a_err text[] := '{}';
BEGIN
  FOR r IN
    SELECT e.ord::int AS ord, e.rec,
           ca_case_id(e.rec #>> '{agency,code}', e.rec ->> 'case_no') AS cid
      FROM jsonb_array_elements(recs) WITH ORDINALITY AS e(rec, ord)
     ORDER BY cid, e.ord
  LOOP
    BEGIN
      SELECT * INTO s FROM ca_store_case(r.rec);
      a_ord := a_ord || r.ord; a_id := a_id || s.case_id; a_status := a_status || s.status;
      a_ver := a_ver || s.version; a_sv := a_sv || s.stored_version; a_err := a_err || NULL::text;
      IF s.status IN ('created', 'updated') THEN
        v_stored := v_stored || s.case_id;
        INSERT INTO changes (case_id, kind, data)
        VALUES (s.case_id, 'case_upserted', jsonb_build_object('status', s.status, 'version', s.version,
                                                               'agency', r.rec #>> '{agency,code}',
                                                               'case_no', r.rec ->> 'case_no'));
      END IF;
    EXCEPTION
      WHEN deadlock_detected OR serialization_failure THEN RAISE;
      WHEN OTHERS THEN
        a_ord := a_ord || r.ord; a_id := a_id || r.cid; a_status := a_status || 'error'::text;
        a_ver := a_ver || NULL::int; a_sv := a_sv || NULL::int; a_err := a_err || SQLERRM;
    END;
  END LOOP;
  -- new data: the next audit must run every rule on these cases, whatever evaluated them before
  UPDATE cases SET evaluated_pack = NULL WHERE id = ANY (v_stored) AND evaluated_pack IS NOT NULL;
  IF p_pack IS NOT NULL AND cardinality(v_stored) > 0 THEN
    PERFORM ca_evaluate(p_pack, v_stored, current_date);
  END IF;
  FOR i IN 1 .. coalesce(cardinality(a_ord), 0) LOOP
    ord := a_ord[i]; case_id := a_id[i]; status := a_status[i]; version := a_ver[i];
    stored_version := a_sv[i]; error := a_err[i];
    RETURN NEXT;
  END LOOP;
END;
$$;

-- A case as the API shows it (with_record adds the record as received).
CREATE FUNCTION ca_case_json(p_case uuid, with_record bool) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
           'id', c.id, 'agency', c.agency_code, 'case_no', c.case_no, 'version', c.version,
           'score', c.score, 'grade', c.grade,
           'received_at', to_char(c.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'updated_at', to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'findings', ca_case_findings_json(c.id))
         || CASE WHEN with_record THEN jsonb_build_object('record', c.record) ELSE '{}'::jsonb END
    FROM cases c WHERE c.id = p_case
$$;
