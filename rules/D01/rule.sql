-- rules/D01/rule.sql: the one definition of rule D01 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- D01: is the officer with certificate `cert` listed on an event of day d an officer of the case (certs, with their
-- certificates' froms / untils), and is a certificate of theirs valid on d? A bound that is not recorded is not
-- checked; without d only membership is. valid_from / valid_until: the earliest and latest bounds, for the evidence.
CREATE OR REPLACE FUNCTION ca_dp_officer_check(cert text, d date, certs text[], froms date[], untils date[])
    RETURNS TABLE (on_case boolean, valid boolean, valid_from date, valid_until date)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT count(*) > 0,
         d IS NULL OR coalesce(bool_or((o.vf IS NULL OR o.vf <= d) AND (o.vu IS NULL OR o.vu >= d)), false),
         min(o.vf), max(o.vu)
    FROM unnest(certs, froms, untils) AS o(cert, vf, vu)
   WHERE o.cert = ca_dp_officer_check.cert
$$;

CREATE OR REPLACE FUNCTION ca_dp_event_zh(t text) RETURNS text
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
-- Rewritten in sql/0017 (0008's first version is in git history), set-based: a cheap screen over all events of the
-- set finds the candidates (the failing events and a few more), which are then judged and described exactly as the
-- first version did, event by event (the case's officers through their primary key, ca_dp_officer_check()).
CREATE OR REPLACE FUNCTION ca_rule_d01(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  -- k: the parameters, and the largest min_officers any case can have (NULL, not a number: no minimum), for the
  -- screen below.
  WITH k AS MATERIALIZED (
    SELECT p.pp, coalesce(m.max_n, 0) AS max_n
      FROM (SELECT ca_rule_params(p_pack, 'D01') AS pp) p
      CROSS JOIN LATERAL (
        SELECT max(ca_dp_int(j)) AS max_n
          FROM (SELECT p.pp -> 'default' -> 'min_officers'
                UNION ALL
                SELECT s.value -> 'min_officers'
                  FROM jsonb_each(CASE WHEN jsonb_typeof(p.pp -> 'profiles') = 'object' THEN p.pp -> 'profiles' END) s
                UNION ALL
                SELECT s.value -> 'min_officers'
                  FROM jsonb_each(CASE WHEN jsonb_typeof(p.pp -> 'agencies') = 'object' THEN p.pp -> 'agencies' END) s
               ) AS v(j)) m
  ),
  -- The screen, per event of the set: all_ok when every officer listed (non-blank; officers listed under an
  -- unknown event id are ignored, as in 0008) is an officer of the case with a certificate valid on the event's day
  -- (a bound not recorded is not checked, without a day only membership is); cert_lo / cert_hi tell whether it
  -- lists at least one or two distinct officers. One hash join per child table, one hash aggregate. OFFSET 0 keeps
  -- the normalised numbers computed once per row (flattened, the join and the aggregate computed them again).
  ev AS (
    SELECT e.case_id, e.event_id, e.type, e.d,
           bool_and(co.case_id IS NOT NULL
                    AND (e.d IS NULL OR ((co.cert_valid_from IS NULL OR co.cert_valid_from <= e.d)
                                         AND (co.cert_valid_until IS NULL OR co.cert_valid_until >= e.d)))) AS all_ok,
           min(l.cert COLLATE "C") AS cert_lo, max(l.cert COLLATE "C") AS cert_hi
      FROM (SELECT e.case_id, e.event_id, e.type, coalesce(e.started_at, e.ended_at)::date AS d
              FROM case_events e
             WHERE e.case_id = ANY (p_ids)) e
      LEFT JOIN (SELECT o.case_id, o.event_id, ca_dp_cert(o.cert_no) AS cert
                   FROM case_event_officers o
                  WHERE o.case_id = ANY (p_ids) AND NOT ca_blank(o.cert_no) OFFSET 0) l
             ON l.case_id = e.case_id AND l.event_id = e.event_id
      LEFT JOIN (SELECT co.case_id, ca_dp_cert(co.cert_no) AS cert, co.cert_valid_from, co.cert_valid_until
                   FROM case_officers co
                  WHERE co.case_id = ANY (p_ids) OFFSET 0) co ON co.case_id = l.case_id AND co.cert = l.cert
     GROUP BY e.case_id, e.event_id, e.type, e.d
  ),
  -- An event that passes the screen (all listed officers valid, at least max_n of them) passes the rule whatever its
  -- case's min_officers; the others (a few per thousand) are judged as in 0008 below, their evidence built on the
  -- way. A listed officer with several certificates of which one is not valid on the day, or more officers than the
  -- screen can count, only make an event a candidate.
  cand AS (
    SELECT x.case_id, x.event_id, x.type, x.d,
           (SELECT ca_dp_int(ca_param(k.pp, c.sector, c.agency_code, 'min_officers'))
              FROM cases c WHERE c.id = x.case_id) AS min_n
      FROM ev x
      CROSS JOIN k
     WHERE NOT (coalesce(x.all_ok, false)
                AND k.max_n <= CASE WHEN x.cert_lo <> x.cert_hi THEN 2 WHEN x.cert_lo IS NOT NULL THEN 1 ELSE 0 END)
  ),
  agg AS (     -- the evidence, for the candidate events only: their officers in the order first listed
    SELECT f.case_id, f.event_id, f.type, f.d, f.min_n, y.*
      FROM cand f
      CROSS JOIN LATERAL (
        SELECT array_agg(ca_dp_cert(co.cert_no)) AS certs, array_agg(co.cert_valid_from) AS froms,
               array_agg(co.cert_valid_until) AS untils
          FROM case_officers co
         WHERE co.case_id = f.case_id) off
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
          CROSS JOIN LATERAL ca_dp_officer_check(l.cert, f.d, off.certs, off.froms, off.untils) v
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
   WHERE a.n < a.min_n OR cardinality(a.not_case) > 0 OR a.invalid <> '[]'   -- the decision of 0008
$$;
