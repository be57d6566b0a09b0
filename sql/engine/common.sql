-- sql/engine/common.sql: Shared helpers of the engine and the rules: case ids, JSON shapes, blank text, message
-- templates, rule parameters. Engine file: one current definition of each function, applied by `caseaudit migrate`
-- after the numbered migrations and again whenever this file changes (its SHA-256 is recorded in schema_engine; see
-- docs/schema.md). CREATE OR REPLACE only: it runs on new databases and on databases that have it already.

-- The case id: a name-based UUID, the 128 bits of MD5(agency_code || 0x1F || case_no) (UTF-8 bytes) written
-- as a UUID; no namespace, version or variant bits are set. 0x1F cannot occur in an agency code
-- (^[A-Za-z0-9._-]{1,64}$), so distinct (agency_code, case_no) pairs hash distinct strings. Because the
-- id is derived from the identity, the primary key on id enforces (agency_code, case_no) uniqueness on a
-- table distributed by id, where a UNIQUE (agency_code, case_no) is impossible.
CREATE OR REPLACE FUNCTION ca_case_id(agency_code text, case_no text) RETURNS uuid
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT md5(agency_code || E'\x1f' || case_no)::uuid $$;

-- JSON null (or any non-array / non-object) as SQL NULL, so that set-returning JSON functions see either
-- a real array / object or nothing. Inlined by the planner.
CREATE OR REPLACE FUNCTION ca_jarr(j jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN jsonb_typeof(j) = 'array' THEN j END $$;

CREATE OR REPLACE FUNCTION ca_jobj(j jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN jsonb_typeof(j) = 'object' THEN j END $$;

-- A string is blank for the rules when it is absent or only white space (full-width space included).
CREATE OR REPLACE FUNCTION ca_blank(s text) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT s IS NULL OR btrim(s, E' \t\r\n\u3000') = '' $$;

-- Fills {name} placeholders of a template from the evidence.
CREATE OR REPLACE FUNCTION ca_render(tpl text, ev jsonb) RETURNS text
    LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  k text;
  v text;
  out text := tpl;
BEGIN
  IF tpl IS NULL OR position('{' IN tpl) = 0 THEN
    RETURN coalesce(tpl, '');
  END IF;
  FOR k, v IN SELECT e.key, CASE jsonb_typeof(e.value) WHEN 'string' THEN e.value #>> '{}'
                                                        WHEN 'array' THEN (SELECT string_agg(x, '、') FROM jsonb_array_elements_text(e.value) x)
                                                        ELSE e.value::text END
                FROM jsonb_each(ev) e LOOP
    out := replace(out, '{' || k || '}', coalesce(v, ''));
  END LOOP;
  RETURN out;
END;
$$;

-- Inlined by the planner (a single expression): a few jsonb lookups per case.
CREATE OR REPLACE FUNCTION ca_param(pp jsonb, p_sector text, p_agency text, p_key text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(pp -> 'agencies' -> p_agency -> p_key, pp -> 'profiles' -> p_sector -> p_key,
                  pp -> 'default' -> p_key)
$$;

-- VOLATILE on purpose, though it only reads: rules call it as (SELECT ca_rule_params(...) AS pp) k or in a CTE, and
-- the planner pulls a STABLE call up into the outer query and evaluates it once per row (each call detoasting the
-- whole pack: 1.4 ms). A volatile call stops that pull-up and CTE inlining, so it runs once per query (measured:
-- A01 over 2,000 cases 13.7 s -> 0.36 s). The parameters are one row of rule_pack_params (sql/0024), not read out
-- of the whole pack.
CREATE OR REPLACE FUNCTION ca_rule_params(p_pack text, p_rule text) RETURNS jsonb
    LANGUAGE sql VOLATILE AS $$
  SELECT coalesce(pp.params, '{"default": {}, "profiles": {}, "agencies": {}}'::jsonb)
    FROM rule_packs p
    LEFT JOIN rule_pack_params pp ON pp.pack_id = p.id AND pp.rule_id = p_rule
   WHERE p.id = p_pack
$$;
