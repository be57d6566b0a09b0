-- 0020_rule_speed_d: faster P02, R02 (sql/0006) and L03 (sql/0007) for the nightly audit of issue #8.
-- Same signatures and the same rows (case_id, key, severity, veto, evidence: every key and value, array order
-- included) for every input; checked against the old definitions on all 20,056 cases of b20k as of 2026-06-01 and
-- 2026-11-27 (EXCEPT ALL both ways, same row counts), and with tests/rules.
--
-- Measured on b20k (2 cores shared with other work, so backend CPU time from /proc, median of 7, two runs; jit off;
-- custom plans as the audit runs them), before -> after:
--   P02   10,000 ids 250-270 -> 130 ms, 500 ids 20 -> 10 ms
--   R02   10,000 ids 270-350 -> 240-280 ms, 500 ids 90 -> 30-40 ms
--   L03   10,000 ids 250-290 -> 190-240 ms, 500 ids 40-50 -> 40 ms
--   1 case, generic plan (ingest): unchanged within the noise (2-8 ms wall), no sequential scan in the plans.
--
-- Where the time went (EXPLAIN ANALYZE of the inlined rule, custom plan):
--   P02  ca_pr_norm() on both sides of every (publication, decision) pair: the published numbers carry 〔〕, so the
--        long multibyte translate() ran twice for each of ~5,800 pairs (10,000 ids), about half of the run.
--   R02  a nested-loop anti join that rescanned the batch's recordings for every event (500 ids), and reading the
--        document references of every event of the batch for the few `service` events that need them.
--   L03  ca_ra_norm() of every officer and event officer of the batch, as a hash key.
-- What remains is mostly planning: each `case_id = ANY (p_ids)` with 10,000 constants is estimated element by
-- element against the column's most common values (100 of them for case_events, case_services ...), 20-100 ms a
-- clause on this machine; R02 has six such clauses.

-- ---- P02: the published document number is the penalty decision's -----------------------------------------------
-- As in 0006: the published number must equal (after ca_pr_norm) one of the case's penalty_decision numbers. Nearly
-- always it equals one as written; so the plain comparison is made first, over all pairs, and ca_pr_norm runs only
-- for the few cases where no number matches as written (a plain match implies a normalised one, so the set of
-- firing cases is unchanged).
CREATE OR REPLACE FUNCTION ca_rule_p02(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id, c.publication_document_number AS published_number, c.publication_published_on AS published_on
      FROM cases c
     WHERE c.id = ANY (p_ids)
       AND (c.publication_published_on IS NOT NULL OR NOT ca_blank(c.publication_document_number))
  ), d AS MATERIALIZED (
    SELECT d.case_id, d.doc_id, d.ord, d.number
      FROM case_documents d
     WHERE d.case_id = ANY (p_ids) AND d.type = 'penalty_decision' AND NOT ca_blank(d.number)
  ), x AS MATERIALIZED (    -- per case: the decisions, and whether one number matches as written
    SELECT c.id, c.published_number, c.published_on,
           array_agg(d.doc_id ORDER BY d.ord) AS docs, array_agg(d.number ORDER BY d.ord) AS numbers,
           bool_or(d.number = c.published_number) AS plain
      FROM c JOIN d ON d.case_id = c.id
     GROUP BY c.id, c.published_number, c.published_on
  ), f AS (                 -- no plain match: normalise, for these few cases only
    SELECT x.*
      FROM x
     WHERE NOT coalesce(x.plain, false)
       AND NOT coalesce((SELECT bool_or(ca_pr_norm(n) = ca_pr_norm(x.published_number))
                           FROM unnest(x.numbers) AS n), false)
  )
  SELECT f.id, '', 'warning', false,
         jsonb_build_object(
           'published_number', f.published_number, 'published_on', f.published_on,
           'documents', to_jsonb(f.docs), 'decision_numbers', to_jsonb(f.numbers),
           'detail_zh', CASE WHEN ca_blank(f.published_number) THEN '未载明文号'
                             ELSE format('载明的文号为“%s”', f.published_number) END,
           'detail_en', CASE WHEN ca_blank(f.published_number) THEN 'gives no document number'
                             ELSE format('gives the number "%s"', f.published_number) END)
    FROM f
$$;

-- ---- R02: situational audio/video or a reason for its absence ---------------------------------------------------
-- Events whose type is in types need a recording (event_ref) or a non-blank no_av_reason; key = event id.
-- Services whose method is in service_methods need a recording named by recording_ref, or a `service` event whose
-- document_refs hold the served document and which has a recording or a no_av_reason (the only place a service
-- can state one); key = document_ref/method (several such services of one document by one method: one finding,
-- about the first of them).
-- Changed from 0006 (same rows): the three "no such row" tests were NOT EXISTS anti joins; with the small row
-- estimates of a CTE the planner made the events' one a nested loop that rescanned the recordings for every event
-- (500 ids: 90 ms CPU, most of it there). They are now hashed sub-plans over the batch's rows, built once and
-- probed per row: `(a, b) IN (SELECT ...) IS NOT TRUE` is NOT EXISTS here because neither side holds a NULL
-- (event_ref IS NOT NULL is filtered, a NULL recording_ref is tested first): with a NULL the executor would
-- scan the whole hash table for a partial match on every probe. The document references of the events are no
-- longer read for the whole batch, only for the few recorded (or explained) `service` events (by primary key).
CREATE OR REPLACE FUNCTION ca_rule_r02(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id, ca_param(k.pp, c.sector, c.agency_code, 'types') AS types,
           ca_param(k.pp, c.sector, c.agency_code, 'service_methods') AS methods
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'R02') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
  ), e0 AS MATERIALIZED (
    SELECT e.case_id, e.event_id, e.type, e.started_at, e.ended_at, e.no_av_reason
      FROM case_events e
     WHERE e.case_id = ANY (p_ids)
  ), r0 AS MATERIALIZED (
    SELECT r.case_id, r.recording_id, r.event_ref
      FROM case_recordings r
     WHERE r.case_id = ANY (p_ids)
  ), s0 AS MATERIALIZED (
    SELECT s.case_id, s.ord, s.document_ref, s.method, s.served_on, s.recording_ref
      FROM case_services s
     WHERE s.case_id = ANY (p_ids) AND s.document_ref IS NOT NULL
  ), sev AS (               -- `service` events that are recorded or say why not
    SELECT e0.case_id, e0.event_id FROM e0 WHERE e0.type = 'service' AND NOT ca_blank(e0.no_av_reason)
    UNION
    SELECT e0.case_id, e0.event_id FROM e0 JOIN r0 ON r0.case_id = e0.case_id AND r0.event_ref = e0.event_id
     WHERE e0.type = 'service'
  ), svc AS (               -- the documents those events served
    SELECT DISTINCT ed.case_id, ed.document_ref
      FROM sev JOIN case_event_documents ed ON ed.case_id = sev.case_id AND ed.event_id = sev.event_id
  )
  SELECT e0.case_id, e0.event_id, 'warning', false,
         jsonb_build_object(
           'event_id', e0.event_id, 'event_type', e0.type, 'started_at', e0.started_at, 'ended_at', e0.ended_at,
           'subject_zh', ca_pr_event_zh(e0.type, e0.event_id, e0.started_at),
           'subject_en', ca_pr_event_en(e0.type, e0.event_id, e0.started_at))
    FROM e0
    JOIN c ON c.id = e0.case_id
   WHERE c.types ? e0.type
     AND ca_blank(e0.no_av_reason)
     AND ((e0.case_id, e0.event_id) IN (SELECT r0.case_id, r0.event_ref FROM r0 WHERE r0.event_ref IS NOT NULL))
         IS NOT TRUE
  UNION ALL
  SELECT x.case_id, x.document_ref || '/' || x.method, 'warning', false,
         jsonb_build_object(
           'document_ref', x.document_ref, 'method', x.method, 'served_on', x.served_on,
           'recording_ref', x.recording_ref,
           'subject_zh', format('%s（%s）的%s%s', ca_pr_doc_type_zh(x.doc_type), x.document_ref,
                                ca_pr_method_zh(x.method), coalesce('（' || ca_pr_d(x.served_on) || '）', '')),
           'subject_en', format('service of %s %s by %s%s', replace(coalesce(x.doc_type, 'document'), '_', ' '),
                                x.document_ref, x.method, coalesce(' (' || ca_pr_d(x.served_on) || ')', '')))
    FROM (SELECT DISTINCT ON (s0.case_id, s0.document_ref, s0.method) s0.*,
                 (SELECT d.type FROM case_documents d
                   WHERE d.case_id = s0.case_id AND d.doc_id = s0.document_ref) AS doc_type
            FROM s0
            JOIN c ON c.id = s0.case_id
           WHERE c.methods ? s0.method
             AND (s0.recording_ref IS NULL
                  OR ((s0.case_id, s0.recording_ref) IN (SELECT r0.case_id, r0.recording_id FROM r0)) IS NOT TRUE)
             AND ((s0.case_id, s0.document_ref) IN (SELECT svc.case_id, svc.document_ref FROM svc)) IS NOT TRUE
           ORDER BY s0.case_id, s0.document_ref, s0.method, s0.ord) x
$$;

-- ---- L03: the reviewer is independent of the case and, if first reviewing from 2021-07-15, qualified -------------
-- Changed from 0007 (same rows): reviewer and officers are compared as (normalised) certificate numbers. 0007
-- joined on that expression, so ca_ra_norm() ran for every officer and event officer of the batch (~60,000 for
-- 10,000 ids, ~2.4 us each); `(...) IS TRUE` makes it a join filter after the hash join on case_id, so it runs only
-- for the officers of cases whose reviewer has a certificate number (a third fewer calls).
CREATE OR REPLACE FUNCTION ca_rule_l03(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH r AS MATERIALIZED (
    SELECT r.case_id, r.ord, r.reviewer_name, r.reviewer_cert_no, r.reviewer_qualified,
           r.reviewer_first_review_on, r.reviewed_on,
           coalesce(nullif(btrim(r.reviewer_cert_no, E' \t\r\n\u3000'), ''),
                    nullif(btrim(r.reviewer_name, E' \t\r\n\u3000'), ''), '#' || r.ord) AS ident,
           coalesce(ca_ra_norm(r.reviewer_cert_no), '') AS ncert,
           coalesce(ca_ra_norm(r.reviewer_name), '') AS nname,
           ca_param(k.pp, c.sector, c.agency_code, 'qualification_from') #>> '{}' AS qfrom_raw
      FROM case_legal_reviews r
      JOIN cases c ON c.id = r.case_id
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'L03') AS pp OFFSET 0) k  -- OFFSET 0: evaluated once, not per row
     WHERE c.id = ANY (p_ids) AND r.case_id = ANY (p_ids)
  ), om AS (
    -- reviews whose reviewer is an officers[] entry other than a reviewer: by certificate number (a hash join), or,
    -- for the rare reviewer without one, by name (an index probe per such review)
    SELECT r.case_id, r.ord
      FROM r
      JOIN case_officers o ON o.case_id = r.case_id AND (ca_ra_norm(o.cert_no) = r.ncert) IS TRUE
     WHERE o.case_id = ANY (p_ids) AND o.role IS DISTINCT FROM 'reviewer' AND r.ncert <> ''
    UNION
    SELECT r.case_id, r.ord
      FROM r
      CROSS JOIN LATERAL (SELECT 1 FROM case_officers o
                           WHERE o.case_id = r.case_id AND o.role IS DISTINCT FROM 'reviewer'
                             AND ca_ra_norm(o.name) = r.nname
                           LIMIT 1) AS o
     WHERE r.ncert = '' AND r.nname <> ''
  ), em AS (
    -- reviews whose reviewer is an officer of one of the case's events (by certificate number)
    SELECT DISTINCT r.case_id, r.ord
      FROM r
      JOIN case_event_officers e ON e.case_id = r.case_id AND (ca_ra_norm(e.cert_no) = r.ncert) IS TRUE
     WHERE e.case_id = ANY (p_ids) AND r.ncert <> ''
  ), g AS MATERIALIZED (
    -- one row per reviewer with a problem, over the reviews that show it
    SELECT x.case_id, x.ident,
           (array_agg(x.reviewer_name ORDER BY x.ord))[1] AS name,
           (array_agg(x.reviewer_cert_no ORDER BY x.ord))[1] AS cert_no,
           (array_agg(x.ncert ORDER BY x.ord))[1] AS ncert,
           (array_agg(x.nname ORDER BY x.ord))[1] AS nname,
           (array_agg(x.reviewer_qualified ORDER BY x.ord DESC))[1] AS qualified,
           min(x.reviewer_first_review_on) AS first_review_on,
           min(x.reviewed_on) AS first_reviewed_on,
           array_agg(x.ord ORDER BY x.ord) AS reviews,
           min(x.qfrom_raw) AS qfrom_raw, ca_ra_date(min(x.qfrom_raw)) AS qfrom,
           bool_or(x.officer) AS officer, bool_or(x.unqualified) AS unqualified
      FROM (SELECT r.*, om.ord IS NOT NULL OR em.ord IS NOT NULL AS officer,
                   r.reviewer_qualified IS NOT TRUE
                     AND (coalesce(r.reviewer_first_review_on, r.reviewed_on) IS NULL
                          OR ca_ra_date(r.qfrom_raw) IS NULL
                          OR coalesce(r.reviewer_first_review_on, r.reviewed_on) >= ca_ra_date(r.qfrom_raw))
                     AS unqualified
              FROM r
              LEFT JOIN om ON om.case_id = r.case_id AND om.ord = r.ord
              LEFT JOIN em ON em.case_id = r.case_id AND em.ord = r.ord) x
     WHERE x.officer OR x.unqualified
     GROUP BY x.case_id, x.ident
  ), t AS (
    -- the texts, for these few reviewers only: the matching officers and events
    SELECT g.*,
           (SELECT jsonb_agg(format('%s（%s，%s）', coalesce(o.name, '姓名未记载'), coalesce(o.cert_no, '证号未记载'),
                                    CASE o.role WHEN 'investigator' THEN '调查人员' WHEN 'host' THEN '听证主持人'
                                                ELSE '执法人员' END) ORDER BY o.ord)
              FROM case_officers o
             WHERE o.case_id = g.case_id AND o.role IS DISTINCT FROM 'reviewer'
               AND CASE WHEN g.ncert <> '' THEN ca_ra_norm(o.cert_no) = g.ncert
                        ELSE g.nname <> '' AND ca_ra_norm(o.name) = g.nname END) AS officers,
           (SELECT string_agg(format('%s (%s, %s)', coalesce(o.name, 'no name'), coalesce(o.cert_no, 'no certificate'),
                                     coalesce(o.role, 'officer')), ', ' ORDER BY o.ord)
              FROM case_officers o
             WHERE o.case_id = g.case_id AND o.role IS DISTINCT FROM 'reviewer'
               AND CASE WHEN g.ncert <> '' THEN ca_ra_norm(o.cert_no) = g.ncert
                        ELSE g.nname <> '' AND ca_ra_norm(o.name) = g.nname END) AS officers_en,
           (SELECT jsonb_agg(DISTINCT e.event_id ORDER BY e.event_id)
              FROM case_event_officers e
             WHERE e.case_id = g.case_id AND g.ncert <> '' AND ca_ra_norm(e.cert_no) = g.ncert) AS events,
           coalesce(ca_ra_d(g.qfrom), g.qfrom_raw, '—') AS qfrom_txt
      FROM g
  ), t2 AS (
    SELECT t.*,
           (SELECT string_agg(v, '、') FROM jsonb_array_elements_text(t.officers) AS v) AS officers_txt,
           (SELECT string_agg(v, '、') FROM jsonb_array_elements_text(t.events) AS v) AS events_txt
      FROM t
  )
  SELECT t.case_id, t.ident, 'error', false,
         jsonb_build_object(
           'reviewer', format('%s（%s）', coalesce(t.name, '姓名未记载'), coalesce('执法证号' || t.cert_no, '未记载证号')),
           'reviewer_en', format('%s (%s)', coalesce(t.name, 'no name'),
                                 coalesce('certificate ' || t.cert_no, 'no certificate number')),
           'reviewer_name', t.name, 'reviewer_cert_no', t.cert_no, 'qualified', t.qualified,
           'first_review_on', t.first_review_on, 'reviews', to_jsonb(t.reviews),
           'qualification_from', t.qfrom_raw,
           'matching_officers', t.officers, 'matching_events', t.events,
           'problems', to_jsonb(p.codes),
           'problems_zh', array_to_string(p.zh, '；'), 'problems_en', array_to_string(p.en, '; '))
    FROM t2 AS t
    CROSS JOIN LATERAL (
      SELECT array_agg(x.code ORDER BY x.o) AS codes, array_agg(x.zh ORDER BY x.o) AS zh,
             array_agg(x.en ORDER BY x.o) AS en
        FROM (VALUES
          (1, t.officer, 'officer',
              CASE WHEN t.officers IS NOT NULL
                   THEN '其本人是本案的执法人员' || t.officers_txt
                        || coalesce('，并参与了事件' || t.events_txt || '的执法活动', '')
                   ELSE '其本人参与了本案事件' || t.events_txt || '的执法活动' END,
              'the reviewer acts for the case'
                || coalesce(' as officer ' || t.officers_en, '')
                || coalesce(CASE WHEN t.officers IS NOT NULL THEN ' and' ELSE '' END
                            || ' in event(s) ' || replace(t.events_txt, '、', ', '), '')),
          (2, t.unqualified, 'qualification',
              CASE WHEN t.first_review_on IS NOT NULL
                   THEN format('首次从事法制审核的日期为%s（不早于%s），但未取得法律职业资格',
                               ca_ra_d(t.first_review_on), t.qfrom_txt)
                   WHEN t.first_reviewed_on IS NOT NULL
                   THEN format('未记载首次从事法制审核的日期，本案审核于%s（不早于%s）进行，且未记载取得法律职业资格',
                               ca_ra_d(t.first_reviewed_on), t.qfrom_txt)
                   ELSE '未记载首次从事法制审核的日期和审核日期，且未记载取得法律职业资格' END,
              CASE WHEN t.first_review_on IS NOT NULL
                   THEN format('first reviewed on %s (not before %s) without a legal professional qualification',
                               ca_ra_d(t.first_review_on), t.qfrom_txt)
                   WHEN t.first_reviewed_on IS NOT NULL
                   THEN format('no first review date is recorded, this review of %s is not before %s, and no legal '
                               'professional qualification is recorded', ca_ra_d(t.first_reviewed_on), t.qfrom_txt)
                   ELSE 'neither a first review date nor a review date nor a legal professional qualification is recorded' END)
        ) AS x(o, hit, code, zh, en)
       WHERE x.hit
    ) p
$$;
