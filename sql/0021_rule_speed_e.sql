-- 0021_rule_speed_e: set-based D04, D05, D12 and D18 (issue #8), the time-dependent rules that the nightly
-- incremental audit runs over every case.
--
-- Replaces ca_rule_d04 and ca_rule_d05 (sql/0008) and ca_rule_d12 and ca_rule_d18 (sql/0009) with the same output
-- (every row, key, severity and evidence value) for every input, and adds three partial indexes on case_documents.
--
-- Profile (auto_explain, 10,000-id chunk of the 20,056-case test set): the working-day computations are not the cost
-- (ca_dp_due_rel runs for the few cases whose date is more than n calendar days late: 15 of 5,857 in D04). The costs
-- were (a) the per-case LATERAL reads of D04 (case_documents) and D05 (case_extensions, case_suspensions), and
-- (b) reading a few document types among a case's ~17 wide case_documents rows: every heap page of the chunk's
-- documents (D04 through the primary key, D12 through the decision-number index), or, for D18, a seq scan of the
-- whole table for its release decisions. Now the child rows are joined to the (materialized) cases of the chunk with
-- hash or index joins and aggregated per case, and the three document types are read index-only from partial indexes.
--
-- Why the child tables are joined to the chunk's cases and not filtered with case_id = ANY (p_ids): the audit chunk
-- is planned as a custom plan with the 10,000 ids as a constant, and the planner estimates each such clause element
-- by element against the column's most-common values; measured, one = ANY on case_events or case_services costs
-- 100 ms of planning, on case_documents 50-75 ms, against ~20 ms on cases.id (unique, no MCV list).
--
-- Figures (ms, median of 5, as_of 2026-06-01, jit off; the machine was shared with four other timing jobs, so the
-- spread was +-30%): 10,000-id chunk (force_custom_plan) / 500 ids / one case (force_generic_plan, 6th+ execution)
--   D04  226 -> 160 / 19 -> 17 / ~1 -> ~1   (old figures with the new index, which its LATERAL uses too; without
--                                             it the old D04 took 522 ms / 45 ms)
--   D05  627 -> 174 / 45 -> 24 / ~0.8 -> ~0.7
--   D12  354 -> 357 / 83 -> 77 / ~0.9 -> ~1.0 (no gain on 20,000 cases: the decision documents are half the table;
--                                             the partial index keeps the chunk from reading all of them on 1M)
--   D18  356 -> 161 / 73 -> 47 / ~0.7 -> ~0.7
-- Verified: EXCEPT ALL both ways over all 20,056 cases (evidence as jsonb, same row count > 0) for as_of 2024-01-15,
-- 2026-06-01, 2026-06-02, 2026-11-27, 2027-03-01 and 2031-01-01; tests/rules fixtures.

-- D04's filing approval forms: one or two of a case's ~17 documents, whose rows (with their jsonb fields) fill a heap
-- page each; reading them through the primary key fetched ~1 page per document of the case to keep ~6%. This
-- partial index holds what D04 reads of them, so both the audit chunk and the one-case check read it index-only.
CREATE INDEX case_documents_filing_approval_idx ON case_documents (case_id) INCLUDE (ord, doc_id, approver)
  WHERE type = 'filing_approval';

-- ---- D04 (sql/0008): the filing approval forms of all the ids in one index scan and one aggregate -------------------
CREATE OR REPLACE FUNCTION ca_rule_d04(p_pack text, p_ids uuid[], p_as_of date)
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
  fa AS (   -- the filing approval forms of all these cases at once, one row per case
    SELECT d.case_id, array_agg(d.doc_id ORDER BY d.ord) AS docs, bool_or(NOT ca_blank(d.approver)) AS approved
      FROM c
      JOIN case_documents d ON d.case_id = c.id AND d.type = 'filing_approval'
     GROUP BY d.case_id
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
      LEFT JOIN fa ON fa.case_id = c.id   -- no form: docs and approved NULL, as the per-case aggregate gave
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

-- ---- D05 (sql/0008): extensions and suspensions of all the ids at once, islands per case by window partition -----
CREATE OR REPLACE FUNCTION ca_rule_d05(p_pack text, p_ids uuid[], p_as_of date)
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
  -- the approved extensions of all the cases, summed per case ...
  e AS (
    SELECT x.case_id, least(coalesce(sum(least(x.days, 3650)), 0), 3650)::int AS days
      FROM case_extensions x
      JOIN c ON c.id = x.case_id
     WHERE x.kind = 'decision_deadline' AND x.days > 0
       AND (x.approved_on IS NULL OR x.approved_on <= c.end_on)
     GROUP BY x.case_id
  ),
  -- ... and the days of the union of each case's suspensions clipped to (filed_on, end_on]: islands of overlapping
  -- periods, found by comparing each start with the latest end before it in the same case
  r AS (
    SELECT s.case_id, greatest(s.from_on, c.filed_on + 1) AS lo, least(coalesce(s.to_on, c.end_on), c.end_on) AS hi
      FROM case_suspensions s
      JOIN c ON c.id = s.case_id
     WHERE s.from_on IS NOT NULL
  ),
  q AS (
    SELECT r.case_id, r.lo, r.hi,
           max(r.hi) OVER (PARTITION BY r.case_id ORDER BY r.lo, r.hi
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_hi
      FROM r
     WHERE r.lo <= r.hi
  ),
  i AS (
    SELECT q.case_id, q.lo, q.hi,
           count(*) FILTER (WHERE q.prev_hi IS NULL OR q.lo > q.prev_hi)
             OVER (PARTITION BY q.case_id ORDER BY q.lo, q.hi) AS island
      FROM q
  ),
  sp AS (
    SELECT g.case_id, sum(g.hi - g.lo + 1)::int AS days
      FROM (SELECT i.case_id, min(i.lo) AS lo, max(i.hi) AS hi FROM i GROUP BY i.case_id, i.island) g
     GROUP BY g.case_id
  ),
  x AS (   -- no extension or suspension: 0 days, as the per-case aggregates gave
    SELECT c.*, coalesce(e.days, 0) AS ext_days, coalesce(sp.days, 0) AS susp_days,
           c.filed_on + c.days + coalesce(e.days, 0) + coalesce(sp.days, 0) AS deadline
      FROM c
      LEFT JOIN e ON e.case_id = c.id
      LEFT JOIN sp ON sp.case_id = c.id
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

-- D12's decision documents and D18's release decisions, a few of a case's ~17 documents: partial indexes with what the
-- rules read of them, so that the chunk reads them index-only instead of every document row of the ids (D12) or, as
-- the planner chose on a seq scan of case_documents, every release decision of the table (D18).
CREATE INDEX case_documents_decision_case_idx ON case_documents (case_id) INCLUDE (doc_id, type, issued_on)
  WHERE type IN ('penalty_decision', 'onsite_penalty_decision');
CREATE INDEX case_documents_release_decision_idx ON case_documents (case_id) INCLUDE (issued_on, ord, doc_id)
  WHERE type = 'release_decision';

-- ---- D12 (sql/0009): the decision documents through their partial index, index-only ------------------------------
CREATE OR REPLACE FUNCTION ca_rule_d12(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH cs AS MATERIALIZED (
    SELECT c.id, c.decided_on, ca_dc_int(ca_param(k.pp, c.sector, c.agency_code, 'service_wd'), 0, 3650) AS n
      FROM cases c
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'D12') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
  ), dec AS (
    SELECT d.case_id, d.doc_id, d.type, coalesce(c.decided_on, d.issued_on) AS base, c.n
      FROM case_documents d
      JOIN cs c ON c.id = d.case_id
     WHERE d.type IN ('penalty_decision', 'onsite_penalty_decision')
       AND coalesce(c.decided_on, d.issued_on) IS NOT NULL
  ), sv AS (
    SELECT DISTINCT ON (s.case_id, s.document_ref)
           s.case_id, s.document_ref, s.method, s.served_on, s.announced_on, e.eff
      FROM cs
      JOIN case_services s ON s.case_id = cs.id
      CROSS JOIN LATERAL (SELECT CASE WHEN s.method = 'announcement' THEN coalesce(s.announced_on, s.served_on)
                                      ELSE s.served_on END AS eff) e
     WHERE e.eff IS NOT NULL
     ORDER BY s.case_id, s.document_ref, e.eff, s.ord
  ), chk AS (
    SELECT dec.*, sv.method, sv.served_on, sv.announced_on, sv.eff, coalesce(sv.eff, p_as_of) AS ref, w.day AS deadline,
           CASE WHEN ob.day IS NULL THEN dec.base ELSE ob.run_end + 1 END AS gap
      FROM dec
      LEFT JOIN sv ON sv.case_id = dec.case_id AND sv.document_ref = dec.doc_id
      LEFT JOIN calendar_ordinals ob ON ob.day = dec.base
      LEFT JOIN calendar_ordinals w
             ON w.working
            AND w.ordinal = ob.ordinal + dec.n + CASE WHEN dec.n = 0 AND NOT ob.working THEN 1 ELSE 0 END
            AND w.run_start = ob.run_start
     WHERE dec.n IS NOT NULL
  ), hit AS (
    SELECT chk.*,
           CASE WHEN chk.deadline IS NOT NULL THEN chk.ref > chk.deadline END AS late,
           chk.deadline IS NULL AND chk.ref - chk.base > chk.n AND chk.ref >= chk.gap AS missing
      FROM chk
  )
  SELECT h.case_id, h.doc_id, CASE WHEN h.late THEN 'error' ELSE 'warning' END, false,
         jsonb_build_object(
           'document_id', h.doc_id, 'document_type', h.type, 'document_name', ca_dc_doc_name(h.type),
           'decided_on', h.base, 'service_wd', h.n, 'deadline', h.deadline,
           'served_on', h.served_on, 'method', h.method, 'announced_on', h.announced_on,
           'days_late', CASE WHEN h.late THEN h.ref - h.deadline END)
         || CASE WHEN h.eff IS NULL THEN jsonb_build_object('as_of', p_as_of) ELSE '{}' END
         || CASE WHEN h.late THEN '{}'
                 ELSE jsonb_build_object('calendar_missing_year', extract(year FROM h.gap)::int) END
         || jsonb_build_object('detail_zh',
              CASE WHEN h.late IS NOT TRUE THEN
                     '，但送达期限无法计算：工作日日历缺少' || extract(year FROM h.gap)::int || '年的数据'
                   WHEN h.eff IS NULL THEN '（最迟' || h.deadline || '），截至' || p_as_of || '未送达'
                   WHEN h.method = 'announcement' THEN '（最迟' || h.deadline || '），实际于' || h.eff || '才开始公告送达'
                   ELSE '（最迟' || h.deadline || '），实际于' || h.eff || '送达' END,
              'detail_en',
              CASE WHEN h.late IS NOT TRUE THEN
                     ', but the deadline cannot be computed: the working-day calendar has no data for '
                     || extract(year FROM h.gap)::int
                   WHEN h.eff IS NULL THEN ' (by ' || h.deadline || '); not served as of ' || p_as_of
                   WHEN h.method = 'announcement' THEN ' (by ' || h.deadline || '); announcement began only on ' || h.eff
                   ELSE ' (by ' || h.deadline || '); served on ' || h.eff END)
    FROM hit h
   WHERE h.late OR h.missing
$$;

-- ---- D18 (sql/0009): the seizure/sealing events first, parameters per event, child tables for the ids ---------
CREATE OR REPLACE FUNCTION ca_rule_d18(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH ev AS MATERIALIZED (   -- the measures first; parameters only for their (few) cases
    SELECT e.case_id, e.event_id, e.type, e.started_at::date AS started_on,
           CASE WHEN c.decided_on >= e.started_at::date THEN c.decided_on END AS decided_on,
           ca_dc_int(ca_param(k.pp, c.sector, c.agency_code, 'term_days'), 0, 36500) AS term,
           ca_dc_int(ca_param(k.pp, c.sector, c.agency_code, 'max_extension_days'), 0, 36500) AS max_ext,
           ca_param(k.pp, c.sector, c.agency_code, 'exclude_testing') = 'true'::jsonb AS excl_testing
      FROM cases c
      JOIN case_events e ON e.case_id = c.id AND e.type IN ('seizure', 'sealing') AND e.started_at IS NOT NULL
      CROSS JOIN (SELECT ca_rule_params(p_pack, 'D18') AS pp OFFSET 0) k
     WHERE c.id = ANY (p_ids)
  ), rel AS (  -- the first release decision on or after each event (release decisions are rare: a join, no probe)
    SELECT DISTINCT ON (ev.case_id, ev.event_id) ev.case_id, ev.event_id, d.doc_id, d.issued_on
      FROM ev
      JOIN case_documents d ON d.case_id = ev.case_id AND d.type = 'release_decision' AND d.issued_on >= ev.started_on
     ORDER BY ev.case_id, ev.event_id, d.issued_on, d.ord
  ), ext AS (  -- seizure_term extensions approved within the original term (or undated), capped
    SELECT ev.case_id, ev.event_id, least(coalesce(sum(x.days), 0), ev.max_ext)::int AS days
      FROM ev
      JOIN case_extensions x ON x.case_id = ev.case_id AND x.kind = 'seizure_term' AND x.days > 0
                            AND (x.approved_on IS NULL OR x.approved_on BETWEEN ev.started_on AND ev.started_on + ev.term)
     GROUP BY ev.case_id, ev.event_id, ev.max_ext
  ), ended AS (
    SELECT ev.*, rel.doc_id AS release_doc, rel.issued_on AS released_on,
           least(rel.issued_on, ev.decided_on) AS ended_on, coalesce(ext.days, 0) AS ext_days
      FROM ev
      LEFT JOIN rel ON rel.case_id = ev.case_id AND rel.event_id = ev.event_id
      LEFT JOIN ext ON ext.case_id = ev.case_id AND ext.event_id = ev.event_id
     WHERE ev.term IS NOT NULL
  ), tst AS (  -- testing periods begun during the measure
    SELECT e.case_id, e.event_id, sum(s.to_on - s.from_on + 1)::int AS days
      FROM ended e
      JOIN case_suspensions s ON s.case_id = e.case_id AND s.kind = 'testing' AND s.to_on >= s.from_on
                             AND s.from_on >= e.started_on AND s.from_on <= coalesce(e.ended_on, p_as_of)
     WHERE e.excl_testing
     GROUP BY e.case_id, e.event_id
  ), term AS (
    SELECT ended.*, coalesce(tst.days, 0) AS testing_days
      FROM ended
      LEFT JOIN tst ON tst.case_id = ended.case_id AND tst.event_id = ended.event_id
  ), chk AS (
    SELECT term.*, term.started_on + term.term + term.ext_days + term.testing_days AS deadline
      FROM term
  )
  SELECT k.case_id, k.event_id, 'error', false,
         jsonb_build_object(
           'event_id', k.event_id, 'event_type', k.type,
           'event_name', CASE k.type WHEN 'seizure' THEN '扣押' ELSE '查封' END,
           'started_on', k.started_on, 'term_days', k.term, 'extension_days', k.ext_days,
           'max_extension_days', k.max_ext, 'testing_days', k.testing_days, 'deadline', k.deadline,
           'ended_on', k.ended_on,
           'ended_by', CASE WHEN k.ended_on IS NULL THEN NULL
                            WHEN k.released_on = k.ended_on THEN jsonb_build_object('document_id', k.release_doc)
                            ELSE jsonb_build_object('field', '/decided_on') END,
           'days_over', coalesce(k.ended_on, p_as_of) - k.deadline,
           'term_zh', k.term || '日'
                      || CASE WHEN k.ext_days > 0 THEN '，经批准延长' || k.ext_days || '日' ELSE '' END
                      || CASE WHEN k.testing_days > 0 THEN '，检测、检验期间' || k.testing_days || '日不计入' ELSE '' END,
           'term_en', k.term || ' days'
                      || CASE WHEN k.ext_days > 0 THEN ' + ' || k.ext_days || ' days extension' ELSE '' END
                      || CASE WHEN k.testing_days > 0 THEN ' + ' || k.testing_days || ' testing days' ELSE '' END,
           'detail_zh',
           CASE WHEN k.ended_on IS NULL
                  THEN '截至' || p_as_of || '仍未解除或作出处理决定，已超期' || (p_as_of - k.deadline) || '日'
                WHEN k.released_on = k.ended_on
                  THEN '至' || k.ended_on || '方以解除查封扣押决定书（' || k.release_doc || '）解除，超期'
                       || (k.ended_on - k.deadline) || '日'
                ELSE '至' || k.ended_on || '作出处罚决定时已超期' || (k.ended_on - k.deadline) || '日' END,
           'detail_en',
           CASE WHEN k.ended_on IS NULL
                  THEN 'still in force on ' || p_as_of || ', ' || (p_as_of - k.deadline) || ' day(s) over'
                WHEN k.released_on = k.ended_on
                  THEN 'released only on ' || k.ended_on || ' by ' || k.release_doc || ', '
                       || (k.ended_on - k.deadline) || ' day(s) over'
                ELSE 'ended by the decision of ' || k.ended_on || ', ' || (k.ended_on - k.deadline) || ' day(s) over' END)
         || CASE WHEN k.ended_on IS NULL THEN jsonb_build_object('as_of', p_as_of) ELSE '{}' END
    FROM chk k
   WHERE coalesce(k.ended_on, p_as_of) > k.deadline
$$;
