-- 0004: the rule engine: registered rule packs, findings that live across evaluations, the change log, and
-- ca_evaluate(), which runs the rules over a set of cases as of a date and reconciles their findings.
--
-- A rule is a SQL function (sql/0006 onwards) with this contract:
--   ca_rule_<id>(p_pack text, p_ids uuid[], p_as_of date)
--     RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
--   LANGUAGE sql STABLE, set-based over the cases whose id = ANY(p_ids), one row per defect found:
--   key       stable within the case for the same defect ('' for a case-level defect, else e.g. a document id)
--   severity  'error' or 'warning'
--   veto      true when this defect makes the case 不合格 whatever its score
--   evidence  the facts that made it fire (document, event, dates, computed deadline); its keys fill the
--             message templates of the rule pack ({name} placeholders)
-- Parameters come from the pack: ca_rule_params(p_pack, 'P01') once per query, then
-- ca_param(pp, c.sector, c.agency_code, 'publish_wd') per case (agency override > sector profile > default).

-- Which pack last evaluated all the rules of a case, and as of when. A batch audit re-runs only the date-dependent
-- (and cross-case) rules for cases whose data and pack have not changed since (sql/0012).
ALTER TABLE cases ADD COLUMN evaluated_pack text, ADD COLUMN evaluated_as_of date;

-- Rule packs as loaded by caseauditd or caseaudit: id is the SHA-256 of the canonical pack JSON. Reference table.
CREATE TABLE rule_packs (
  id         text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
  version    text NOT NULL,
  body       jsonb NOT NULL,   -- {"version", "grading": {...}, "rules": {"P01": {...}, ...}}
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Registers a pack (idempotent) and returns its id.
CREATE FUNCTION ca_pack_register(p_id text, p_version text, p_body jsonb) RETURNS text
    LANGUAGE sql AS $$
  INSERT INTO rule_packs (id, version, body) VALUES (p_id, p_version, p_body) ON CONFLICT (id) DO NOTHING;
  SELECT p_id;
$$;

-- VOLATILE on purpose, though it only reads: rules call it as (SELECT ca_rule_params(...) AS pp) k or in a CTE, and
-- the planner pulls a STABLE call up into the outer query and evaluates it once per row (each call detoasting the
-- whole pack: 1.4 ms). A volatile call stops that pull-up and CTE inlining, so it runs once per query (measured:
-- A01 over 2,000 cases 13.7 s -> 0.36 s).
CREATE FUNCTION ca_rule_params(p_pack text, p_rule text) RETURNS jsonb
    LANGUAGE sql VOLATILE AS $$
  SELECT jsonb_build_object('default', coalesce(r -> 'params', '{}'),
                            'profiles', coalesce(r -> 'profiles', '{}'),
                            'agencies', coalesce(r -> 'agencies', '{}'))
    FROM rule_packs, LATERAL (SELECT body -> 'rules' -> p_rule AS r) x
   WHERE id = p_pack
$$;

-- Inlined by the planner (a single expression): a few jsonb lookups per case.
CREATE FUNCTION ca_param(pp jsonb, p_sector text, p_agency text, p_key text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(pp -> 'agencies' -> p_agency -> p_key, pp -> 'profiles' -> p_sector -> p_key,
                  pp -> 'default' -> p_key)
$$;

-- A string is blank for the rules when it is absent or only white space (full-width space included).
CREATE FUNCTION ca_blank(s text) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT s IS NULL OR btrim(s, E' \t\r\n\u3000') = '' $$;

-- Findings: one row per (case, rule, key), kept across evaluations and versions of the case.
CREATE TABLE findings (
  case_id       uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  rule_id       text NOT NULL,
  key           text NOT NULL,
  id            uuid NOT NULL,   -- md5(case_id, rule, key): stable, no sequence (see docs/architecture.md)
  agency_code   text NOT NULL,   -- denormalised from cases for the listings
  rule_version  int  NOT NULL,
  system        text NOT NULL,
  severity      text NOT NULL CHECK (severity IN ('error', 'warning')),
  points        int  NOT NULL CHECK (points >= 0),
  veto          bool NOT NULL,
  status        text NOT NULL CHECK (status IN ('open', 'acknowledged', 'waived', 'resolved')),
  message_zh    text NOT NULL,
  message_en    text NOT NULL,
  evidence      jsonb NOT NULL,
  pack_id       text NOT NULL,
  first_seen_at timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  resolved_at   timestamptz,
  waived_until  date,
  PRIMARY KEY (case_id, rule_id, key)
);
CREATE UNIQUE INDEX findings_id_idx ON findings (case_id, id);
-- Listings: an agency's findings by status, newest first, and by rule.
CREATE INDEX findings_agency_status_idx ON findings (agency_code, status, id);
CREATE INDEX findings_rule_idx ON findings (rule_id, status);

-- The change log behind GET /api/v1/changes: every finding transition and case upsert, written in the same
-- transaction as the change. xid is the writing transaction: a reader takes only rows of transactions older than
-- its snapshot's xmin, so a row that commits late is never skipped (docs/architecture.md).
CREATE SEQUENCE changes_seq;
CREATE TABLE changes (
  case_id    uuid NOT NULL,
  seq        bigint NOT NULL DEFAULT nextval('changes_seq'),
  xid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
  kind       text NOT NULL CHECK (kind IN ('finding_opened', 'finding_resolved', 'finding_reviewed',
                                           'finding_reopened', 'case_upserted')),
  at         timestamptz NOT NULL DEFAULT now(),
  finding_id uuid,
  data       jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (case_id, seq)
);
CREATE INDEX changes_xid_seq_idx ON changes (xid, seq);

-- Fills {name} placeholders of a template from the evidence.
CREATE FUNCTION ca_render(tpl text, ev jsonb) RETURNS text
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

-- Runs every rule of the pack that the caller asked for and fills ca_hits. Replaced by later migrations as rules
-- are added: each rule is one static INSERT, so its plan is cached per session.
CREATE FUNCTION ca_collect_hits(p_pack text, p_rules jsonb, p_ids uuid[], p_as_of date, p_only text[])
    RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RETURN;
END;
$$;

-- Evaluates the rules (all of the pack's, or p_only) over the cases p_ids as of p_as_of, and reconciles:
-- new defects open findings, vanished ones resolve, returning ones (or waivers past their date) reopen; every
-- transition goes to the change log; score, grade and open_findings of the cases are updated.
-- jit = off: compiling the large rule queries cost more than running them (R02 over 10,000 cases: 12 of 20 s).
CREATE FUNCTION ca_evaluate(p_pack text, p_ids uuid[], p_as_of date, p_only text[] DEFAULT NULL)
    RETURNS TABLE (opened int, resolved int, reopened int, changed int, unchanged int)
    LANGUAGE plpgsql SET jit = off AS $$
DECLARE
  v_rules jsonb;
  v_grading jsonb;
  v_now timestamptz := now();
BEGIN
  SELECT body -> 'rules', body -> 'grading' INTO v_rules, v_grading FROM rule_packs WHERE id = p_pack;
  IF v_rules IS NULL THEN
    RAISE EXCEPTION 'rule pack % is not registered', p_pack USING ERRCODE = 'CA002';
  END IF;
  IF to_regclass('pg_temp.ca_hits') IS NULL THEN
    CREATE TEMP TABLE ca_hits (case_id uuid, rule_id text, key text, severity text, veto bool, evidence jsonb)
      ON COMMIT DELETE ROWS;
  ELSE
    TRUNCATE ca_hits;
  END IF;

  PERFORM ca_collect_hits(p_pack, v_rules, p_ids, p_as_of, p_only);

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

CREATE FUNCTION ca_score_cases(p_ids uuid[], p_grading jsonb) RETURNS void
    LANGUAGE sql AS $$
  UPDATE cases c
     SET score = s.score,
         grade = CASE WHEN s.score >= coalesce((p_grading ->> 'excellent')::int, 90) AND NOT s.has_error
                        THEN 'excellent'
                      WHEN s.score >= coalesce((p_grading ->> 'pass')::int, 60) AND NOT s.has_veto THEN 'pass'
                      ELSE 'fail' END,
         open_findings = s.n
    FROM (SELECT x.id,
                 greatest(0, 100 - coalesce(sum(f.points) FILTER (WHERE f.status IN ('open', 'acknowledged')), 0))::int
                   AS score,
                 coalesce(bool_or(f.severity = 'error') FILTER (WHERE f.status IN ('open', 'acknowledged')), false)
                   AS has_error,
                 coalesce(bool_or(f.veto) FILTER (WHERE f.status IN ('open', 'acknowledged')), false) AS has_veto,
                 count(f.*) FILTER (WHERE f.status IN ('open', 'acknowledged'))::int AS n
            FROM unnest(p_ids) AS x(id)
            LEFT JOIN findings f ON f.case_id = x.id
           GROUP BY x.id) s
   WHERE c.id = s.id
     AND (c.score, c.grade, c.open_findings) IS DISTINCT FROM
         (s.score,
          CASE WHEN s.score >= coalesce((p_grading ->> 'excellent')::int, 90) AND NOT s.has_error THEN 'excellent'
               WHEN s.score >= coalesce((p_grading ->> 'pass')::int, 60) AND NOT s.has_veto THEN 'pass'
               ELSE 'fail' END,
          s.n)
$$;

-- The findings of a case as the API shows them.
CREATE FUNCTION ca_finding_json(f findings) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', f.id, 'case_id', f.case_id, 'agency', f.agency_code,
    'case_no', (SELECT case_no FROM cases WHERE id = f.case_id),
    'rule', f.rule_id, 'rule_version', f.rule_version, 'system', f.system, 'severity', f.severity,
    'points', f.points, 'veto', f.veto, 'status', f.status, 'key', f.key,
    'message', jsonb_build_object('zh', f.message_zh, 'en', f.message_en), 'evidence', f.evidence,
    'first_seen_at', to_char(f.first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'last_seen_at', to_char(f.last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'resolved_at', to_char(f.resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'waived_until', f.waived_until)
$$;

CREATE FUNCTION ca_case_findings_json(p_case uuid) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
  SELECT coalesce(jsonb_agg(ca_finding_json(f) ORDER BY f.status = 'resolved', f.rule_id, f.key), '[]'::jsonb)
    FROM findings f WHERE f.case_id = p_case
$$;
