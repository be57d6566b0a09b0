-- 0007_rules_review_archive.sql: in progress (placeholder until the rules are written).
CREATE FUNCTION ca_collect_hits_review_archive(p_pack text, p_rules jsonb, p_ids uuid[], p_as_of date, p_only text[])
    RETURNS void LANGUAGE plpgsql AS $$ BEGIN RETURN; END $$;
