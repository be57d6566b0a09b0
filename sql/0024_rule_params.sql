-- 0024: a rule's parameters are read from a small row of their own, not out of the whole pack.
--
-- ca_rule_params (0004) read rule_packs.body -> 'rules' -> rule: every call detoasted the whole pack (all 34 rules
-- with their texts), 0.25-0.5 ms. The rules call it in a one-row subquery (0006-0009: "OFFSET 0) k") meant to run
-- once per query, but when the planner puts that subquery on the inner side of a nested loop, which it does for
-- small sets of cases, it runs once per outer row: P01 over the 180 cases a nightly audit chunk still needs
-- (sql/0023) called it 166 times, 118 ms of P01's 120. Each pack's parameters are now kept per rule in
-- rule_pack_params, filled by a trigger when a pack is registered; a call is one primary-key lookup of a few
-- hundred bytes. The result is unchanged, including for a rule the pack does not have (empty parameter sets).

CREATE TABLE rule_pack_params (
  pack_id text NOT NULL REFERENCES rule_packs (id) ON DELETE CASCADE,
  rule_id text NOT NULL,
  params  jsonb NOT NULL,   -- {"default": {...}, "profiles": {...}, "agencies": {...}}, as ca_rule_params returns
  PRIMARY KEY (pack_id, rule_id)
);

CREATE FUNCTION ca_rule_pack_params_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM rule_pack_params WHERE pack_id = NEW.id;
  INSERT INTO rule_pack_params (pack_id, rule_id, params)
  SELECT NEW.id, r.key, jsonb_build_object('default', coalesce(r.value -> 'params', '{}'),
                                           'profiles', coalesce(r.value -> 'profiles', '{}'),
                                           'agencies', coalesce(r.value -> 'agencies', '{}'))
    FROM jsonb_each(NEW.body -> 'rules') r;
  RETURN NULL;
END;
$$;

CREATE TRIGGER rule_packs_params AFTER INSERT OR UPDATE OF body ON rule_packs
    FOR EACH ROW EXECUTE FUNCTION ca_rule_pack_params_fill();

UPDATE rule_packs SET body = body;  -- fills rule_pack_params for the packs already registered

-- VOLATILE for the reason given in 0004 (no pull-up into the calling query).
CREATE OR REPLACE FUNCTION ca_rule_params(p_pack text, p_rule text) RETURNS jsonb
    LANGUAGE sql VOLATILE AS $$
  SELECT coalesce(pp.params, '{"default": {}, "profiles": {}, "agencies": {}}'::jsonb)
    FROM rule_packs p
    LEFT JOIN rule_pack_params pp ON pp.pack_id = p.id AND pp.rule_id = p_rule
   WHERE p.id = p_pack
$$;
