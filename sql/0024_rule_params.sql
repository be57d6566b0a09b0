-- 0024: a rule's parameters are read from a small row of their own, not out of the whole pack.
--
-- ca_rule_params (0004) read rule_packs.body -> 'rules' -> rule: every call detoasted the whole pack (all 34 rules
-- with their texts), 0.25-0.5 ms. The rules call it in a one-row subquery (0006-0009: "OFFSET 0) k") meant to run
-- once per query, but when the planner puts that subquery on the inner side of a nested loop, which it does for
-- small sets of cases, it runs once per outer row: P01 over the 180 cases a nightly audit chunk still needs
-- (sql/0023) called it 166 times, 118 ms of P01's 120. Each pack's parameters are now kept per rule in
-- rule_pack_params, filled by a trigger when a pack is registered; a call is one primary-key lookup of a few
-- hundred bytes. The result is unchanged, including for a rule the pack does not have (empty parameter sets).
--
-- Issue 16 (rule pack v2): the functions this migration defined are now defined once, in sql/engine/*.sql and
-- rules/<ID>/rule.sql, applied after the migrations whenever they change; git history keeps the bodies as they
-- were. This file keeps its tables, indexes and data.

CREATE TABLE rule_pack_params (
  pack_id text NOT NULL REFERENCES rule_packs (id) ON DELETE CASCADE,
  rule_id text NOT NULL,
  params  jsonb NOT NULL,   -- {"default": {...}, "profiles": {...}, "agencies": {...}}, as ca_rule_params returns
  PRIMARY KEY (pack_id, rule_id)
);

-- Filled by the trigger rule_packs_params (sql/engine/evaluate.sql) when a pack is registered; here for the packs
-- already registered, as the trigger's function does.
INSERT INTO rule_pack_params (pack_id, rule_id, params)
SELECT p.id, r.key, jsonb_build_object('default', coalesce(r.value -> 'params', '{}'),
                                       'profiles', coalesce(r.value -> 'profiles', '{}'),
                                       'agencies', coalesce(r.value -> 'agencies', '{}'))
  FROM rule_packs p, jsonb_each(p.body -> 'rules') r;
