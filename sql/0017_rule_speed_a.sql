-- 0017: set-based rewrites of the slowest rules of the documents system for the nightly audit (issue #8).
-- Supersedes (same signatures, exactly the same rows and evidence for every input):
--   ca_dp_cert   (sql/0008)  a fast path for ASCII numbers, see there;
--   ca_rule_d01  (sql/0008)
--   ca_rule_d13  (sql/0009)
--   ca_rule_d16  (sql/0009)
--
-- Why: D01 read the child tables case by case (CROSS JOIN LATERAL ... WHERE x.case_id = c.id), D16 sorted the
-- signatures of every record document, D13 hashed all of case_documents for any id set: costs that the
-- 10,000-case chunks of the audit of 1M cases pay 100 times over. Here each child table is read once for the whole
-- id set (case_id = ANY (p_ids), its primary key's first column), aggregated with GROUP BY and joined by
-- (case_id, ...) with hash joins; the failing rows are found with cheap comparisons first, and only they (a few
-- per thousand cases) are judged and described, still case by case, with the 0008/0009 expressions unchanged.
--
-- Measured on 20,056 realistic cases (jit off, median of 3, old and new run alternately on a shared 2-core machine
-- under load, so only the ratios carry over; 10,000 and 500 ids in custom plans, one case through a generic cached
-- plan as ca_evaluate runs it):
--   rule   10,000 ids         500 ids          1 case
--   D01    3,508 ->  869 ms   127 -> 128 ms    2.5 -> 2.4 ms   (quiet machine before: 1,707 ms, 88 ms, 1.2 ms)
--   D13    1,950 -> 1,745 ms  634 -> 120 ms    1.1 -> 1.1 ms   (most of it now the 122,000 documents of the set)
--   D16    1,022 ->  562 ms   586 ->  42 ms    0.44 -> 0.37 ms
-- Of the 10,000-id time, ~0.1 s is now planning: each case_id = ANY (p_ids) over 10,000 ids costs ~30 ms of
-- selectivity estimation (one probe of the column's most common values per id).

-- ---- Helpers -----------------------------------------------------------------------------------------------------

-- ca_dp_cert() (sql/0008), the same value, faster: translate() with its 73 multibyte characters cost ~11 us per
-- call (most of the 1.7 s of D01 on 10,000 cases). The certificate numbers are ASCII as a rule (octet_length =
-- length in UTF-8), and on ASCII text the full-width translation and the trimming of U+3000 change nothing, so
-- only the rest goes through them. Used by D01 and D08 (inlined: the argument is referenced several times, which
-- the planner accepts for a column).
CREATE OR REPLACE FUNCTION ca_dp_cert(s text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT upper(CASE WHEN octet_length(s) = length(s) THEN btrim(s, E' \t\r\n')
                    ELSE translate(btrim(s, E' \t\r\n\u3000'),
                                   '０１２３４５６７８９－' || 'ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ'
                                     || 'ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ',
                                   '0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz') END)
$$;

-- ---- D01: two officers of the case with a valid certificate on every event ----------------------------------------
-- As 0008. Set-based: a cheap screen over all events of the set finds the candidates (the failing events and a few
-- more), which are then judged and described exactly as in 0008, event by event (the case's officers through
-- their primary key, ca_dp_officer_check()).
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

-- ---- D13: dates in procedural order ------------------------------------------------------------------------------
-- As 0009 (see there for the stages and the decision), which was set-based already but joined every child table to
-- the materialized id set: the planner then hashed the whole of case_documents (all cases, not only the set's;
-- batched to disk with the default work_mem) to probe it with the set. Here each child table is read for the set
-- only (case_id = ANY (p_ids)) and the services are hashed (the smaller side) for the documents to probe. The rest
-- is 0009's text.
CREATE OR REPLACE FUNCTION ca_rule_d13(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH cs AS MATERIALIZED (
    SELECT c.id, c.violation_discovered_on, c.filed_on, c.hearing_requested_on, c.hearing_notice_served_on,
           c.hearing_held_on, c.defense_reexamined_on, c.collective_held_on, c.decided_on, c.closed_on, c.archived_on
      FROM cases c
     WHERE c.id = ANY (p_ids)
  ), dw AS (  -- per case and stage: earliest (lo) and latest (hi) date of the documents and of their services
    SELECT x.case_id,
           min(x.issued_on) FILTER (WHERE x.st = 10) AS lo10,  max(x.issued_on) FILTER (WHERE x.st = 10) AS hi10,
           min(x.issued_on) FILTER (WHERE x.st = 20) AS lo20,  max(x.issued_on) FILTER (WHERE x.st = 20) AS hi20,
           min(x.issued_on) FILTER (WHERE x.st = 30) AS lo30,  max(x.issued_on) FILTER (WHERE x.st = 30) AS hi30,
           min(x.issued_on) FILTER (WHERE x.st = 35) AS lo35,  max(x.issued_on) FILTER (WHERE x.st = 35) AS hi35,
           min(x.issued_on) FILTER (WHERE x.st = 40) AS lo40,  max(x.issued_on) FILTER (WHERE x.st = 40) AS hi40,
           min(x.issued_on) FILTER (WHERE x.st = 50) AS lo50,  max(x.issued_on) FILTER (WHERE x.st = 50) AS hi50,
           min(x.issued_on) FILTER (WHERE x.st = 60) AS lo60,  max(x.issued_on) FILTER (WHERE x.st = 60) AS hi60,
           min(x.issued_on) FILTER (WHERE x.st = 70) AS lo70,  max(x.issued_on) FILTER (WHERE x.st = 70) AS hi70,
           min(x.issued_on) FILTER (WHERE x.st = 80) AS lo80,  max(x.issued_on) FILTER (WHERE x.st = 80) AS hi80,
           min(x.issued_on) FILTER (WHERE x.st = 90) AS lo90,  max(x.issued_on) FILTER (WHERE x.st = 90) AS hi90,
           min(x.issued_on) FILTER (WHERE x.st = 110) AS lo110, max(x.issued_on) FILTER (WHERE x.st = 110) AS hi110,
           max(x.issued_on) FILTER (WHERE x.st = 115) AS hi115,
           min(x.issued_on) FILTER (WHERE x.st = 120) AS lo120, max(x.issued_on) FILTER (WHERE x.st = 120) AS hi120,
           min(x.served_on) FILTER (WHERE x.sst = 60) AS slo60,  max(x.served_on) FILTER (WHERE x.sst = 60) AS shi60,
           min(x.served_on) FILTER (WHERE x.sst = 100) AS lo100, max(x.served_on) FILTER (WHERE x.sst = 100) AS hi100,
           max(x.served_on) FILTER (WHERE x.sst = 115) AS shi115
      FROM (SELECT d.case_id, d.issued_on, ca_dc_d13_doc_stage(d.type) AS st,         -- OFFSET 0: the stages are
                   s.served_on, ca_dc_d13_service_stage(d.type) AS sst             -- computed once per row,
              FROM case_documents d                                                -- not once per aggregate
              LEFT JOIN (SELECT s.case_id, s.document_ref, s.served_on
                           FROM case_services s
                          WHERE s.case_id = ANY (p_ids) AND s.served_on IS NOT NULL) s
                     ON s.case_id = d.case_id AND s.document_ref = d.doc_id
             WHERE d.case_id = ANY (p_ids)
            OFFSET 0) x
     GROUP BY x.case_id
  ), rw AS (
    SELECT r.case_id, min(r.reviewed_on) AS lo50, max(r.reviewed_on) AS hi50
      FROM case_legal_reviews r
     WHERE r.case_id = ANY (p_ids) AND r.reviewed_on IS NOT NULL
     GROUP BY r.case_id
  ), st AS (
    SELECT c.id AS case_id,
           least(c.violation_discovered_on, dw.lo10) AS lo10, greatest(c.violation_discovered_on, dw.hi10) AS hi10,
           least(c.filed_on, dw.lo20) AS lo20, greatest(c.filed_on, dw.hi20) AS hi20,
           dw.lo30, dw.hi30, dw.lo35, dw.hi35, dw.lo40, dw.hi40,
           least(rw.lo50, dw.lo50) AS lo50, greatest(rw.hi50, dw.hi50) AS hi50,
           least(dw.slo60, dw.lo60) AS lo60, greatest(dw.shi60, dw.hi60) AS hi60,
           least(c.hearing_requested_on, c.hearing_notice_served_on, c.hearing_held_on, c.defense_reexamined_on,
                 dw.lo70) AS lo70,
           greatest(c.hearing_requested_on, c.hearing_notice_served_on, c.hearing_held_on, c.defense_reexamined_on,
                    dw.hi70) AS hi70,
           least(c.collective_held_on, dw.lo80) AS lo80, greatest(c.collective_held_on, dw.hi80) AS hi80,
           least(c.decided_on, dw.lo90) AS lo90, greatest(c.decided_on, dw.hi90) AS hi90,
           dw.lo100, dw.hi100,
           least(c.closed_on, dw.lo110) AS lo110, greatest(c.closed_on, dw.hi110) AS hi110,
           greatest(dw.hi115, dw.shi115) AS hi115,
           least(c.archived_on, dw.lo120) AS lo120
      FROM cs c
      LEFT JOIN dw ON dw.case_id = c.id
      LEFT JOIN rw ON rw.case_id = c.id
  ), flagged AS MATERIALIZED (
    SELECT st.case_id
      FROM st
     WHERE st.lo20 < st.hi10
        OR st.lo30 < greatest(st.hi10, st.hi20)
        OR st.lo35 < st.hi10
        OR st.lo40 < greatest(st.hi10, st.hi20, st.hi30, st.hi35)
        OR st.lo50 < greatest(st.hi10, st.hi20, st.hi30, st.hi35, st.hi40)
        OR st.lo60 < greatest(st.hi10, st.hi20, st.hi30, st.hi35, st.hi40, st.hi50)
        OR st.lo70 < greatest(st.hi10, st.hi20, st.hi30, st.hi35, st.hi40, st.hi50, st.hi60)
        OR st.lo80 < greatest(st.hi10, st.hi20, st.hi30, st.hi35, st.hi40, st.hi50, st.hi60, st.hi70)
        OR st.lo90 < greatest(st.hi10, st.hi20, st.hi30, st.hi35, st.hi40, st.hi50, st.hi60, st.hi70, st.hi80)
        OR st.lo100 < greatest(st.hi10, st.hi20, st.hi30, st.hi35, st.hi40, st.hi50, st.hi60, st.hi70, st.hi80,
                               st.hi90)
        OR st.lo110 < greatest(st.hi10, st.hi20, st.hi30, st.hi35, st.hi40, st.hi50, st.hi60, st.hi70, st.hi80,
                               st.hi90, st.hi100)
        OR st.lo120 < greatest(st.hi10, st.hi20, st.hi30, st.hi35, st.hi40, st.hi50, st.hi60, st.hi70, st.hi80,
                               st.hi90, st.hi100, st.hi110, st.hi115)
  ), items AS (  -- every dated item of a flagged case: stage, order, reference, texts with the date
    SELECT c.id AS case_id, v.st, v.seq, jsonb_build_object('field', v.ref) AS item,
           v.zh || '（' || v.d || '）' AS zh, v.en || ' (' || v.d || ')' AS en, v.d
      FROM flagged f
      CROSS JOIN LATERAL (SELECT * FROM cases c WHERE c.id = f.case_id OFFSET 0) c
      CROSS JOIN LATERAL (VALUES
        (10, 1, '/violation/discovered_on', '发现违法行为日期', 'discovery', c.violation_discovered_on),
        (20, 1, '/filed_on', '立案日期', 'filing', c.filed_on),
        (70, 1, '/hearing/requested_on', '听证申请日期', 'hearing request', c.hearing_requested_on),
        (70, 2, '/hearing/notice_served_on', '听证通知送达日期', 'hearing notice served', c.hearing_notice_served_on),
        (70, 3, '/hearing/held_on', '听证举行日期', 'hearing held', c.hearing_held_on),
        (70, 4, '/defense/reexamined_on', '陈述申辩复核日期', 'defence re-examined', c.defense_reexamined_on),
        (80, 1, '/collective_discussion/held_on', '集体讨论日期', 'collective discussion',
         c.collective_held_on),
        (90, 1, '/decided_on', '处罚决定日期', 'decision', c.decided_on),
        (110, 1, '/closed_on', '结案日期', 'closing', c.closed_on),
        (120, 1, '/archive/archived_on', '归档日期', 'archiving', c.archived_on)) AS v(st, seq, ref, zh, en, d)
     WHERE v.d IS NOT NULL
    UNION ALL
    SELECT d.case_id, ca_dc_d13_doc_stage(d.type), 1000 + d.ord, jsonb_build_object('document_id', d.doc_id),
           ca_dc_doc_name(d.type) || '（' || d.doc_id || '，' || d.issued_on || '）',
           d.type || ' ' || d.doc_id || ' (' || d.issued_on || ')', d.issued_on
      FROM flagged f
      CROSS JOIN LATERAL (SELECT * FROM case_documents d WHERE d.case_id = f.case_id AND d.issued_on IS NOT NULL
                          OFFSET 0) d
    UNION ALL
    SELECT r.case_id, 50, 100 + r.ord, jsonb_build_object('field', '/legal_reviews/' || (r.ord - 1) || '/reviewed_on'),
           '法制审核（第' || r.ord || '次，' || r.reviewed_on || '）',
           'legal review #' || r.ord || ' (' || r.reviewed_on || ')', r.reviewed_on
      FROM flagged f
      CROSS JOIN LATERAL (SELECT * FROM case_legal_reviews r WHERE r.case_id = f.case_id AND r.reviewed_on IS NOT NULL
                          OFFSET 0) r
    UNION ALL
    SELECT s.case_id, ca_dc_d13_service_stage(s.type), 5000 + s.ord,
           jsonb_build_object('field', '/services/' || (s.ord - 1) || '/served_on', 'document_id', s.doc_id),
           ca_dc_doc_name(s.type) || '（' || s.doc_id || '）的送达（' || s.served_on || '）',
           'service of ' || s.doc_id || ' (' || s.served_on || ')', s.served_on
      FROM flagged f
      CROSS JOIN LATERAL (SELECT s.*, d.doc_id, d.type
                            FROM case_services s
                            JOIN case_documents d ON d.case_id = s.case_id AND d.doc_id = s.document_ref
                           WHERE s.case_id = f.case_id AND s.served_on IS NOT NULL
                          OFFSET 0) s
  ), viol AS (  -- each out-of-order item with its culprit: the latest item that must precede it
    SELECT DISTINCT ON (x.case_id, x.st, x.seq)
           x.case_id, x.st, x.seq, x.item, x.zh, x.en, x.d,
           y.st AS yst, y.item AS yitem, y.zh AS yzh, y.en AS yen, y.d AS yd
      FROM items x
      JOIN items y ON y.case_id = x.case_id AND y.st < ca_dc_d13_floor(x.st) AND y.d > x.d
     ORDER BY x.case_id, x.st, x.seq, y.d DESC, y.st, y.seq
  ), firsts AS (  -- per culprit stage, the earliest out-of-order item of each later stage
    SELECT DISTINCT ON (v.case_id, v.yst, v.st) v.*
      FROM viol v
     ORDER BY v.case_id, v.yst, v.st, v.d, v.seq
  ), grp AS (
    SELECT f.case_id, f.yst,
           (array_agg(f.yitem ORDER BY f.yd DESC, f.st))[1] AS yitem,
           (array_agg(f.yzh ORDER BY f.yd DESC, f.st))[1] AS yzh,
           (array_agg(f.yen ORDER BY f.yd DESC, f.st))[1] AS yen,
           max(f.yd) AS yd,
           f.yst < 90 AND bool_or(f.st = 90) AS gross,
           jsonb_agg(jsonb_build_object('stage', ca_dc_d13_stage_key(f.st), 'date', f.d) || f.item ORDER BY f.st)
             AS later,
           string_agg(f.zh, '、' ORDER BY f.st) AS later_zh,
           string_agg(f.en, ', ' ORDER BY f.st) AS later_en
      FROM firsts f
     GROUP BY f.case_id, f.yst
  )
  SELECT g.case_id, ca_dc_d13_stage_key(g.yst), 'error', g.gross,
         jsonb_build_object(
           'stage', ca_dc_d13_stage_key(g.yst), 'stage_name', ca_dc_d13_stage_zh(g.yst),
           'date', g.yd, 'item', g.yitem, 'item_zh', g.yzh, 'item_en', g.yen,
           'later', g.later, 'later_zh', g.later_zh, 'later_en', g.later_en, 'gross', g.gross,
           'gross_zh', CASE WHEN g.gross THEN '；处罚决定早于其法定前置程序，属严重程序倒置' ELSE '' END,
           'gross_en', CASE WHEN g.gross THEN '; the decision precedes a step the law requires before it' ELSE '' END)
    FROM grp g
$$;

-- ---- D16: record documents are signed -----------------------------------------------------------------------------
-- As 0009 (see there), which counted the officer signatures of every record document with DISTINCT aggregates
-- over its unnested array (two sorts per document). Here the documents and the officers of the set are read once
-- (case_id = ANY), and a document whose party signature is in order and whose first two officer signatures are
-- two distinct numbers of the case's officers passes without counting (it has at least the 2 required); only the
-- others are counted, as in 0009.
CREATE OR REPLACE FUNCTION ca_rule_d16(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH off AS (   -- the case's certificate numbers (not blank), as 0009
    SELECT o.case_id, array_agg(o.cert_no) AS certs
      FROM case_officers o
     WHERE o.case_id = ANY (p_ids) AND NOT ca_blank(o.cert_no)
     GROUP BY o.case_id
  ), doc AS (      -- the record documents of the set, party_ok as 0009; screened: the party's signature is in
                  -- order and the first two officer signatures are two distinct certificates of the case (then
                  -- at least 2 count; a number of the case is not blank)
    SELECT d.case_id, d.doc_id, d.type, d.party_signature, d.witness, d.signed_officers, off.certs,
           d.party_signature IS NOT DISTINCT FROM 'signed'
             OR (d.party_signature IN ('refused', 'absent') AND d.witness IS TRUE) AS party_ok,
           coalesce(d.signed_officers[1] <> d.signed_officers[2]
                    AND d.signed_officers[1] = ANY (off.certs) AND d.signed_officers[2] = ANY (off.certs), false)
             AS two_ok
      FROM case_documents d
      LEFT JOIN off ON off.case_id = d.case_id
     WHERE d.case_id = ANY (p_ids)
       AND d.type IN ('inquiry_record', 'inspection_record', 'on_site_record', 'hearing_record')
  ), chk AS (     -- the others (a few): the signatures counted as in 0009
    SELECT d.case_id, d.doc_id, d.type, d.party_signature, d.witness,
           coalesce(d.signed_officers, '{}') AS signed, sg.n_ok, sg.strangers, d.party_ok
      FROM doc d
      CROSS JOIN LATERAL (
        SELECT count(DISTINCT s) FILTER (WHERE s = ANY (d.certs)) AS n_ok,
               array_agg(DISTINCT s) FILTER (WHERE NOT coalesce(s = ANY (d.certs), false)) AS strangers
          FROM unnest(d.signed_officers) AS s
         WHERE NOT ca_blank(s)) sg
     WHERE NOT (d.party_ok AND d.two_ok)
  )
  SELECT k.case_id, k.doc_id, 'error', false,
         jsonb_build_object(
           'document_id', k.doc_id, 'document_type', k.type, 'document_name', ca_dc_doc_name(k.type),
           'officer_signatures', to_jsonb(k.signed), 'officers_counted', k.n_ok,
           'not_case_officers', to_jsonb(coalesce(k.strangers, '{}')),
           'party_signature', k.party_signature, 'witness', k.witness,
           'problems_zh', array_to_string(ARRAY[
               CASE WHEN k.n_ok < 2 THEN '本案执法人员签名不足2人（' || k.n_ok || '人'
                    || CASE WHEN k.strangers IS NOT NULL
                            THEN '；' || array_to_string(k.strangers, '、') || '不是本案执法人员' ELSE '' END
                    || '）' END,
               CASE WHEN NOT k.party_ok THEN
                 CASE k.party_signature
                   WHEN 'refused' THEN '当事人拒绝签名，但无见证人签名'
                   WHEN 'absent' THEN '当事人不在场，但无见证人签名'
                   WHEN 'not_required' THEN '当事人签名栏标注为无需签名，笔录应由当事人签名'
                   ELSE '无当事人签名' END END], '；'),
           'problems_en', array_to_string(ARRAY[
               CASE WHEN k.n_ok < 2 THEN k.n_ok || ' officer signature(s) of the case, 2 required'
                    || CASE WHEN k.strangers IS NOT NULL
                            THEN ' (not officers of the case: ' || array_to_string(k.strangers, ', ') || ')'
                            ELSE '' END END,
               CASE WHEN NOT k.party_ok THEN
                 CASE k.party_signature
                   WHEN 'refused' THEN 'the party refused to sign and no witness signed'
                   WHEN 'absent' THEN 'the party was absent and no witness signed'
                   WHEN 'not_required' THEN 'party signature marked not required on a record'
                   ELSE 'no party signature' END END], '; '))
    FROM chk k
   WHERE k.n_ok < 2 OR NOT k.party_ok
$$;
