-- sql/engine/evaluate.sql: Registering a rule pack, evaluating the rules over a set of cases and reconciling their
-- findings, scoring. Engine file: one current definition of each function, applied by `caseaudit migrate` after the
-- numbered migrations and again whenever this file changes (its SHA-256 is recorded in schema_engine; see
-- docs/schema.md). CREATE OR REPLACE only: it runs on new databases and on databases that have it already.

-- Registers a pack (idempotent) and returns its id.
CREATE OR REPLACE FUNCTION ca_pack_register(p_id text, p_version text, p_body jsonb) RETURNS text
    LANGUAGE sql AS $$
  INSERT INTO rule_packs (id, version, body) VALUES (p_id, p_version, p_body) ON CONFLICT (id) DO NOTHING;
  SELECT p_id;
$$;

CREATE OR REPLACE FUNCTION ca_rule_pack_params_fill() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- Here, beside its function, and not in sql/0024 (which added the table): see zz_findings_doc in findings.sql.
CREATE OR REPLACE TRIGGER rule_packs_params AFTER INSERT OR UPDATE OF body ON rule_packs
    FOR EACH ROW EXECUTE FUNCTION ca_rule_pack_params_fill();

-- The stored score, grade and open findings of the cases p_ids: each under its agency's standard
-- (standards_by_agency, else default) of the pack it was evaluated with (cases.evaluated_pack), one
-- ca_standard_scores call (standards.sql) per pack and standard among them. A case whose pack has no standards (one
-- stored before sql/0028, or none) is scored as ca_score_cases scored until then: the bands of p_grading (pack.json's
-- grading), and veto by the findings' own flags. Rows already right are not written.
CREATE OR REPLACE FUNCTION ca_score_cases(p_ids uuid[], p_grading jsonb) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
  g record;
  v_standard jsonb;
  v_veto text[];
BEGIN
  FOR g IN
    SELECT c.evaluated_pack AS pack, coalesce(p.body -> 'standards_by_agency' ->> c.agency_code, 'default') AS sid,
           array_agg(c.id) AS ids
      FROM cases c LEFT JOIN rule_packs p ON p.id = c.evaluated_pack
     WHERE c.id = ANY (p_ids)
     GROUP BY 1, 2
  LOOP
    SELECT p.body -> 'standards' -> g.sid, ca_pack_veto(p.body) INTO v_standard, v_veto
      FROM rule_packs p WHERE p.id = g.pack;
    IF v_standard IS NULL THEN
      SELECT coalesce(array_agg(DISTINCT f.rule_id), '{}') INTO v_veto
        FROM findings f WHERE f.case_id = ANY (g.ids) AND f.veto;
      v_standard := jsonb_build_object(
        'grades', jsonb_build_array(
          jsonb_build_object('grade', 'excellent', 'min', coalesce((p_grading ->> 'excellent')::int, 90),
                             'no_error', true),
          jsonb_build_object('grade', 'pass', 'min', coalesce((p_grading ->> 'pass')::int, 60)),
          jsonb_build_object('grade', 'fail', 'min', 0)),
        'sections', '[]'::jsonb, 'caps', '{}'::jsonb, 'veto', to_jsonb(v_veto));
    END IF;
    UPDATE cases c
       SET score = s.score, grade = s.grade, open_findings = s.counted
      FROM ca_standard_scores(v_standard, v_veto, g.ids) s
     WHERE c.id = s.case_id
       AND (c.score, c.grade, c.open_findings) IS DISTINCT FROM (s.score, s.grade, s.counted);
  END LOOP;
END;
$$;

-- Evaluates the rules (all of the pack's, or p_only) over the cases p_ids as of p_as_of, and reconciles:
-- new defects open findings, vanished ones resolve, returning ones (or waivers past their date) reopen; every
-- transition goes to the change log; score, grade and open_findings of the cases are updated.
-- jit = off: compiling the large rule queries cost more than running them (R02 over 10,000 cases: 12 of 20 s).
-- The work table is cleared with DELETE, not TRUNCATE (which invalidated the cached plans of every rule statement),
-- and small sets are planned generically (sql/0015 measured both). random_page_cost = 1.1 while the rules run:
-- see sql/0026 (measured at 1M cases; set here so that the product does not depend on the server's setting).
CREATE OR REPLACE FUNCTION ca_evaluate(p_pack text, p_ids uuid[], p_as_of date, p_only text[] DEFAULT NULL)
    RETURNS TABLE (opened int, resolved int, reopened int, changed int, unchanged int)
    LANGUAGE plpgsql SET jit = off SET random_page_cost = 1.1 AS $$
DECLARE
  v_rules jsonb;
  v_grading jsonb;
  v_now timestamptz := now();
  v_mode text;
BEGIN
  SELECT body -> 'rules', body -> 'grading' INTO v_rules, v_grading FROM rule_packs WHERE id = p_pack;
  IF v_rules IS NULL THEN
    RAISE EXCEPTION 'rule pack % is not registered', p_pack USING ERRCODE = 'CA002';
  END IF;
  IF to_regclass('pg_temp.ca_hits') IS NULL THEN
    CREATE TEMP TABLE ca_hits (case_id uuid, rule_id text, key text, severity text, veto bool, evidence jsonb)
      ON COMMIT DELETE ROWS;
  ELSE
    DELETE FROM ca_hits;  -- not TRUNCATE: that would invalidate every cached rule plan
  END IF;

  -- The rule statements' plans are cached per connection. A few cases (an ingest) take the generic plan, made
  -- once per connection: planning the 34 rule queries again for each case cost more than running them. A large
  -- set (an audit chunk, a bulk batch) is planned for its real size each time: the generic plan assumes ~10 ids
  -- and would pick nested loops over thousands.
  v_mode := current_setting('plan_cache_mode');
  PERFORM set_config('plan_cache_mode',
                     CASE WHEN cardinality(p_ids) <= 32 THEN 'force_generic_plan' ELSE 'force_custom_plan' END, true);
  PERFORM ca_collect_hits(p_pack, v_rules, p_ids, p_as_of, p_only);
  PERFORM set_config('plan_cache_mode', v_mode, true);

  -- 1. defects found again: refresh what changed; resolved ones and waivers past their date reopen
  WITH cur AS (
    SELECT h.*, f.status AS old_status, f.evidence AS old_evidence, f.rule_version AS old_version,
           f.severity AS old_severity, f.waived_until, r.rule
      FROM ca_hits h
      JOIN findings f ON f.case_id = h.case_id AND f.rule_id = h.rule_id AND f.key = h.key
      CROSS JOIN LATERAL (SELECT v_rules -> h.rule_id AS rule) r
  ), upd AS (
    UPDATE findings f
       SET status = CASE WHEN c.old_status = 'resolved' THEN 'open'
                         WHEN c.old_status = 'waived' AND c.waived_until IS NOT NULL AND c.waived_until < p_as_of
                           THEN 'open'
                         ELSE c.old_status END,
           waived_until = CASE WHEN c.old_status = 'waived' AND c.waived_until IS NOT NULL
                                    AND c.waived_until < p_as_of THEN NULL ELSE f.waived_until END,
           resolved_at = NULL,
           evidence = c.evidence,
           severity = c.severity,
           veto = c.veto,
           points = CASE WHEN c.evidence ? 'calendar_missing_year' THEN 0 ELSE (c.rule ->> 'points')::int END,
           rule_version = (c.rule ->> 'version')::int,
           system = c.rule ->> 'system',
           message_zh = ca_render(c.rule #>> '{message,zh}', c.evidence),
           message_en = ca_render(c.rule #>> '{message,en}', c.evidence),
           pack_id = p_pack,
           last_seen_at = v_now
      FROM cur c
     WHERE f.case_id = c.case_id AND f.rule_id = c.rule_id AND f.key = c.key
       AND (c.old_status = 'resolved'
            OR (c.old_status = 'waived' AND c.waived_until IS NOT NULL AND c.waived_until < p_as_of)
            OR c.old_evidence IS DISTINCT FROM c.evidence OR c.old_version <> (c.rule ->> 'version')::int
            OR c.old_severity <> c.severity OR f.last_seen_at::date < p_as_of)
    RETURNING f.case_id, f.id, f.rule_id, f.key, f.status, c.old_status
  ), log AS (
    INSERT INTO changes (case_id, kind, finding_id, data)
    SELECT u.case_id, 'finding_reopened', u.id,
           jsonb_build_object('rule', u.rule_id, 'key', u.key, 'from', u.old_status, 'to', u.status)
      FROM upd u WHERE u.status <> u.old_status
    RETURNING 1
  )
  SELECT count(*) FILTER (WHERE u.status <> u.old_status), count(*) FILTER (WHERE u.status = u.old_status)
    INTO reopened, changed FROM upd u;

  -- 2. new defects
  WITH ins AS (
    INSERT INTO findings (case_id, rule_id, key, id, agency_code, rule_version, system, severity, points, veto,
                          status, message_zh, message_en, evidence, pack_id, first_seen_at, last_seen_at)
    SELECT h.case_id, h.rule_id, h.key, md5(h.case_id::text || '/' || h.rule_id || '/' || h.key)::uuid,
           c.agency_code, (r.rule ->> 'version')::int, r.rule ->> 'system', h.severity,
           CASE WHEN h.evidence ? 'calendar_missing_year' THEN 0 ELSE (r.rule ->> 'points')::int END, h.veto,
           'open', ca_render(r.rule #>> '{message,zh}', h.evidence), ca_render(r.rule #>> '{message,en}', h.evidence),
           h.evidence, p_pack, v_now, v_now
      FROM ca_hits h
      JOIN cases c ON c.id = h.case_id
      CROSS JOIN LATERAL (SELECT v_rules -> h.rule_id AS rule) r
     WHERE NOT EXISTS (SELECT 1 FROM findings f
                        WHERE f.case_id = h.case_id AND f.rule_id = h.rule_id AND f.key = h.key)
    ON CONFLICT (case_id, rule_id, key) DO NOTHING
    RETURNING case_id, id, rule_id, key, severity
  ), log AS (
    INSERT INTO changes (case_id, kind, finding_id, data)
    SELECT i.case_id, 'finding_opened', i.id, jsonb_build_object('rule', i.rule_id, 'key', i.key, 'severity', i.severity)
      FROM ins i
    RETURNING 1
  )
  SELECT count(*) INTO opened FROM ins;

  -- 3. defects gone: resolve (waived and acknowledged ones too)
  WITH gone AS (
    UPDATE findings f
       SET status = 'resolved', resolved_at = v_now, last_seen_at = f.last_seen_at
     WHERE f.case_id = ANY (p_ids) AND f.status <> 'resolved'
       AND (p_only IS NULL OR f.rule_id = ANY (p_only))
       AND NOT EXISTS (SELECT 1 FROM ca_hits h
                        WHERE h.case_id = f.case_id AND h.rule_id = f.rule_id AND h.key = f.key)
    RETURNING f.case_id, f.id, f.rule_id, f.key
  ), log AS (
    INSERT INTO changes (case_id, kind, finding_id, data)
    SELECT g.case_id, 'finding_resolved', g.id, jsonb_build_object('rule', g.rule_id, 'key', g.key) FROM gone g
    RETURNING 1
  )
  SELECT count(*) INTO resolved FROM gone;

  unchanged := (SELECT count(*) FROM ca_hits) - opened - reopened - changed;

  IF p_only IS NULL THEN
    UPDATE cases SET evaluated_pack = p_pack, evaluated_as_of = p_as_of
     WHERE id = ANY (p_ids) AND (evaluated_pack, evaluated_as_of) IS DISTINCT FROM (p_pack, p_as_of);
  END IF;

  -- 4. score and grade (rules.md): 100 minus the points of open and acknowledged findings, never below 0
  PERFORM ca_score_cases(p_ids, v_grading);
  RETURN NEXT;
END;
$$;
