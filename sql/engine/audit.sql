-- sql/engine/audit.sql: The batch audit: one chunk of cases per call, with the cases each time-dependent or
-- cross-case rule needs. Engine file: one current definition of each function, applied by `caseaudit migrate` after
-- the numbered migrations and again whenever this file changes (its SHA-256 is recorded in schema_engine; see
-- docs/schema.md). CREATE OR REPLACE only: it runs on new databases and on databases that have it already.

-- The time-dependent and cross-case rules of a pack: what an unchanged case needs re-checking on a new date.
CREATE OR REPLACE FUNCTION ca_pack_dynamic_rules(p_pack text) RETURNS text[]
    LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(r.key ORDER BY r.key), '{}')
    FROM rule_packs p, jsonb_each(p.body -> 'rules') r
   WHERE p.id = p_pack
     AND (coalesce((r.value ->> 'time_dependent')::bool, false) OR coalesce((r.value ->> 'cross_case')::bool, false))
$$;

-- The time-dependent rules of a pack (not the cross-case ones: ca_cross_rules_due below).
CREATE OR REPLACE FUNCTION ca_pack_time_rules(p_pack text) RETURNS text[]
    LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(r.key ORDER BY r.key), '{}')
    FROM rule_packs p, jsonb_each(p.body -> 'rules') r
   WHERE p.id = p_pack
     AND coalesce((r.value ->> 'time_dependent')::bool, false)
     AND NOT coalesce((r.value ->> 'cross_case')::bool, false)
$$;

CREATE OR REPLACE FUNCTION ca_cross_rules_due(p_run bigint, p_ids uuid[], p_rules text[]) RETURNS uuid[]
    LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  v_since xid8;
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(p_rules) r WHERE r <> 'D14') THEN
    RETURN p_ids;
  END IF;
  SELECT p.start_xmin INTO v_since
    FROM audit_runs a
    JOIN audit_runs p ON p.id < a.id AND p.status = 'completed'
                     AND (p.agency_code IS NULL OR p.agency_code IS NOT DISTINCT FROM a.agency_code)
   WHERE a.id = p_run
   ORDER BY p.id DESC LIMIT 1;
  IF v_since IS NULL THEN
    RETURN p_ids;
  END IF;
  RETURN (
  WITH named AS MATERIALIZED (
    SELECT DISTINCT f.agency_code, f.evidence ->> 'number' AS number
      FROM findings f
     WHERE f.rule_id = 'D14' AND f.key <> '' AND f.status <> 'resolved'
  )
  SELECT coalesce(array_agg(DISTINCT x.id ORDER BY x.id), '{}')
    FROM (SELECT f.case_id AS id                                          -- (a)
            FROM findings f
           WHERE f.case_id = ANY (p_ids) AND f.rule_id = 'D14' AND f.status <> 'resolved'
          UNION ALL
          SELECT ch.case_id                                               -- (b)
            FROM changes ch
           WHERE ch.xid >= v_since AND ch.kind = 'case_upserted' AND ch.case_id = ANY (p_ids)
          UNION ALL
          SELECT d.case_id                                                -- (b) the cases it may concern
            FROM (SELECT DISTINCT c.agency_code, d.number
                    FROM changes ch
                    JOIN cases c ON c.id = ch.case_id
                    JOIN case_documents d
                      ON d.case_id = ch.case_id AND d.type IN ('penalty_decision', 'onsite_penalty_decision')
                   WHERE ch.xid >= v_since AND ch.kind = 'case_upserted' AND NOT ca_blank(d.number)) r
            JOIN case_documents d
              ON d.number = r.number AND d.type IN ('penalty_decision', 'onsite_penalty_decision')
            JOIN cases c ON c.id = d.case_id AND c.agency_code = r.agency_code
           WHERE d.case_id = ANY (p_ids)
          UNION ALL
          SELECT d.case_id                                                -- (c)
            FROM named n
            JOIN case_documents d
              ON d.number = n.number AND d.type IN ('penalty_decision', 'onsite_penalty_decision')
            JOIN cases c ON c.id = d.case_id AND c.agency_code = n.agency_code
           WHERE d.case_id = ANY (p_ids)) x);
END;
$$;

-- Audits the cases p_ids (one chunk) and adds the outcome to run p_run, in the caller's transaction:
--   cases last evaluated by this pack: only the pack's time-dependent and cross-case rules (their data has not
--   changed since: every change of data goes through ingest, which evaluates every rule);
--   other cases (never evaluated, or by another pack): every rule. Their transitions in rules that do not depend on
--   the date are drift: the findings changed because the pack changed.
-- 0016's ca_audit_chunk, with the unchanged cases split: the cross-case rules over those ca_cross_rules_due names,
-- the time-dependent rules over those ca_time_rules_due names (whose evaluated_as_of then becomes p_as_of).
-- The rules whose entry differs between two stored packs: changed in any key of rule.json (version, parameters,
-- texts, points...), added, or removed. After a pack change a case last evaluated with p_old needs only these again
-- (and the scores, which ca_evaluate or ca_score_cases recompute under the new pack's standards).
CREATE OR REPLACE FUNCTION ca_pack_changed_rules(p_old text, p_new text) RETURNS text[]
    LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(coalesce(o.key, n.key) ORDER BY coalesce(o.key, n.key)), '{}')
    FROM (SELECT r.key, r.value FROM rule_packs p, jsonb_each(p.body -> 'rules') r WHERE p.id = p_old) o
    FULL JOIN (SELECT r.key, r.value FROM rule_packs p, jsonb_each(p.body -> 'rules') r WHERE p.id = p_new) n
      ON n.key = o.key
   WHERE o.value IS DISTINCT FROM n.value
$$;

-- One chunk of a batch audit. A case never evaluated (or whose pack is no longer stored) gets every rule
-- (cases_full). A case last evaluated with another stored pack gets the rules that changed between the two packs
-- (ca_pack_changed_rules; none: its scores only), and is then treated as unchanged: the time-dependent and
-- cross-case rules for the cases whose verdict in them can have changed. So changing one rule re-runs that rule,
-- not the pack; `caseaudit audit --full` still runs everything (a rule whose SQL changed without a new version).
CREATE OR REPLACE FUNCTION ca_audit_chunk(p_run bigint, p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (opened int, resolved int, reopened int, changed int, unchanged int, drift_cases int)
    LANGUAGE plpgsql SET random_page_cost = 1.1 AS $$
#variable_conflict use_variable
DECLARE
  v_full uuid[];
  v_repack uuid[];
  v_incr uuid[];
  v_due uuid[];
  v_dynamic text[] := ca_pack_dynamic_rules(p_pack);
  v_time text[] := ca_pack_time_rules(p_pack);
  v_cross text[];
  v_changed text[];
  r record;
  e record;
  v_drift jsonb;
BEGIN
  opened := 0; resolved := 0; reopened := 0; changed := 0; unchanged := 0; drift_cases := 0;
  SELECT coalesce(array_agg(x) FILTER (WHERE NOT (x = ANY (v_time))), '{}') INTO v_cross
    FROM unnest(v_dynamic) x;
  SELECT coalesce(array_agg(c.id) FILTER (WHERE p.id IS NULL), '{}'),
         coalesce(array_agg(c.id) FILTER (WHERE p.id IS NOT NULL AND c.evaluated_pack <> p_pack), '{}'),
         coalesce(array_agg(c.id) FILTER (WHERE c.evaluated_pack = p_pack), '{}')
    INTO v_full, v_repack, v_incr
    FROM cases c LEFT JOIN rule_packs p ON p.id = c.evaluated_pack
   WHERE c.id = ANY (p_ids);
  IF cardinality(v_full) > 0 THEN
    SELECT * INTO r FROM ca_evaluate(p_pack, v_full, p_as_of);
    opened := opened + r.opened; resolved := resolved + r.resolved; reopened := reopened + r.reopened;
    changed := changed + r.changed; unchanged := unchanged + r.unchanged;
  END IF;
  -- re-packed cases, per pack they were evaluated with: the changed rules, then the new pack is theirs
  FOR r IN SELECT c.evaluated_pack AS pack, array_agg(c.id) AS ids FROM cases c
            WHERE c.id = ANY (v_repack) GROUP BY c.evaluated_pack LOOP
    v_changed := ca_pack_changed_rules(r.pack, p_pack);
    IF cardinality(v_changed) > 0 THEN
      SELECT * INTO e FROM ca_evaluate(p_pack, r.ids, p_as_of, v_changed);
      opened := opened + e.opened; resolved := resolved + e.resolved; reopened := reopened + e.reopened;
      changed := changed + e.changed; unchanged := unchanged + e.unchanged;
    ELSE
      PERFORM ca_score_cases(r.ids, (SELECT body -> 'grading' FROM rule_packs WHERE id = p_pack));
    END IF;
    UPDATE cases SET evaluated_pack = p_pack WHERE id = ANY (r.ids);
  END LOOP;
  v_incr := v_incr || v_repack;
  IF cardinality(v_incr) > 0 AND cardinality(v_cross) > 0 THEN
    v_due := ca_cross_rules_due(p_run, v_incr, v_cross);
    IF cardinality(v_due) > 0 THEN
      SELECT * INTO r FROM ca_evaluate(p_pack, v_due, p_as_of, v_cross);
      opened := opened + r.opened; resolved := resolved + r.resolved; reopened := reopened + r.reopened;
      changed := changed + r.changed; unchanged := unchanged + r.unchanged;
    END IF;
  END IF;
  IF cardinality(v_incr) > 0 AND cardinality(v_time) > 0 THEN
    v_due := ca_time_rules_due(v_incr, v_time, p_as_of);
    IF cardinality(v_due) > 0 THEN
      SELECT * INTO r FROM ca_evaluate(p_pack, v_due, p_as_of, v_time);
      opened := opened + r.opened; resolved := resolved + r.resolved; reopened := reopened + r.reopened;
      changed := changed + r.changed; unchanged := unchanged + r.unchanged;
      UPDATE cases SET evaluated_as_of = p_as_of
       WHERE id = ANY (v_due) AND evaluated_as_of IS DISTINCT FROM p_as_of;
    END IF;
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
