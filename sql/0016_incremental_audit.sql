-- 0016: the nightly (incremental) audit no longer rewrites every unchanged case's row to record the date.
-- cases.evaluated_as_of now means the date of the case's last evaluation by every rule (at ingest, or by an audit
-- after new data or a new rule pack); the date of the last audit of a case is that of the scope's last completed
-- run (audit_runs). Recording it per case cost 28 % of an incremental audit (20,000 cases: 3.4 of 11.9 s), one
-- new version of every case row each night, for a column nothing reads.
-- ca_audit_chunk is 0012's, without that UPDATE.

-- Audits the cases p_ids (one chunk) and adds the outcome to run p_run, in the caller's transaction:
--   cases last evaluated by this pack: only the pack's time-dependent and cross-case rules (their data has not
--   changed since: every change of data goes through ingest, which evaluates every rule);
--   other cases (never evaluated, or by another pack): every rule. Their transitions in rules that do not depend on
--   the date are drift: the findings changed because the pack changed.
CREATE OR REPLACE FUNCTION ca_audit_chunk(p_run bigint, p_pack text, p_ids uuid[], p_as_of date)
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
