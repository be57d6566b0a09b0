-- 0012: batch audits: the record of each run, and one chunk of an audit as a single set-based call.

-- One row per audit run (CLI or API). Reference-like (small).
CREATE TABLE audit_runs (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agency_code   text,                      -- NULL: every agency
  as_of         date NOT NULL,
  pack_id       text NOT NULL REFERENCES rule_packs (id),
  pack_version  text NOT NULL,
  status        text NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
  holder        text NOT NULL,             -- who runs it: "caseaudit on HOST pid N" or "caseauditd on HOST pid N"
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  cases_total   bigint NOT NULL DEFAULT 0,
  cases_done    bigint NOT NULL DEFAULT 0,
  cases_full    bigint NOT NULL DEFAULT 0, -- evaluated by every rule (new data or a new pack)
  opened        bigint NOT NULL DEFAULT 0,
  resolved      bigint NOT NULL DEFAULT 0,
  reopened      bigint NOT NULL DEFAULT 0,
  changed       bigint NOT NULL DEFAULT 0,
  unchanged     bigint NOT NULL DEFAULT 0,
  drift_cases   bigint NOT NULL DEFAULT 0, -- cases whose findings changed under a new rule pack, not a new date
  drift         jsonb NOT NULL DEFAULT '{}', -- {"rule": number of cases}
  last_case_id  uuid,
  error         text
);
CREATE INDEX audit_runs_scope_idx ON audit_runs (agency_code, id);

-- The time-dependent and cross-case rules of a pack: what an unchanged case needs re-checking on a new date.
CREATE FUNCTION ca_pack_dynamic_rules(p_pack text) RETURNS text[]
    LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(r.key ORDER BY r.key), '{}')
    FROM rule_packs p, jsonb_each(p.body -> 'rules') r
   WHERE p.id = p_pack
     AND (coalesce((r.value ->> 'time_dependent')::bool, false) OR coalesce((r.value ->> 'cross_case')::bool, false))
$$;

-- Audits the cases p_ids (one chunk) and adds the outcome to run p_run, in the caller's transaction:
--   cases last evaluated by this pack: only the pack's time-dependent and cross-case rules (their data has not
--   changed since: every change of data goes through ingest, which evaluates every rule);
--   other cases (never evaluated, or by another pack): every rule. Their transitions in rules that do not depend on
--   the date are drift: the findings changed because the pack changed.
CREATE FUNCTION ca_audit_chunk(p_run bigint, p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (opened int, resolved int, reopened int, changed int, unchanged int, drift_cases int)
    LANGUAGE plpgsql AS $$
#variable_conflict use_variable
DECLARE
  v_full uuid[];
  v_repack uuid[];
  v_incr uuid[];
  v_dynamic text[] := ca_pack_dynamic_rules(p_pack);
  r record;
  v_drift jsonb;
BEGIN
  opened := 0; resolved := 0; reopened := 0; changed := 0; unchanged := 0; drift_cases := 0;
  SELECT coalesce(array_agg(id) FILTER (WHERE evaluated_pack IS DISTINCT FROM p_pack), '{}'),
         coalesce(array_agg(id) FILTER (WHERE evaluated_pack IS NOT NULL AND evaluated_pack <> p_pack), '{}'),
         coalesce(array_agg(id) FILTER (WHERE evaluated_pack = p_pack), '{}')
    INTO v_full, v_repack, v_incr
    FROM cases WHERE id = ANY (p_ids);
  IF cardinality(v_full) > 0 THEN
    SELECT * INTO r FROM ca_evaluate(p_pack, v_full, p_as_of);
    opened := opened + r.opened; resolved := resolved + r.resolved; reopened := reopened + r.reopened;
    changed := changed + r.changed; unchanged := unchanged + r.unchanged;
  END IF;
  IF cardinality(v_incr) > 0 AND cardinality(v_dynamic) > 0 THEN
    SELECT * INTO r FROM ca_evaluate(p_pack, v_incr, p_as_of, v_dynamic);
    opened := opened + r.opened; resolved := resolved + r.resolved; reopened := reopened + r.reopened;
    changed := changed + r.changed; unchanged := unchanged + r.unchanged;
    UPDATE cases SET evaluated_as_of = p_as_of WHERE id = ANY (v_incr);
  END IF;
  -- drift: transitions written by this transaction, for re-packed cases, in rules that do not depend on the date
  SELECT count(DISTINCT ch.case_id) INTO drift_cases
    FROM changes ch
   WHERE ch.xid = pg_current_xact_id() AND ch.case_id = ANY (v_repack)
     AND ch.kind IN ('finding_opened', 'finding_resolved', 'finding_reopened')
     AND NOT (ch.data ->> 'rule' = ANY (v_dynamic));
  SELECT coalesce(jsonb_object_agg(rule, n), '{}') INTO v_drift
    FROM (SELECT ch.data ->> 'rule' AS rule, count(DISTINCT ch.case_id) AS n
            FROM changes ch
           WHERE ch.xid = pg_current_xact_id() AND ch.case_id = ANY (v_repack)
             AND ch.kind IN ('finding_opened', 'finding_resolved', 'finding_reopened')
             AND NOT (ch.data ->> 'rule' = ANY (v_dynamic))
           GROUP BY 1) d;
  UPDATE audit_runs a
     SET cases_done = a.cases_done + cardinality(p_ids), cases_full = a.cases_full + cardinality(v_full),
         opened = a.opened + ca_audit_chunk.opened, resolved = a.resolved + ca_audit_chunk.resolved,
         reopened = a.reopened + ca_audit_chunk.reopened, changed = a.changed + ca_audit_chunk.changed,
         unchanged = a.unchanged + ca_audit_chunk.unchanged, drift_cases = a.drift_cases + ca_audit_chunk.drift_cases,
         drift = (SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM (
                    SELECT k, sum(v::bigint) AS v FROM (
                      SELECT key AS k, value AS v FROM jsonb_each_text(a.drift)
                      UNION ALL SELECT key, value FROM jsonb_each_text(v_drift)) u GROUP BY k) s),
         last_case_id = (SELECT x FROM unnest(p_ids) x ORDER BY x DESC LIMIT 1)
   WHERE a.id = p_run;
  RETURN NEXT;
END;
$$;
