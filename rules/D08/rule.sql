-- rules/D08/rule.sql: the one definition of rule D08 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

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
CREATE OR REPLACE FUNCTION ca_rule_d08(p_pack text, p_ids uuid[], p_as_of date)
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
