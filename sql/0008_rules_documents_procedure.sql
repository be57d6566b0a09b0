-- 0008: the procedural rules of the documents system (D01-D09, shared/contract/rules.md) and their group dispatcher
-- ca_collect_hits_documents_procedure(), which the engine's ca_collect_hits() calls (sql/0010).
--
-- Every rule follows the contract of sql/0004: ca_rule_dNN(p_pack, p_ids, p_as_of) returns one row per defect,
-- set-based over the cases id = ANY(p_ids). Parameters come from the pack through ca_rule_params() / ca_param();
-- rules/documents-procedure.json holds their defaults and the message templates, whose {placeholders} are keys of the
-- evidence that every row of the rule carries. Rules never raise: working-day periods go through ca_dp_due_rel()
-- below, which reads the calendar without raising and reports a missing year instead (the rule then emits a 0-point
-- warning with "calendar_missing_year"); parameters are read through ca_dp_int() / ca_dp_num(), which cannot fail;
-- dates are shown with to_char(), never ::text, so DateStyle cannot change a message.
--
-- Access pattern, measured on 200,000 cases in 2,000-case audit chunks (see the report of this migration's author):
--   * WITH k AS MATERIALIZED: a plain subquery or CTE for ca_rule_params() is flattened into the query, which then
--     calls it (and detoasts the whole pack) once per case and cannot inline ca_param(): 12x slower.
--   * Child tables are read case by case through their primary key (case_id first), in LATERAL subqueries that the
--     planner cannot flatten (they aggregate, group or LIMIT). The plan then has the same shape whatever the row
--     estimates: with the real 2,000 ids of a chunk the planner otherwise preferred sequential scans of
--     case_documents and case_services with hash joins (10x slower), and with a generic plan it estimates 10 cases.
--   * The dispatcher runs with jit = off (see there).

-- Scope decisions where rules.md is silent (also in each rule's "checks" text):
--   * "a penalty is imposed" = category penalty, decision.outcome penalty or absent, and the final penalties
--     (case_penalties.notified = false) it lists.
--   * An unknown party type is judged with the organisation amounts (the higher ones): D03 and D07 fire only when the
--     breach is certain.
--   * The operative prior notice (D06, D08) is the last prior_notice document (latest issued_on, then the last in the
--     file); its service date is the earliest services[].served_on that refers to it.
--   * Certificate numbers are compared after trimming white space and folding full-width digits and letters (D01, D08).

-- ---- Helpers (inlined by the planner) ---------------------------------------------------------------------------

-- The n-th working day after d (the deadline of "within n working days of d", as ca_add_workdays) without ever raising,
-- for deciding about the date `upto` (the date the deadline is compared with):
--   due           the deadline, or NULL when it cannot be computed;
--   beyond        true when due lies past the loaded calendar but certainly after `upto` (upto is on or before the
--                 last covered day of d's stretch), so "upto < due" holds without knowing due;
--   missing_year  the year to load when the deadline is needed and not covered (d itself, or the year after the
--                 covered stretch when upto lies past it too); NULL otherwise.
-- NULL d or n, a negative n or an infinite d give three NULLs: nothing to decide.
CREATE FUNCTION ca_dp_due_rel(d date, n int, upto date) RETURNS TABLE (due date, beyond boolean, missing_year int)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT w.day,
         coalesce(c.day IS NOT NULL AND w.day IS NULL AND upto <= c.run_end, false),
         CASE WHEN d IS NULL OR n IS NULL OR n < 0 OR NOT isfinite(d) THEN NULL
              WHEN c.day IS NULL THEN extract(year FROM d)::int
              WHEN w.day IS NULL AND (upto IS NULL OR NOT upto <= c.run_end) THEN extract(year FROM c.run_end + 1)::int
         END
    FROM (SELECT) AS one
    LEFT JOIN calendar_ordinals c ON c.day = d AND n >= 0
    LEFT JOIN calendar_ordinals w
           ON w.working
          AND w.ordinal = c.ordinal + least(n, 1000000) + CASE WHEN n = 0 AND NOT c.working THEN 1 ELSE 0 END
          AND w.run_start = c.run_start
$$;

-- A parameter as a number, NULL unless it is a JSON number (the pack loader keeps each parameter's type, so this
-- only guards against a hand-made pack); ca_dp_int() rounds and clamps it to 0..100000, so that no value can make
-- an integer cast or a date computation raise.
CREATE FUNCTION ca_dp_num(j jsonb) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(j) = 'number' THEN j::numeric END
$$;

CREATE FUNCTION ca_dp_int(j jsonb) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(j) = 'number' THEN least(greatest(round(j::numeric), 0), 100000)::int END
$$;

-- The message text of a missing calendar year.
CREATE FUNCTION ca_dp_calendar_zh(y int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT format('工作日历缺少%s年的节假日安排，无法计算该期限；请加载%s年数据后重新评查', y, y)
$$;

CREATE FUNCTION ca_dp_calendar_en(y int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT format('the working-day calendar has no data for %s, so the period cannot be computed; '
                'load %s and audit again', y, y)
$$;

-- A certificate number as compared: trimmed of white space (full-width space included), full-width digits and
-- letters folded to ASCII, letters upper-cased.
CREATE FUNCTION ca_dp_cert(s text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT upper(translate(btrim(s, E' \t\r\n\u3000'),
                         '０１２３４５６７８９－' || 'ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ'
                           || 'ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ',
                         '0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'))
$$;

CREATE FUNCTION ca_dp_date(d date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT to_char(d, 'YYYY-MM-DD') $$;

-- D01: is the officer with certificate `cert` listed on an event of day d an officer of the case (certs, with their
-- certificates' froms / untils), and is a certificate of theirs valid on d? A bound that is not recorded is not
-- checked; without d only membership is. valid_from / valid_until: the earliest and latest bounds, for the evidence.
CREATE FUNCTION ca_dp_officer_check(cert text, d date, certs text[], froms date[], untils date[])
    RETURNS TABLE (on_case boolean, valid boolean, valid_from date, valid_until date)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT count(*) > 0,
         d IS NULL OR coalesce(bool_or((o.vf IS NULL OR o.vf <= d) AND (o.vu IS NULL OR o.vu >= d)), false),
         min(o.vf), max(o.vu)
    FROM unnest(certs, froms, untils) AS o(cert, vf, vu)
   WHERE o.cert = ca_dp_officer_check.cert
$$;

-- Chinese names of the enumerations used in messages.
CREATE FUNCTION ca_dp_penalty_zh(k text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE k
    WHEN 'warning' THEN '警告' WHEN 'fine' THEN '罚款' WHEN 'confiscate_gains' THEN '没收违法所得'
    WHEN 'confiscate_property' THEN '没收非法财物' WHEN 'suspend_license' THEN '暂扣许可证件'
    WHEN 'revoke_license' THEN '吊销许可证件' WHEN 'lower_qualification' THEN '降低资质等级'
    WHEN 'suspend_business' THEN '责令停产停业' WHEN 'order_closure' THEN '责令关闭'
    WHEN 'restrict_practice' THEN '限制从业' WHEN 'detention' THEN '行政拘留' WHEN 'other' THEN '其他处罚'
    ELSE coalesce(k, '未注明种类的处罚') END
$$;

CREATE FUNCTION ca_dp_event_zh(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE t
    WHEN 'on_site_inspection' THEN '现场检查' WHEN 'inquiry' THEN '询问' WHEN 'evidence_collection' THEN '调查取证'
    WHEN 'evidence_preservation' THEN '先行登记保存' WHEN 'sealing' THEN '查封' WHEN 'seizure' THEN '扣押'
    WHEN 'forced_demolition' THEN '强制拆除' WHEN 'forced_execution' THEN '强制执行'
    WHEN 'restriction_of_freedom' THEN '限制人身自由' WHEN 'hearing' THEN '听证' WHEN 'service' THEN '送达'
    WHEN 'other' THEN '其他执法活动' ELSE coalesce(t, '未注明类型') END
$$;

-- ---- D01: two officers of the case with a valid certificate on every event ----------------------------------------
-- One finding per event (key: the event id). The event's date is started_at (else ended_at) in the session time zone
-- (the configured one). Officers listed twice count once; blank entries do not count. A certificate bound that is
-- not recorded is not checked; an event without any date has only the number and membership checked.
CREATE FUNCTION ca_rule_d01(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH k AS MATERIALIZED (SELECT ca_rule_params(p_pack, 'D01') AS pp),
  failing AS (
    SELECT c.id AS case_id, x.min_n, off.certs AS off_certs, off.froms, off.untils, x.event_id, x.type, x.d
      FROM cases c
      CROSS JOIN k
      -- Case by case, each child table read once through its primary key: the case's officers ...
      CROSS JOIN LATERAL (
        SELECT array_agg(ca_dp_cert(co.cert_no)) AS certs, array_agg(co.cert_valid_from) AS froms,
               array_agg(co.cert_valid_until) AS untils
          FROM case_officers co
         WHERE co.case_id = c.id) off
      -- ... and its events, each with the number of distinct officers it lists and of those not on the case or
      -- without a valid certificate. GROUP BY keeps the planner from flattening this into one large join.
      CROSS JOIN LATERAL (
        SELECT e.event_id, e.type, e.d, ca_dp_int(ca_param(k.pp, c.sector, c.agency_code, 'min_officers')) AS min_n,
               count(l.cert) AS n,
               count(*) FILTER (WHERE l.cert IS NOT NULL AND NOT v.on_case) AS n_not_case,
               count(*) FILTER (WHERE v.on_case AND NOT v.valid) AS n_invalid
          FROM (SELECT e.event_id, e.type, coalesce(e.started_at, e.ended_at)::date AS d
                  FROM case_events e
                 WHERE e.case_id = c.id) e
          LEFT JOIN (SELECT DISTINCT o.event_id, ca_dp_cert(o.cert_no) AS cert
                       FROM case_event_officers o
                      WHERE o.case_id = c.id AND NOT ca_blank(o.cert_no)) l ON l.event_id = e.event_id
          LEFT JOIN LATERAL ca_dp_officer_check(l.cert, e.d, off.certs, off.froms, off.untils) v ON true
         GROUP BY e.event_id, e.type, e.d
      ) x
     WHERE c.id = ANY (p_ids) AND (x.n < x.min_n OR x.n_not_case > 0 OR x.n_invalid > 0)
  ),
  agg AS (     -- the evidence, for the failing events only: their officers in the order first listed
    SELECT f.case_id, f.event_id, f.type, f.d, f.min_n, y.*
      FROM failing f
      CROSS JOIN LATERAL (
        SELECT count(l.cert)::int AS n,
               coalesce(array_agg(l.cert ORDER BY l.ord), '{}') AS certs,
               coalesce(array_agg(l.cert ORDER BY l.ord) FILTER (WHERE NOT v.on_case), '{}') AS not_case,
               coalesce(jsonb_agg(jsonb_build_object('cert_no', l.cert, 'valid_from', v.valid_from,
                                                     'valid_until', v.valid_until) ORDER BY l.ord)
                          FILTER (WHERE v.on_case AND NOT v.valid), '[]') AS invalid,
               string_agg(CASE WHEN f.d < v.valid_from
                               THEN format('%s的执法证自%s起有效，活动当日尚未生效', l.cert, ca_dp_date(v.valid_from))
                               ELSE format('%s的执法证有效期至%s，活动当日已失效', l.cert, ca_dp_date(v.valid_until)) END,
                          '；' ORDER BY l.ord) FILTER (WHERE v.on_case AND NOT v.valid) AS invalid_zh,
               string_agg(CASE WHEN f.d < v.valid_from
                               THEN format('the certificate of %s is valid only from %s', l.cert,
                                           ca_dp_date(v.valid_from))
                               ELSE format('the certificate of %s expired on %s', l.cert,
                                           ca_dp_date(v.valid_until)) END,
                          '; ' ORDER BY l.ord) FILTER (WHERE v.on_case AND NOT v.valid) AS invalid_en
          FROM (SELECT ca_dp_cert(o.cert_no) AS cert, min(o.ord) AS ord
                  FROM case_event_officers o
                 WHERE o.case_id = f.case_id AND o.event_id = f.event_id AND NOT ca_blank(o.cert_no)
                 GROUP BY ca_dp_cert(o.cert_no)) l
          CROSS JOIN LATERAL ca_dp_officer_check(l.cert, f.d, f.off_certs, f.froms, f.untils) v
      ) y
  )
  SELECT a.case_id, a.event_id, 'error', true,
         jsonb_build_object(
           'event_id', a.event_id, 'event_type', a.type, 'event_date', a.d,
           'officers', to_jsonb(a.certs), 'officer_count', a.n, 'min_officers', a.min_n,
           'not_case_officers', to_jsonb(a.not_case), 'invalid_certificates', a.invalid,
           'event_zh', format('执法活动%s（%s，%s）', a.event_id, ca_dp_event_zh(a.type),
                              coalesce(ca_dp_date(a.d), '日期未记载')),
           'event_en', format('Event %s (%s, %s)', a.event_id, coalesce(a.type, 'type not recorded'),
                              coalesce(ca_dp_date(a.d), 'date not recorded')),
           'detail_zh', concat_ws('；',
              CASE WHEN a.n = 0 THEN '未记载执法人员'
                   WHEN a.n < a.min_n THEN format('仅记载%s名执法人员（%s）', a.n, array_to_string(a.certs, '、')) END,
              CASE WHEN cardinality(a.not_case) > 0
                   THEN format('%s不是本案登记的执法人员', array_to_string(a.not_case, '、')) END,
              a.invalid_zh),
           'detail_en', concat_ws('; ',
              CASE WHEN a.n = 0 THEN 'no officer is recorded'
                   WHEN a.n < a.min_n
                     THEN format('only %s officer(s) recorded (%s)', a.n, array_to_string(a.certs, ', ')) END,
              CASE WHEN cardinality(a.not_case) > 0
                   THEN format('not an officer of the case: %s', array_to_string(a.not_case, ', ')) END,
              a.invalid_en))
    FROM agg a
$$;

-- ---- D02: limitation period (行政处罚法 art. 36) -----------------------------------------------------------------
-- The period runs from violation.ended_on (a continuing violation), else began_on (the day it was committed), for
-- limit_years, or limit_years_ext when the violation concerns life, health or financial safety AND had harmful
-- consequences; the last day is the same calendar day N years later (29 February -> 28 February). Discovery is
-- violation.discovered_on, else filed_on. Penalty cases only, except those decided no_penalty, transfer or withdrawn
-- (not penalising is the lawful outcome of an expired period). Without a violation date or a discovery date there
-- is nothing to check.
CREATE FUNCTION ca_rule_d02(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH k AS MATERIALIZED (SELECT ca_rule_params(p_pack, 'D02') AS pp),
  c AS (
    SELECT c.id, c.violation_began_on, c.violation_ended_on,
           coalesce(c.violation_ended_on, c.violation_began_on) AS v_end,
           coalesce(c.violation_discovered_on, c.filed_on) AS disc,
           c.violation_discovered_on IS NOT NULL AS has_disc,
           coalesce(c.violation_life_health_or_financial_safety AND c.violation_harmful_consequence, false) AS ext,
           ca_dp_int(CASE WHEN coalesce(c.violation_life_health_or_financial_safety AND c.violation_harmful_consequence,
                                        false)
                          THEN ca_param(k.pp, c.sector, c.agency_code, 'limit_years_ext')
                          ELSE ca_param(k.pp, c.sector, c.agency_code, 'limit_years') END) AS years
      FROM cases c
      CROSS JOIN k
     WHERE c.id = ANY (p_ids) AND c.category = 'penalty'
       AND coalesce(c.decision_outcome, 'penalty') NOT IN ('no_penalty', 'transfer', 'withdrawn')
  ),
  x AS (
    SELECT c.*, (c.v_end + make_interval(years => c.years))::date AS deadline
      FROM c
     WHERE c.v_end IS NOT NULL AND c.disc IS NOT NULL AND c.years >= 0
  )
  SELECT x.id, '', 'error', true,
         jsonb_build_object(
           'violation_began_on', x.violation_began_on, 'violation_ended_on', x.violation_ended_on,
           'period_start', x.v_end, 'discovered_on', x.disc,
           'discovery_source', CASE WHEN x.has_disc THEN 'discovered_on' ELSE 'filed_on' END,
           'limit_years', x.years, 'extended_period', x.ext, 'deadline', x.deadline,
           'violation_end_zh', CASE WHEN x.violation_ended_on IS NOT NULL
                                    THEN format('于%s终了', ca_dp_date(x.v_end))
                                    ELSE format('发生于%s（未记载终了日期）', ca_dp_date(x.v_end)) END,
           'violation_end_en', CASE WHEN x.violation_ended_on IS NOT NULL
                                    THEN format('ended on %s', ca_dp_date(x.v_end))
                                    ELSE format('was committed on %s (no end date recorded)', ca_dp_date(x.v_end)) END,
           'discovery_source_zh', CASE WHEN x.has_disc THEN '以发现日期计' ELSE '未记载发现日期，以立案日期计' END,
           'discovery_source_en', CASE WHEN x.has_disc THEN 'discovery date'
                                       ELSE 'no discovery date recorded: filing date' END)
    FROM x
   WHERE x.disc > x.deadline
$$;

-- ---- D03: simple procedure only for a warning or a small fine (行政处罚法 art. 51) --------------------------------
-- Penalty cases under the simple procedure: every final penalty is a warning or a fine, and the fines total at most
-- simple_max_person (party type person) or simple_max_org (any other or unknown type). A fine without an amount
-- adds nothing to the total. One case-level finding.
CREATE FUNCTION ca_rule_d03(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH k AS MATERIALIZED (SELECT ca_rule_params(p_pack, 'D03') AS pp),
  c AS (
    SELECT c.id, c.party_type, c.party_type = 'person' AS person,
           ca_dp_num(CASE WHEN c.party_type = 'person' THEN ca_param(k.pp, c.sector, c.agency_code, 'simple_max_person')
                          ELSE ca_param(k.pp, c.sector, c.agency_code, 'simple_max_org') END) AS max_fine
      FROM cases c
      CROSS JOIN k
     WHERE c.id = ANY (p_ids) AND c.category = 'penalty' AND c.procedure = 'simple'
       AND coalesce(c.decision_outcome, 'penalty') = 'penalty'
  ),
  f AS (
    SELECT c.*, p.kinds, p.bad, p.bad_zh, p.fine_total, coalesce(p.fine_total > c.max_fine, false) AS over
      FROM c
      CROSS JOIN LATERAL (   -- the final penalties, case by case
        SELECT array_agg(p.kind ORDER BY p.ord) AS kinds,
               array_agg(p.kind ORDER BY p.ord) FILTER (WHERE p.kind NOT IN ('warning', 'fine')) AS bad,
               string_agg(ca_dp_penalty_zh(p.kind), '、' ORDER BY p.ord) FILTER (WHERE p.kind NOT IN ('warning', 'fine'))
                 AS bad_zh,
               trim_scale(sum(p.amount) FILTER (WHERE p.kind = 'fine')) AS fine_total
          FROM case_penalties p
         WHERE p.case_id = c.id AND NOT p.notified) p
     WHERE p.kinds IS NOT NULL
  )
  SELECT f.id, '', 'error', false,
         jsonb_build_object(
           'party_type', f.party_type, 'max_fine', trim_scale(f.max_fine), 'fine_total', coalesce(f.fine_total, 0),
           'penalties', to_jsonb(f.kinds), 'disallowed_kinds', coalesce(to_jsonb(f.bad), '[]'),
           'party_type_zh', CASE WHEN f.person THEN '公民' ELSE '法人或者其他组织' END,
           'party_type_en', CASE WHEN f.person THEN 'a person' ELSE 'an organisation' END,
           'detail_zh', concat_ws('，并',
              CASE WHEN f.bad IS NOT NULL THEN '给予了' || f.bad_zh END,
              CASE WHEN f.over THEN format('罚款合计%s元', f.fine_total) END),
           'detail_en', concat_ws(' and ',
              CASE WHEN f.bad IS NOT NULL THEN 'imposed ' || array_to_string(f.bad, ', ') END,
              CASE WHEN f.over THEN format('fined %s yuan in total', f.fine_total) END))
    FROM f
   WHERE f.bad IS NOT NULL OR f.over
$$;

-- ---- D04: filing approval and timely filing (行政处罚法 art. 54) --------------------------------------------------
-- General-procedure penalty cases. Error (key 'filing_approval'): a case filed or decided has no filing_approval
-- document with a non-blank approver. Warning (key 'filing_deadline'): filed_on is later than filing_wd working days
-- after violation.discovered_on; or, as of the audit date, a case not filed and not decided at all (no filed_on,
-- decided_on or decision outcome) is past that deadline. Without discovered_on the deadline is not checked.
CREATE FUNCTION ca_rule_d04(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH k AS MATERIALIZED (SELECT ca_rule_params(p_pack, 'D04') AS pp),
  c AS (
    SELECT c.id, c.filed_on, c.decided_on, c.violation_discovered_on AS disc,
           c.filed_on IS NULL AND c.decided_on IS NULL AND c.decision_outcome IS NULL AS pending,
           ca_dp_int(ca_param(k.pp, c.sector, c.agency_code, 'filing_wd')) AS n
      FROM cases c
      CROSS JOIN k
     WHERE c.id = ANY (p_ids) AND c.category = 'penalty' AND c.procedure = 'general'
  ),
  approval AS (
    SELECT c.id, 'filing_approval' AS key, 'error' AS severity,
           jsonb_build_object(
             'filed_on', c.filed_on, 'discovered_on', c.disc, 'filing_wd', c.n, 'deadline', NULL::date,
             'as_of', p_as_of, 'filing_approval_documents', coalesce(to_jsonb(fa.docs), '[]'),
             'detail_zh', CASE WHEN fa.docs IS NULL THEN '案卷中没有立案审批表，立案未经负责人审批'
                               ELSE format('立案审批表（%s）没有负责人的审批签署', array_to_string(fa.docs, '、'))
                          END,
             'detail_en', CASE WHEN fa.docs IS NULL THEN 'the file has no filing approval form (立案审批表)'
                               ELSE format('the filing approval form (%s) is not signed by an approver',
                                           array_to_string(fa.docs, ', '))
                          END) AS evidence
      FROM c
      CROSS JOIN LATERAL (   -- the filing approval forms, case by case
        SELECT array_agg(d.doc_id ORDER BY d.ord) AS docs, bool_or(NOT ca_blank(d.approver)) AS approved
          FROM case_documents d
         WHERE d.case_id = c.id AND d.type = 'filing_approval') fa
     WHERE (c.filed_on IS NOT NULL OR c.decided_on IS NOT NULL) AND NOT coalesce(fa.approved, false)
  ),
  late AS (
    SELECT c.id, c.filed_on, c.disc, c.n, c.pending, w.due, w.beyond, w.missing_year
      FROM c
      -- n working days are at least n calendar days: only a later date can be late, and only then is the calendar read
      CROSS JOIN LATERAL ca_dp_due_rel(c.disc, c.n, CASE WHEN c.pending THEN p_as_of ELSE c.filed_on END) AS w
     WHERE c.disc IS NOT NULL AND c.n >= 0 AND isfinite(p_as_of)
       AND CASE WHEN c.pending THEN p_as_of ELSE c.filed_on END - c.disc > c.n
  ),
  deadline AS (
    SELECT l.id, 'filing_deadline' AS key, 'warning' AS severity,
           jsonb_build_object(
             'filed_on', l.filed_on, 'discovered_on', l.disc, 'filing_wd', l.n, 'deadline', l.due, 'as_of', p_as_of,
             'filing_approval_documents', '[]'::jsonb,
             'detail_zh', CASE
                WHEN l.missing_year IS NOT NULL
                  THEN format('无法核对立案期限（%s起%s个工作日）：%s', ca_dp_date(l.disc), l.n,
                              ca_dp_calendar_zh(l.missing_year))
                WHEN l.pending
                  THEN format('%s发现违法线索，应在%s个工作日内（至%s）决定是否立案，截至%s仍未立案', ca_dp_date(l.disc),
                              l.n, ca_dp_date(l.due), ca_dp_date(p_as_of))
                ELSE format('%s发现违法线索，应在%s个工作日内（至%s）立案，实际于%s立案', ca_dp_date(l.disc), l.n,
                            ca_dp_date(l.due), ca_dp_date(l.filed_on)) END,
             'detail_en', CASE
                WHEN l.missing_year IS NOT NULL
                  THEN format('the filing period (%s working days from %s) cannot be checked: %s', l.n,
                              ca_dp_date(l.disc), ca_dp_calendar_en(l.missing_year))
                WHEN l.pending
                  THEN format('discovered on %s, the case had to be filed within %s working days (by %s) but is still '
                              'not filed as of %s', ca_dp_date(l.disc), l.n, ca_dp_date(l.due), ca_dp_date(p_as_of))
                ELSE format('discovered on %s, the case had to be filed within %s working days (by %s) '
                            'but was filed on %s', ca_dp_date(l.disc), l.n, ca_dp_date(l.due), ca_dp_date(l.filed_on))
                END)
           || CASE WHEN l.missing_year IS NOT NULL THEN jsonb_build_object('calendar_missing_year', l.missing_year)
                   ELSE '{}' END AS evidence
      FROM late l
     WHERE l.missing_year IS NOT NULL
        OR (l.due IS NOT NULL AND CASE WHEN l.pending THEN p_as_of ELSE l.filed_on END > l.due)
  )
  SELECT a.id, a.key, a.severity, false, a.evidence FROM approval a
  UNION ALL
  SELECT d.id, d.key, 'warning', false, d.evidence FROM deadline d
$$;

-- ---- D05: decision within decision_days of filing (行政处罚法 art. 60) --------------------------------------------
-- General-procedure penalty cases with filed_on. The deadline is filed_on + decision_days + the days of approved
-- decision_deadline extensions (approved on or before the decision, or the audit date; an extension without an
-- approval date counts) + the calendar days of the suspensions (each from..to inclusive, overlaps counted once,
-- clipped to the days after filing up to the decision or audit date; an open suspension runs to that date). A
-- decided case fails when decided_on is after the deadline; an undecided one (no decided_on, outcome or closed_on)
-- fails when the audit date is after it.
CREATE FUNCTION ca_rule_d05(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH k AS MATERIALIZED (SELECT ca_rule_params(p_pack, 'D05') AS pp),
  c AS (
    SELECT c.id, c.filed_on, c.decided_on, coalesce(c.decided_on, p_as_of) AS end_on,
           ca_dp_int(ca_param(k.pp, c.sector, c.agency_code, 'decision_days')) AS days
      FROM cases c
      CROSS JOIN k
     WHERE c.id = ANY (p_ids) AND c.category = 'penalty' AND c.procedure = 'general' AND c.filed_on IS NOT NULL
       AND (c.decided_on IS NOT NULL OR (c.decision_outcome IS NULL AND c.closed_on IS NULL))
       AND isfinite(coalesce(c.decided_on, p_as_of))
  ),
  x AS (
    SELECT c.*, e.days AS ext_days, sp.days AS susp_days, c.filed_on + c.days + e.days + sp.days AS deadline
      FROM c
      -- case by case: the approved extensions ...
      CROSS JOIN LATERAL (
        SELECT least(coalesce(sum(least(x.days, 3650)), 0), 3650)::int AS days
          FROM case_extensions x
         WHERE x.case_id = c.id AND x.kind = 'decision_deadline' AND x.days > 0
           AND (x.approved_on IS NULL OR x.approved_on <= c.end_on)) e
      -- ... and the days of the union of the suspensions clipped to (filed_on, end_on]: islands of overlapping
      -- periods, found by comparing each start with the latest end before it
      CROSS JOIN LATERAL (
        SELECT coalesce(sum(g.hi - g.lo + 1), 0)::int AS days
          FROM (SELECT min(i.lo) AS lo, max(i.hi) AS hi
                  FROM (SELECT q.lo, q.hi,
                               count(*) FILTER (WHERE q.prev_hi IS NULL OR q.lo > q.prev_hi)
                                 OVER (ORDER BY q.lo, q.hi) AS island
                          FROM (SELECT r.lo, r.hi,
                                       max(r.hi) OVER (ORDER BY r.lo, r.hi
                                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_hi
                                  FROM (SELECT greatest(s.from_on, c.filed_on + 1) AS lo,
                                               least(coalesce(s.to_on, c.end_on), c.end_on) AS hi
                                          FROM case_suspensions s
                                         WHERE s.case_id = c.id AND s.from_on IS NOT NULL) r
                                 WHERE r.lo <= r.hi) q) i
                 GROUP BY i.island) g) sp
     WHERE c.days BETWEEN 0 AND 36500
  )
  SELECT x.id, '', 'error', false,
         jsonb_build_object(
           'filed_on', x.filed_on, 'decided_on', x.decided_on, 'as_of', p_as_of, 'decision_days', x.days,
           'extension_days', x.ext_days, 'suspended_days', x.susp_days, 'deadline', x.deadline,
           'elapsed_days', x.end_on - x.filed_on - x.susp_days, 'overdue_days', x.end_on - x.deadline,
           'detail_zh', CASE WHEN x.decided_on IS NOT NULL
                             THEN format('实际于%s作出处罚决定，超期%s日', ca_dp_date(x.decided_on), x.end_on - x.deadline)
                             ELSE format('截至%s仍未作出处罚决定，已超期%s日', ca_dp_date(p_as_of), x.end_on - x.deadline)
                        END,
           'detail_en', CASE WHEN x.decided_on IS NOT NULL
                             THEN format('decided on %s, %s day(s) late', ca_dp_date(x.decided_on),
                                         x.end_on - x.deadline)
                             ELSE format('still undecided as of %s, %s day(s) late', ca_dp_date(p_as_of),
                                         x.end_on - x.deadline) END)
    FROM x
   WHERE x.end_on > x.deadline
$$;

-- ---- D06: prior notice served, statement period respected (行政处罚法 arts. 44, 62, 85) ---------------------------
-- General-procedure penalty cases with decided_on whose outcome is penalty (or absent while final penalties are
-- listed). Keys: 'prior_notice' when there is no prior_notice document; else the operative notice's id when it has
-- no service date, or when decided_on is not after statement_wd working days from its service (a notice served on or
-- after the decision day falls here too). The statement period cannot be waived in the record, so it always applies.
CREATE FUNCTION ca_rule_d06(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH k AS MATERIALIZED (SELECT ca_rule_params(p_pack, 'D06') AS pp),
  c AS (
    SELECT c.id, c.decided_on, ca_dp_int(ca_param(k.pp, c.sector, c.agency_code, 'statement_wd')) AS n
      FROM cases c
      CROSS JOIN k
     WHERE c.id = ANY (p_ids) AND c.category = 'penalty' AND c.procedure = 'general' AND c.decided_on IS NOT NULL
       AND (c.decision_outcome = 'penalty'
            OR (c.decision_outcome IS NULL
                AND EXISTS (SELECT 1 FROM case_penalties p WHERE p.case_id = c.id AND NOT p.notified)))
  ),
  x AS (
    SELECT c.id, c.decided_on, c.n, nt.doc_id, sv.served_on, w.due, w.beyond, w.missing_year
      FROM c
      -- case by case: the operative prior notice and its first service
      LEFT JOIN LATERAL (
        SELECT d.doc_id
          FROM case_documents d
         WHERE d.case_id = c.id AND d.type = 'prior_notice'
         ORDER BY d.issued_on DESC NULLS LAST, d.ord DESC
         LIMIT 1) nt ON true
      LEFT JOIN LATERAL (
        SELECT min(s.served_on) AS served_on
          FROM case_services s
         WHERE s.case_id = c.id AND s.document_ref = nt.doc_id) sv ON true
      CROSS JOIN LATERAL ca_dp_due_rel(sv.served_on, c.n, c.decided_on) AS w
  ),
  hit AS (
    SELECT x.*,
           CASE WHEN x.doc_id IS NULL THEN 'missing'
                WHEN x.served_on IS NULL THEN 'unserved'
                WHEN x.served_on >= x.decided_on THEN 'served_late'
                WHEN x.missing_year IS NOT NULL THEN 'calendar'
                WHEN x.beyond OR x.decided_on <= x.due THEN 'too_early' END AS what
      FROM x
  )
  SELECT h.id, coalesce(h.doc_id, 'prior_notice'),
         CASE WHEN h.what = 'calendar' THEN 'warning' ELSE 'error' END, h.what <> 'calendar',
         jsonb_build_object(
           'notice_id', h.doc_id, 'served_on', h.served_on, 'decided_on', h.decided_on, 'statement_wd', h.n,
           'deadline', h.due)
         || CASE WHEN h.what = 'calendar' THEN jsonb_build_object('calendar_missing_year', h.missing_year)
                 ELSE '{}' END
         || jsonb_build_object(
           'detail_zh', CASE h.what
              WHEN 'missing' THEN format('处罚决定（%s）作出前未制作行政处罚事先告知书', ca_dp_date(h.decided_on))
              WHEN 'unserved' THEN format('行政处罚事先告知书（%s）没有送达记录', h.doc_id)
              WHEN 'calendar' THEN format('无法核对行政处罚事先告知书（%s）的陈述申辩期：%s', h.doc_id,
                                          ca_dp_calendar_zh(h.missing_year))
              WHEN 'served_late' THEN
                CASE WHEN h.served_on = h.decided_on
                     THEN format('行政处罚事先告知书（%s）与处罚决定同日（%s）送达，当事人没有陈述申辩的期间', h.doc_id,
                                 ca_dp_date(h.served_on))
                     ELSE format('行政处罚事先告知书（%s）于%s才送达，晚于%s作出的处罚决定', h.doc_id,
                                 ca_dp_date(h.served_on), ca_dp_date(h.decided_on)) END
              ELSE format('行政处罚事先告知书（%s）于%s送达，当事人陈述申辩期%s个工作日%s，处罚决定却于%s作出，'
                          '未等待陈述申辩期届满', h.doc_id, ca_dp_date(h.served_on), h.n,
                          coalesce('至' || ca_dp_date(h.due) || '届满', '尚未届满'), ca_dp_date(h.decided_on)) END,
           'detail_en', CASE h.what
              WHEN 'missing' THEN format('no prior notice (事先告知书) was made before the decision of %s',
                                         ca_dp_date(h.decided_on))
              WHEN 'unserved' THEN format('the prior notice %s has no record of service', h.doc_id)
              WHEN 'calendar' THEN format('the statement period of prior notice %s cannot be checked: %s', h.doc_id,
                                          ca_dp_calendar_en(h.missing_year))
              WHEN 'served_late' THEN format('the prior notice %s was served on %s, not before the decision of %s',
                                             h.doc_id, ca_dp_date(h.served_on), ca_dp_date(h.decided_on))
              ELSE format('the prior notice %s was served on %s and the decision made on %s, before the %s-working-day '
                          'statement period had run out%s', h.doc_id, ca_dp_date(h.served_on), ca_dp_date(h.decided_on),
                          h.n, coalesce(' (it ends on ' || ca_dp_date(h.due) || ')', '')) END)
    FROM hit h
   WHERE h.what IS NOT NULL
$$;

-- ---- D07: hearing right notified for heavy penalties (行政处罚法 art. 63) ------------------------------------------
-- Penalty cases imposing fines totalling at least hearing_fine_person (party type person) or hearing_fine_org (any
-- other or unknown type), or a penalty of a kind in hearing_kinds: hearing.right_notified must be true (absent or
-- false fails). One case-level finding.
CREATE FUNCTION ca_rule_d07(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH k AS MATERIALIZED (SELECT ca_rule_params(p_pack, 'D07') AS pp),
  c AS (
    SELECT c.id, c.party_type, c.party_type = 'person' AS person, c.hearing_right_notified,
           ca_dp_num(CASE WHEN c.party_type = 'person'
                          THEN ca_param(k.pp, c.sector, c.agency_code, 'hearing_fine_person')
                          ELSE ca_param(k.pp, c.sector, c.agency_code, 'hearing_fine_org') END) AS threshold,
           ca_param(k.pp, c.sector, c.agency_code, 'hearing_kinds') AS kinds
      FROM cases c
      CROSS JOIN k
     WHERE c.id = ANY (p_ids) AND c.category = 'penalty' AND coalesce(c.decision_outcome, 'penalty') = 'penalty'
       AND c.hearing_right_notified IS NOT TRUE
  ),
  f AS (
    SELECT c.*, p.fine_total, p.heavy, p.heavy_zh, coalesce(p.fine_total >= c.threshold, false) AS big
      FROM c
      CROSS JOIN LATERAL (   -- the final penalties, case by case
        SELECT trim_scale(sum(p.amount) FILTER (WHERE p.kind = 'fine')) AS fine_total,
               array_agg(DISTINCT p.kind) FILTER (WHERE jsonb_typeof(c.kinds) = 'array' AND c.kinds ? p.kind) AS heavy,
               string_agg(DISTINCT ca_dp_penalty_zh(p.kind), '、')
                 FILTER (WHERE jsonb_typeof(c.kinds) = 'array' AND c.kinds ? p.kind) AS heavy_zh
          FROM case_penalties p
         WHERE p.case_id = c.id AND NOT p.notified) p
  )
  SELECT f.id, '', 'error', false,
         jsonb_build_object(
           'party_type', f.party_type, 'fine_total', coalesce(f.fine_total, 0),
           'fine_threshold', trim_scale(f.threshold), 'heavy_kinds', coalesce(to_jsonb(f.heavy), '[]'),
           'right_notified', f.hearing_right_notified,
           'trigger_zh', concat_ws('，',
              CASE WHEN f.big THEN format('罚款%s元（对%s罚款%s元以上即应告知听证权利）', f.fine_total,
                                          CASE WHEN f.person THEN '公民' ELSE '法人或者其他组织' END,
                                          trim_scale(f.threshold)) END,
              f.heavy_zh),
           'trigger_en', concat_ws(', ',
              CASE WHEN f.big THEN format('fines of %s yuan (the hearing threshold for %s is %s yuan)', f.fine_total,
                                          CASE WHEN f.person THEN 'a person' ELSE 'an organisation' END,
                                          trim_scale(f.threshold)) END,
              array_to_string(f.heavy, ', ')))
    FROM f
   WHERE f.big OR f.heavy IS NOT NULL
$$;

-- ---- D08: hearing procedure (行政处罚法 arts. 64, 65) ----------------------------------------------------------------
-- Penalty cases whose hearing was requested or held and not waived. One finding per failed step:
--   'request'   requested_on is later than request_wd working days after the service of the operative prior notice
--               (not checked without a served prior notice);
--   'notice'    a held hearing has no notice_served_on, or held_on is before notice_wd working days after it;
--   'host'      the host's certificate is that of an investigator: an officer of the case with role investigator, or
--               an officer of an investigative event (inspection, inquiry, evidence collection or preservation,
--               sealing, seizure);
--   'record'    a held hearing's record_signed is not true;
--   'decision'  decided_on is before held_on, or a requested hearing was never held but the case is decided.
CREATE FUNCTION ca_rule_d08(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH k AS MATERIALIZED (SELECT ca_rule_params(p_pack, 'D08') AS pp),
  c AS (
    SELECT c.id, c.decided_on, c.hearing_requested_on AS req, c.hearing_notice_served_on AS ns,
           c.hearing_held_on AS held, c.hearing_host_cert_no AS host, c.hearing_record_signed AS signed,
           ca_dp_int(ca_param(k.pp, c.sector, c.agency_code, 'request_wd')) AS req_n,
           ca_dp_int(ca_param(k.pp, c.sector, c.agency_code, 'notice_wd')) AS notice_n
      FROM cases c
      CROSS JOIN k
     WHERE c.id = ANY (p_ids) AND c.category = 'penalty' AND c.hearing_waived IS NOT TRUE
       AND (c.hearing_requested_on IS NOT NULL OR c.hearing_held_on IS NOT NULL)
  ),
  x AS (
    SELECT c.*, nt.doc_id AS notice_id, sv.served_on AS pn_served,
           rq.due AS req_due, rq.beyond AS req_beyond, rq.missing_year AS req_missing,
           nd.due AS notice_due, nd.beyond AS notice_beyond, nd.missing_year AS notice_missing,
           -- the host is an investigator: an investigating officer of the case, or an officer of an investigative event
           c.held IS NOT NULL AND NOT ca_blank(c.host)
           AND (EXISTS (SELECT 1 FROM case_officers o
                         WHERE o.case_id = c.id AND o.role = 'investigator'
                           AND ca_dp_cert(o.cert_no) = ca_dp_cert(c.host))
                OR EXISTS (SELECT 1 FROM case_events e
                             JOIN case_event_officers eo ON eo.case_id = e.case_id AND eo.event_id = e.event_id
                            WHERE e.case_id = c.id
                              AND e.type IN ('on_site_inspection', 'inquiry', 'evidence_collection',
                                             'evidence_preservation', 'sealing', 'seizure')
                              AND ca_dp_cert(eo.cert_no) = ca_dp_cert(c.host))) AS host_inv
      FROM c
      -- case by case: the operative prior notice and its first service
      LEFT JOIN LATERAL (
        SELECT d.doc_id
          FROM case_documents d
         WHERE d.case_id = c.id AND d.type = 'prior_notice'
         ORDER BY d.issued_on DESC NULLS LAST, d.ord DESC
         LIMIT 1) nt ON c.req IS NOT NULL
      LEFT JOIN LATERAL (
        SELECT min(s.served_on) AS served_on
          FROM case_services s
         WHERE s.case_id = c.id AND s.document_ref = nt.doc_id) sv ON nt.doc_id IS NOT NULL
      -- only a request later than req_n calendar days after the service can be late
      CROSS JOIN LATERAL ca_dp_due_rel(CASE WHEN c.req - sv.served_on > c.req_n THEN sv.served_on END, c.req_n, c.req)
        AS rq
      CROSS JOIN LATERAL ca_dp_due_rel(CASE WHEN c.held IS NOT NULL THEN c.ns END, c.notice_n, c.held) AS nd
  ),
  hits AS (
    SELECT x.*, h.key, h.calendar_year, h.zh, h.en
      FROM x
      CROSS JOIN LATERAL (VALUES
        ('request', x.req_missing,
         CASE WHEN x.req_missing IS NOT NULL
                THEN format('无法核对听证申请期限：%s', ca_dp_calendar_zh(x.req_missing))
              WHEN x.req_due IS NOT NULL AND x.req > x.req_due
                THEN format('事先告知书（%s）于%s送达，听证申请应在%s个工作日内（至%s）提出，当事人于%s才申请',
                            x.notice_id, ca_dp_date(x.pn_served), x.req_n, ca_dp_date(x.req_due),
                            ca_dp_date(x.req)) END,
         CASE WHEN x.req_missing IS NOT NULL
                THEN format('the hearing request period cannot be checked: %s', ca_dp_calendar_en(x.req_missing))
              WHEN x.req_due IS NOT NULL AND x.req > x.req_due
                THEN format('the prior notice %s was served on %s; a hearing had to be requested within %s '
                            'working days (by %s) but was requested on %s', x.notice_id, ca_dp_date(x.pn_served),
                            x.req_n, ca_dp_date(x.req_due), ca_dp_date(x.req)) END),
        ('notice', x.notice_missing,
         CASE WHEN x.held IS NULL THEN NULL
              WHEN x.ns IS NULL THEN format('听证于%s举行，但没有听证通知送达日期的记载', ca_dp_date(x.held))
              WHEN x.notice_missing IS NOT NULL
                THEN format('无法核对听证通知期限：%s', ca_dp_calendar_zh(x.notice_missing))
              WHEN x.notice_beyond OR x.held < x.notice_due
                THEN format('听证通知于%s送达，应在送达%s个工作日后（最早%s）举行听证，实际于%s举行',
                            ca_dp_date(x.ns), x.notice_n, coalesce(ca_dp_date(x.notice_due), '—'), ca_dp_date(x.held))
         END,
         CASE WHEN x.held IS NULL THEN NULL
              WHEN x.ns IS NULL THEN format('the hearing was held on %s but no service of the hearing notice is '
                                            'recorded', ca_dp_date(x.held))
              WHEN x.notice_missing IS NOT NULL
                THEN format('the hearing notice period cannot be checked: %s', ca_dp_calendar_en(x.notice_missing))
              WHEN x.notice_beyond OR x.held < x.notice_due
                THEN format('the hearing notice was served on %s, so the hearing could be held %s working days later '
                            '(on %s at the earliest), but it was held on %s', ca_dp_date(x.ns), x.notice_n,
                            coalesce(ca_dp_date(x.notice_due), '-'), ca_dp_date(x.held)) END),
        ('host', NULL::int,
         CASE WHEN x.held IS NOT NULL AND x.host_inv
              THEN format('听证主持人（执法证号%s）是本案调查人员', btrim(x.host)) END,
         CASE WHEN x.held IS NOT NULL AND x.host_inv
              THEN format('the hearing host (certificate %s) is an investigator of the case', btrim(x.host)) END),
        ('record', NULL::int,
         CASE WHEN x.held IS NOT NULL AND x.signed IS NOT TRUE
              THEN format('%s举行的听证，听证笔录未经当事人签字确认，也未注明拒签', ca_dp_date(x.held)) END,
         CASE WHEN x.held IS NOT NULL AND x.signed IS NOT TRUE
              THEN format('the record of the hearing of %s is not signed', ca_dp_date(x.held)) END),
        ('decision', NULL::int,
         CASE WHEN x.decided_on IS NOT NULL AND x.held IS NULL AND x.req IS NOT NULL
                THEN format('当事人于%s申请听证，未举行听证即于%s作出处罚决定', ca_dp_date(x.req), ca_dp_date(x.decided_on))
              WHEN x.decided_on < x.held
                THEN format('处罚决定于%s作出，早于%s举行的听证', ca_dp_date(x.decided_on), ca_dp_date(x.held)) END,
         CASE WHEN x.decided_on IS NOT NULL AND x.held IS NULL AND x.req IS NOT NULL
                THEN format('a hearing was requested on %s, but the case was decided on %s without holding it',
                            ca_dp_date(x.req), ca_dp_date(x.decided_on))
              WHEN x.decided_on < x.held
                THEN format('the decision of %s came before the hearing of %s', ca_dp_date(x.decided_on),
                            ca_dp_date(x.held)) END)
      ) AS h(key, calendar_year, zh, en)
     WHERE h.zh IS NOT NULL
  )
  SELECT h.id, h.key, CASE WHEN h.calendar_year IS NULL THEN 'error' ELSE 'warning' END, false,
         jsonb_build_object(
           'requested_on', h.req, 'notice_served_on', h.ns, 'held_on', h.held, 'decided_on', h.decided_on,
           'host_cert_no', h.host, 'record_signed', h.signed, 'request_wd', h.req_n, 'notice_wd', h.notice_n,
           'prior_notice_id', h.notice_id, 'prior_notice_served_on', h.pn_served,
           'deadline', CASE h.key WHEN 'request' THEN h.req_due WHEN 'notice' THEN h.notice_due END,
           'detail_zh', h.zh, 'detail_en', h.en)
         || CASE WHEN h.calendar_year IS NOT NULL THEN jsonb_build_object('calendar_missing_year', h.calendar_year)
                 ELSE '{}' END
    FROM hits h
$$;

-- ---- D09: no heavier penalty than notified; statements re-examined (行政处罚法 art. 45) ---------------------------
-- Penalty cases imposing penalties that have notified_penalties: key 'new:<kind>' for a final kind the notice did not
-- propose, 'amount:<kind>' when the final amounts of a kind total more than the notified ones (kinds without amounts
-- are not compared). Without any notified penalty there is nothing to compare (D06 covers a missing notice). Key
-- 'reexamination': defense.made is true and reexamined_on is absent or after decided_on.
CREATE FUNCTION ca_rule_d09(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS (
    SELECT c.id, c.decided_on, c.decision_outcome, c.defense_made, c.defense_reexamined_on
      FROM cases c
     WHERE c.id = ANY (p_ids) AND c.category = 'penalty'
  ),
  cmp AS (
    SELECT c.id AS case_id, y.*, nk.notified_kinds
      FROM c
      -- case by case: final and notified penalties side by side, per kind, keeping the final kinds that are new or
      -- heavier; only those rows then look for the notified kinds (none: nothing was notified, nothing to compare)
      CROSS JOIN LATERAL (
        SELECT p.kind, bool_or(p.notified) AS notified,
               trim_scale(sum(p.amount) FILTER (WHERE NOT p.notified)) AS final_amount,
               trim_scale(sum(p.amount) FILTER (WHERE p.notified)) AS notified_amount
          FROM case_penalties p
         WHERE p.case_id = c.id AND p.kind IS NOT NULL
         GROUP BY p.kind
        HAVING bool_or(NOT p.notified)
           AND (NOT bool_or(p.notified)
                OR sum(p.amount) FILTER (WHERE NOT p.notified) > sum(p.amount) FILTER (WHERE p.notified))) y
      CROSS JOIN LATERAL (
        SELECT array_agg(DISTINCT n.kind) AS notified_kinds
          FROM case_penalties n
         WHERE n.case_id = c.id AND n.notified AND n.kind IS NOT NULL) nk
     WHERE coalesce(c.decision_outcome, 'penalty') = 'penalty' AND nk.notified_kinds IS NOT NULL
  ),
  heavier AS (
    SELECT x.case_id, CASE WHEN x.notified THEN 'amount:' ELSE 'new:' END || x.kind AS key,
           jsonb_build_object(
             'kind', x.kind, 'final_amount', x.final_amount, 'notified_amount', x.notified_amount,
             'notified_kinds', to_jsonb(x.notified_kinds),
             'detail_zh', CASE WHEN x.notified
                THEN format('处罚决定的%s金额%s元高于事先告知的%s元', ca_dp_penalty_zh(x.kind), x.final_amount,
                            x.notified_amount)
                ELSE format('处罚决定增加了事先告知中未载明的处罚种类“%s”', ca_dp_penalty_zh(x.kind)) END,
             'detail_en', CASE WHEN x.notified
                THEN format('The decision''s %s of %s yuan exceeds the %s yuan notified', x.kind, x.final_amount,
                            x.notified_amount)
                ELSE format('The decision adds the penalty kind %s, which the prior notice did not propose', x.kind)
                END) AS evidence
      FROM cmp x
  ),
  reexam AS (
    SELECT c.id AS case_id, 'reexamination' AS key,
           jsonb_build_object(
             'defense_made', true, 'reexamined_on', c.defense_reexamined_on, 'decided_on', c.decided_on,
             'detail_zh', CASE WHEN c.defense_reexamined_on IS NULL THEN '当事人进行了陈述申辩，案卷未记载复核'
                               ELSE format('当事人进行了陈述申辩，复核日期%s晚于处罚决定日期%s',
                                           ca_dp_date(c.defense_reexamined_on), ca_dp_date(c.decided_on)) END,
             'detail_en', CASE WHEN c.defense_reexamined_on IS NULL
                               THEN 'The party made statements or a defence, but no re-examination is recorded'
                               ELSE format('The party''s statements were re-examined on %s, after the decision of %s',
                                           ca_dp_date(c.defense_reexamined_on), ca_dp_date(c.decided_on)) END)
             AS evidence
      FROM c
     WHERE c.defense_made AND (c.defense_reexamined_on IS NULL OR c.defense_reexamined_on > c.decided_on)
  )
  SELECT h.case_id, h.key, 'error', false, h.evidence FROM heavier h
  UNION ALL
  SELECT r.case_id, r.key, 'error', false, r.evidence FROM reexam r
$$;

-- ---- Group dispatcher -----------------------------------------------------------------------------------------------
-- Called by ca_collect_hits() (sql/0010) inside ca_evaluate(), which creates the temp table ca_hits first; PL/pgSQL
-- resolves ca_hits at run time. One static INSERT per rule, so each plan is cached per session.
-- jit = off: with the real id array of an audit chunk (2,000 cases) the estimated costs pass jit_above_cost, and
-- compiling these short, index-driven queries took 5-8 s per rule and chunk, ten times their run time.
CREATE FUNCTION ca_collect_hits_documents_procedure(p_pack text, p_rules jsonb, p_ids uuid[], p_as_of date,
                                                    p_only text[])
    RETURNS void LANGUAGE plpgsql SET jit = off AS $$
BEGIN
  IF p_rules ? 'D01' AND (p_only IS NULL OR 'D01' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D01', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d01(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'D02' AND (p_only IS NULL OR 'D02' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D02', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d02(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'D03' AND (p_only IS NULL OR 'D03' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D03', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d03(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'D04' AND (p_only IS NULL OR 'D04' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D04', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d04(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'D05' AND (p_only IS NULL OR 'D05' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D05', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d05(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'D06' AND (p_only IS NULL OR 'D06' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D06', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d06(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'D07' AND (p_only IS NULL OR 'D07' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D07', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d07(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'D08' AND (p_only IS NULL OR 'D08' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D08', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d08(p_pack, p_ids, p_as_of) h;
  END IF;
  IF p_rules ? 'D09' AND (p_only IS NULL OR 'D09' = ANY (p_only)) THEN
    INSERT INTO ca_hits (case_id, rule_id, key, severity, veto, evidence)
    SELECT h.case_id, 'D09', h.key, h.severity, h.veto, h.evidence FROM ca_rule_d09(p_pack, p_ids, p_as_of) h;
  END IF;
END;
$$;
