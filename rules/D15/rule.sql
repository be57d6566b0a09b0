-- rules/D15/rule.sql: the one definition of rule D15 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- D15: a party name normalised for comparison: full-width ASCII forms to half-width, every kind of bracket to
-- ( and ), the middle-dot variants of transliterated names to ·, white space (ASCII, no-break, ideographic,
-- zero-width) removed. Letter case is kept: the contract normalises width, brackets and spaces only.
CREATE OR REPLACE FUNCTION ca_dc_norm_name(s text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(s,
    '！＂＃＄％＆＇＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ＼＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｜～'
    || '（［【〔〖｛{[）］】〕〗｝}]' || '•・･‧⋅' || E' \t\r\n\u00a0\u3000\u200b\u2002\u2003\u2009\ufeff',
    '!"#$%&''*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ\^_`abcdefghijklmnopqrstuvwxyz|~'
    || '(((((((())))))))' || '·····')
$$;

-- ---- D15: the party's name is the same on every document ----------------------------------------------------------
-- warning, one row per document whose fields.party_name (not blank) differs from the case's party.name after
-- ca_dc_norm_name (width, brackets, middle dots, white space). The case's party.name is the reference; a case with
-- a blank party.name is skipped. Byte-equal names skip the normalisation (the common case costs one comparison).
-- Same findings as 0009's D15. 0009's single join read all of case_documents (a hash join whose scan computed
-- fields ->> 'party_name' and its blank test for every document of every case, whatever the id set); here the
-- documents of the set are read by case_id = ANY, hash-joined to their case, and only the documents whose name is
-- not byte-equal to the case's (a few) are tested for blank and normalised. The MATERIALIZED CTE keeps the blank
-- test from being pushed down to every document.
CREATE OR REPLACE FUNCTION ca_rule_d15(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH ne AS MATERIALIZED (
    SELECT d.case_id, d.doc_id, d.type, d.fields ->> 'party_name' AS name_on_document, c.party_name
      FROM case_documents d
      JOIN cases c ON c.id = d.case_id
     WHERE d.case_id = ANY (p_ids) AND c.id = ANY (p_ids)
       AND d.fields ->> 'party_name' <> c.party_name
  )
  SELECT ne.case_id, ne.doc_id, 'warning', false,
         jsonb_build_object(
           'document_id', ne.doc_id, 'document_type', ne.type, 'document_name', ca_dc_doc_name(ne.type),
           'name_on_document', ne.name_on_document, 'party_name', ne.party_name)
    FROM ne
   WHERE NOT ca_blank(ne.party_name)
     AND NOT ca_blank(ne.name_on_document)
     AND ca_dc_norm_name(ne.name_on_document) <> ca_dc_norm_name(ne.party_name)
$$;
