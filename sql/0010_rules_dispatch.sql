-- 0010: the engine's dispatcher calls every group of rules (sql/0006..0009); ca_evaluate() calls it.
CREATE OR REPLACE FUNCTION ca_collect_hits(p_pack text, p_rules jsonb, p_ids uuid[], p_as_of date, p_only text[])
    RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ca_collect_hits_publicity_recording(p_pack, p_rules, p_ids, p_as_of, p_only);
  PERFORM ca_collect_hits_review_archive(p_pack, p_rules, p_ids, p_as_of, p_only);
  PERFORM ca_collect_hits_documents_procedure(p_pack, p_rules, p_ids, p_as_of, p_only);
  PERFORM ca_collect_hits_documents_content(p_pack, p_rules, p_ids, p_as_of, p_only);
END;
$$;
