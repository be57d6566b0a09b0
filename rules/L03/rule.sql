-- rules/L03/rule.sql: the one definition of rule L03 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- An ISO date (YYYY-MM-DD, years 1000-2999) from a parameter string, NULL when it is not a real date; never raises.
CREATE OR REPLACE FUNCTION ca_ra_date(s text) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN s ~ '^[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' THEN
           CASE WHEN to_char(make_date(substr(s, 1, 4)::int, substr(s, 6, 2)::int, 1) + (substr(s, 9, 2)::int - 1),
                             'YYYY-MM-DD') = s
                THEN make_date(substr(s, 1, 4)::int, substr(s, 6, 2)::int, 1) + (substr(s, 9, 2)::int - 1) END
         END
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
