-- rules/D13/rule.sql: the one definition of rule D13 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- D13: the procedural stage of a document type. Stages, in the order the contract lists them:
--   10 discovered (case_source)         20 filed (filing_approval)
--   30 investigation (inquiry_record, on_site_record, preservation_notice, seizure_decision, seizure_list)
--   35 inspection (inspection_record): investigation too, but may precede filing (立案前核查, see ca_rule_d13)
--   40 investigation_report             50 legal_review (legal_review_opinion)
--   60 prior_notice                     70 hearing (hearing_notice, hearing_record, statement_record)
--   80 deliberation (collective_discussion_record, decision_approval)
--   90 decision (penalty_decision, onsite_penalty_decision)
--  110 closed (closing_report)         120 archived (archive_note)
--  115 other documents (evidence, release_decision, service_receipt, payment_receipt, other, unknown types):
--      their dates are not procedural steps (an invoice kept as evidence has its own date); they are only held
--      to "no document dated after archiving".
-- 100 (service of the decision) has no document type: it is the services[] entries of decision documents.
CREATE OR REPLACE FUNCTION ca_dc_d13_doc_stage(t text) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE t
    WHEN 'case_source' THEN 10
    WHEN 'filing_approval' THEN 20
    WHEN 'inquiry_record' THEN 30 WHEN 'on_site_record' THEN 30 WHEN 'preservation_notice' THEN 30
    WHEN 'seizure_decision' THEN 30 WHEN 'seizure_list' THEN 30
    WHEN 'inspection_record' THEN 35
    WHEN 'investigation_report' THEN 40
    WHEN 'legal_review_opinion' THEN 50
    WHEN 'prior_notice' THEN 60
    WHEN 'hearing_notice' THEN 70 WHEN 'hearing_record' THEN 70 WHEN 'statement_record' THEN 70
    WHEN 'collective_discussion_record' THEN 80 WHEN 'decision_approval' THEN 80
    WHEN 'penalty_decision' THEN 90 WHEN 'onsite_penalty_decision' THEN 90
    WHEN 'closing_report' THEN 110
    WHEN 'archive_note' THEN 120
    ELSE 115 END
$$;

-- D13: the stage of a services[] entry, by the type of the document served.
CREATE OR REPLACE FUNCTION ca_dc_d13_service_stage(t text) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN t = 'prior_notice' THEN 60
              WHEN t IN ('penalty_decision', 'onsite_penalty_decision') THEN 100
              ELSE 115 END
$$;

-- D13: an item of stage s must not be dated before any item of a stage < floor(s). The floor is the stage itself,
-- except inspection records (only after discovery) and other documents (no lower bound).
CREATE OR REPLACE FUNCTION ca_dc_d13_floor(s int) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE s WHEN 35 THEN 20 WHEN 115 THEN 0 ELSE s END
$$;

CREATE OR REPLACE FUNCTION ca_dc_d13_stage_key(s int) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE s WHEN 10 THEN 'discovered' WHEN 20 THEN 'filed' WHEN 30 THEN 'investigation'
                WHEN 35 THEN 'inspection' WHEN 40 THEN 'investigation_report' WHEN 50 THEN 'legal_review'
                WHEN 60 THEN 'prior_notice' WHEN 70 THEN 'hearing' WHEN 80 THEN 'deliberation'
                WHEN 90 THEN 'decision' WHEN 100 THEN 'service' WHEN 110 THEN 'closed'
                WHEN 115 THEN 'other_documents' WHEN 120 THEN 'archived' END
$$;

CREATE OR REPLACE FUNCTION ca_dc_d13_stage_zh(s int) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE s WHEN 10 THEN '发现违法行为' WHEN 20 THEN '立案' WHEN 30 THEN '调查取证'
                WHEN 35 THEN '现场检查' WHEN 40 THEN '调查终结' WHEN 50 THEN '法制审核'
                WHEN 60 THEN '事先告知' WHEN 70 THEN '听证、陈述申辩' WHEN 80 THEN '集体讨论、决定审批'
                WHEN 90 THEN '作出处罚决定' WHEN 100 THEN '送达处罚决定' WHEN 110 THEN '结案'
                WHEN 115 THEN '其他文书' WHEN 120 THEN '归档' END
$$;

-- ---- D13: dates in procedural order ------------------------------------------------------------------------------
-- Dated items and their stages (ca_dc_d13_doc_stage has the document types):
--   10 discovered    violation.discovered_on, case_source
--   20 filed         filed_on, filing_approval
--   30 investigation inquiry_record, on_site_record, preservation_notice, seizure_decision, seizure_list
--   35 inspection    inspection_record: must not precede discovery, but may precede filing (立案前核查: an
--                    inspection that verifies a lead, 市场监督管理行政处罚程序规定 arts. 18, 20)
--   40 investigation_report    50 legal review: legal_reviews[].reviewed_on, legal_review_opinion
--   60 prior notice: prior_notice and the services[] of it
--   70 hearing and defence: hearing.requested_on, notice_served_on, held_on, defense.reexamined_on, hearing_notice,
--      hearing_record, statement_record
--   80 deliberation: collective_discussion.held_on, collective_discussion_record, decision_approval
--   90 decision: decided_on, penalty_decision, onsite_penalty_decision
--  100 service of the decision: services[] of decision documents
--  110 closed: closed_on, closing_report     115 other documents and services (only bounded by archiving)
--  120 archived: archive.archived_on, archive_note
-- An item X is out of order when an item Y of a stage < ca_dc_d13_floor(stage X) is dated after it (same day is
-- in order). Its culprit is the latest such Y. One row per culprit stage (key: the stage name, e.g.
-- 'legal_review'), listing the earliest out-of-order item of each later stage: so one misdated item gives one
-- finding, whichever direction it is wrong in.
-- Gross (veto): the culprit precedes the decision stage and the decision itself is among the out-of-order items,
-- i.e. the decision is dated before a step the law puts before it (discovery, filing, investigation, legal
-- review, prior notice, hearing, collective discussion or approval): 先决定后调查/审核/告知, the 程序倒置 that
-- case-file rubrics treat as a basic defect. Other inversions are errors without veto.
-- Cost: one aggregate pass per table finds the cases with any inversion (column comparisons, no sort); the
-- item-by-item analysis runs only for those.
-- Rewritten in sql/0017: 0009's first version (git history) was set-based already but joined every child table to
-- the materialized id set: the planner then hashed the whole of case_documents (all cases, not only the set's;
-- batched to disk with the default work_mem) to probe it with the set. Here each child table is read for the set
-- only (case_id = ANY (p_ids)) and the services are hashed (the smaller side) for the documents to probe.
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
