-- rules/D16/rule.sql: the one definition of rule D16 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- D16: record documents are signed -----------------------------------------------------------------------------
-- error, one row per inquiry_record, inspection_record, on_site_record or hearing_record that
--   - has fewer than 2 distinct officer signatures (signatures.officers) that are officers of the case (cert_no in
--     officers[]); a certificate number not on the case does not count and is named in the evidence; or
--   - lacks the party's signature: party must be 'signed', or 'refused' / 'absent' with witness = true
--     (absent, null, 'not_required', or a refusal or absence without a witness fail).
-- Rewritten in sql/0017: 0009's first version (git history) counted the officer signatures of every record document
-- with DISTINCT aggregates over its unnested array (two sorts per document). Here the documents and the officers of
-- the set are read once (case_id = ANY), and a document whose party signature is in order and whose first two officer
-- signatures are two distinct numbers of the case's officers passes without counting (it has at least the 2
-- required); only the others are counted, as in 0009.
CREATE OR REPLACE FUNCTION ca_rule_d16(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH off AS (   -- the case's certificate numbers (not blank), as 0009
    SELECT o.case_id, array_agg(o.cert_no) AS certs
      FROM case_officers o
     WHERE o.case_id = ANY (p_ids) AND NOT ca_blank(o.cert_no)
     GROUP BY o.case_id
  ), doc AS (      -- the record documents of the set, party_ok as 0009; screened: the party's signature is in
                  -- order and the first two officer signatures are two distinct certificates of the case (then
                  -- at least 2 count; a number of the case is not blank)
    SELECT d.case_id, d.doc_id, d.type, d.party_signature, d.witness, d.signed_officers, off.certs,
           d.party_signature IS NOT DISTINCT FROM 'signed'
             OR (d.party_signature IN ('refused', 'absent') AND d.witness IS TRUE) AS party_ok,
           coalesce(d.signed_officers[1] <> d.signed_officers[2]
                    AND d.signed_officers[1] = ANY (off.certs) AND d.signed_officers[2] = ANY (off.certs), false)
             AS two_ok
      FROM case_documents d
      LEFT JOIN off ON off.case_id = d.case_id
     WHERE d.case_id = ANY (p_ids)
       AND d.type IN ('inquiry_record', 'inspection_record', 'on_site_record', 'hearing_record')
  ), chk AS (     -- the others (a few): the signatures counted as in 0009
    SELECT d.case_id, d.doc_id, d.type, d.party_signature, d.witness,
           coalesce(d.signed_officers, '{}') AS signed, sg.n_ok, sg.strangers, d.party_ok
      FROM doc d
      CROSS JOIN LATERAL (
        SELECT count(DISTINCT s) FILTER (WHERE s = ANY (d.certs)) AS n_ok,
               array_agg(DISTINCT s) FILTER (WHERE NOT coalesce(s = ANY (d.certs), false)) AS strangers
          FROM unnest(d.signed_officers) AS s
         WHERE NOT ca_blank(s)) sg
     WHERE NOT (d.party_ok AND d.two_ok)
  )
  SELECT k.case_id, k.doc_id, 'error', false,
         jsonb_build_object(
           'document_id', k.doc_id, 'document_type', k.type, 'document_name', ca_dc_doc_name(k.type),
           'officer_signatures', to_jsonb(k.signed), 'officers_counted', k.n_ok,
           'not_case_officers', to_jsonb(coalesce(k.strangers, '{}')),
           'party_signature', k.party_signature, 'witness', k.witness,
           'problems_zh', array_to_string(ARRAY[
               CASE WHEN k.n_ok < 2 THEN '本案执法人员签名不足2人（' || k.n_ok || '人'
                    || CASE WHEN k.strangers IS NOT NULL
                            THEN '；' || array_to_string(k.strangers, '、') || '不是本案执法人员' ELSE '' END
                    || '）' END,
               CASE WHEN NOT k.party_ok THEN
                 CASE k.party_signature
                   WHEN 'refused' THEN '当事人拒绝签名，但无见证人签名'
                   WHEN 'absent' THEN '当事人不在场，但无见证人签名'
                   WHEN 'not_required' THEN '当事人签名栏标注为无需签名，笔录应由当事人签名'
                   ELSE '无当事人签名' END END], '；'),
           'problems_en', array_to_string(ARRAY[
               CASE WHEN k.n_ok < 2 THEN k.n_ok || ' officer signature(s) of the case, 2 required'
                    || CASE WHEN k.strangers IS NOT NULL
                            THEN ' (not officers of the case: ' || array_to_string(k.strangers, ', ') || ')'
                            ELSE '' END END,
               CASE WHEN NOT k.party_ok THEN
                 CASE k.party_signature
                   WHEN 'refused' THEN 'the party refused to sign and no witness signed'
                   WHEN 'absent' THEN 'the party was absent and no witness signed'
                   WHEN 'not_required' THEN 'party signature marked not required on a record'
                   ELSE 'no party signature' END END], '; '))
    FROM chk k
   WHERE k.n_ok < 2 OR NOT k.party_ok
$$;
