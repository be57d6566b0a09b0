-- 0023: the nightly audit skips the time-dependent and cross-case rules for cases whose verdict in them cannot have
-- changed since their last evaluation.
--
-- An unchanged case needs, on a new date, only the pack's time-dependent and cross-case rules (0012). Most cases of
-- a province are long concluded: decided, served, published, archived. For those, no date comparison in a
-- time-dependent rule involves the audit date any more, so the verdict stored at their last evaluation is the
-- verdict of any later date. Running the rules over them every night was 80 % of an incremental audit (20,000
-- cases: 8 rules over every case), and it grows with the years of data kept, not with the day's work.
--
-- "Settled" is decided per rule from the case's data, by the conditions below, each read off the rule's own
-- definition (sql/0006-0009). A case is settled in rule R as of its evaluated_as_of (e) when:
--   - it has no finding of R that is not resolved (a finding's evidence may name the audit date, e.g. "not
--     published as of ...", or a calendar gap that a newly loaded year closes: such cases are always evaluated), and
--   - its data no longer lets the audit date into R's verdict:
--     P01 out of scope (not a general-procedure penalty decided with a penalty), or published on or before e;
--     P03 no dated decision change, or withdrawn on or before e with the publication (or withdrawal) on or before e;
--     D04 not a general-procedure penalty case, or filed, decided or given an outcome (not pending);
--     D05 not a general-procedure penalty case with filed_on, or decided, or given an outcome, or closed;
--     D12 every decision document with a base date has a dated service (served_on; announced_on for announcements);
--     D18 every seizure or sealing with a start has an end (a later release decision, or decided_on on or after it);
--     A03 not closed, or archived.
--   A time-dependent rule not named here is never settled: it runs over every case, as before.
-- Audits with a date before e (back-dated) evaluate every case; after evaluating a case's time-dependent rules the
-- audit records the date in evaluated_as_of (only for the cases it evaluated: few), so that e is always a date on
-- which every stored verdict of the case holds.
-- A new rule pack evaluates every case in full (evaluated_pack), so a changed parameter is never missed. Loading a
-- calendar year reaches the cases that were waiting for it through their calendar_missing_year findings; a
-- correction of a year already loaded needs a full audit (docs/operations.md).
-- bench/run proves the result on its data: the incremental audit's findings equal a full audit's of the same day.

-- The time-dependent rules of a pack (not the cross-case ones: ca_cross_rules_due below).
CREATE FUNCTION ca_pack_time_rules(p_pack text) RETURNS text[]
    LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(r.key ORDER BY r.key), '{}')
    FROM rule_packs p, jsonb_each(p.body -> 'rules') r
   WHERE p.id = p_pack
     AND coalesce((r.value ->> 'time_dependent')::bool, false)
     AND NOT coalesce((r.value ->> 'cross_case')::bool, false)
$$;

-- Of the cases p_ids, those that need the time-dependent rules p_rules as of p_as_of (see the header). Set-based:
-- each table read once for the chunk; custom plans, as ca_evaluate's, for the chunk's real size.
CREATE FUNCTION ca_time_rules_due(p_ids uuid[], p_rules text[], p_as_of date) RETURNS uuid[]
    LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(p_rules) r          -- a rule whose settled condition is not known here
              WHERE r NOT IN ('P01', 'P03', 'D04', 'D05', 'D12', 'D18', 'A03')) THEN
    RETURN p_ids;
  END IF;
  RETURN (
  WITH c AS MATERIALIZED (
    SELECT c.id, c.category, c.procedure, c.filed_on, c.decided_on, c.closed_on, c.decision_outcome,
           c.publication_published_on, c.publication_withdrawn_on, c.decision_change_kind, c.decision_change_on,
           c.archived_on, c.evaluated_as_of AS e
      FROM cases c
     WHERE c.id = ANY (p_ids)
  ), due AS (
    SELECT c.id
      FROM c
     WHERE c.e IS NULL OR p_as_of < c.e                 -- no date, or a back-dated audit
        OR ('P01' = ANY (p_rules)
            AND c.category = 'penalty' AND c.procedure = 'general' AND c.decided_on IS NOT NULL
            AND coalesce(c.decision_outcome, 'penalty') = 'penalty'
            AND NOT coalesce(c.publication_published_on <= c.e, false))
        OR ('P03' = ANY (p_rules)
            AND c.decision_change_kind IN ('revoked', 'changed', 'confirmed_illegal', 'void')
            AND c.decision_change_on IS NOT NULL
            AND NOT coalesce(c.publication_withdrawn_on <= c.e
                             AND coalesce(c.publication_published_on, c.publication_withdrawn_on) <= c.e, false))
        OR ('D04' = ANY (p_rules)
            AND c.category = 'penalty' AND c.procedure = 'general'
            AND c.filed_on IS NULL AND c.decided_on IS NULL AND c.decision_outcome IS NULL)
        OR ('D05' = ANY (p_rules)
            AND c.category = 'penalty' AND c.procedure = 'general' AND c.filed_on IS NOT NULL
            AND c.decided_on IS NULL AND c.decision_outcome IS NULL AND c.closed_on IS NULL)
        OR ('A03' = ANY (p_rules) AND c.closed_on IS NOT NULL AND c.archived_on IS NULL)
    UNION
    SELECT f.case_id                                   -- a finding of these rules not resolved
      FROM findings f
     WHERE f.case_id = ANY (p_ids) AND f.rule_id = ANY (p_rules) AND f.status <> 'resolved'
    UNION
    SELECT d.case_id                                   -- D12: a decision document without a dated service
      FROM case_documents d
      JOIN c ON c.id = d.case_id
      LEFT JOIN (SELECT DISTINCT s.case_id, s.document_ref
                   FROM case_services s
                  WHERE s.case_id = ANY (p_ids)
                    AND CASE WHEN s.method = 'announcement' THEN coalesce(s.announced_on, s.served_on)
                             ELSE s.served_on END IS NOT NULL) s
             ON s.case_id = d.case_id AND s.document_ref = d.doc_id
     WHERE 'D12' = ANY (p_rules)
       AND d.case_id = ANY (p_ids) AND d.type IN ('penalty_decision', 'onsite_penalty_decision')
       AND coalesce(c.decided_on, d.issued_on) IS NOT NULL AND s.case_id IS NULL
    UNION
    SELECT e.case_id                                   -- D18: a seizure or sealing without an end
      FROM case_events e
      JOIN c ON c.id = e.case_id
      LEFT JOIN LATERAL (SELECT 1 AS released     -- probed per event: a few events, no scan of the documents
                           FROM case_documents d
                          WHERE d.case_id = e.case_id AND d.type = 'release_decision'
                            AND d.issued_on >= e.started_at::date
                          LIMIT 1) r ON true
     WHERE 'D18' = ANY (p_rules)
       AND e.case_id = ANY (p_ids) AND e.type IN ('seizure', 'sealing') AND e.started_at IS NOT NULL
       AND NOT coalesce(c.decided_on >= e.started_at::date, false)
       AND r.released IS NULL
  )
  SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM due);
END;
$$;

-- The cross-case rule D14 (a decision number used by another case of the agency) changes its verdict for a case only
-- when another case is stored. An unchanged case needs it again when (a) it has a D14 finding not resolved (the other
-- case may have changed), (b) it, or a case of its agency with one of its decision numbers, was stored by a
-- transaction the previous completed audit of the scope might not have seen (its xid is not below that audit's
-- start_xmin: two cases stored at once do not see each other, and a case stored without evaluation has found
-- nothing yet), or (c) one of its decision numbers is named by a D14 finding not resolved of its agency (a case
-- stored later found it, and it has not found that case yet). Without a previous completed audit of the scope that recorded its
-- start_xmin, every case needs it. A cross-case rule not named here runs over every case.
ALTER TABLE audit_runs ADD COLUMN start_xmin xid8;   -- NULL for the runs made before this migration
ALTER TABLE audit_runs ALTER COLUMN start_xmin SET DEFAULT pg_snapshot_xmin(pg_current_snapshot());

CREATE FUNCTION ca_cross_rules_due(p_run bigint, p_ids uuid[], p_rules text[]) RETURNS uuid[]
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

-- 0016's ca_audit_chunk, with the unchanged cases split: the cross-case rules over those ca_cross_rules_due names,
-- the time-dependent rules over those ca_time_rules_due names (whose evaluated_as_of then becomes p_as_of).
CREATE OR REPLACE FUNCTION ca_audit_chunk(p_run bigint, p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (opened int, resolved int, reopened int, changed int, unchanged int, drift_cases int)
    LANGUAGE plpgsql AS $$
#variable_conflict use_variable
DECLARE
  v_full uuid[];
  v_repack uuid[];
  v_incr uuid[];
  v_due uuid[];
  v_dynamic text[] := ca_pack_dynamic_rules(p_pack);
  v_time text[] := ca_pack_time_rules(p_pack);
  v_cross text[];
  r record;
  v_drift jsonb;
BEGIN
  opened := 0; resolved := 0; reopened := 0; changed := 0; unchanged := 0; drift_cases := 0;
  SELECT coalesce(array_agg(x) FILTER (WHERE NOT (x = ANY (v_time))), '{}') INTO v_cross
    FROM unnest(v_dynamic) x;
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
