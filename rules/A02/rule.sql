-- rules/A02/rule.sql: the one definition of rule A02 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- A02: the archive catalog lists every document once; pages run continuously from 1 ---------------------
-- Per case, the ids the catalog names are compared with the document ids (two aggregates that can follow the
-- primary keys); only the cases that differ are examined document by document. The page run is one window in
-- catalog order. Texts are built for the defective rows only.
CREATE OR REPLACE FUNCTION ca_rule_a02(p_pack text, p_ids uuid[], p_as_of date)
    RETURNS TABLE (case_id uuid, key text, severity text, veto bool, evidence jsonb)
    LANGUAGE sql STABLE AS $$
  WITH c AS MATERIALIZED (
    SELECT c.id, c.archived_on FROM cases c WHERE c.id = ANY (p_ids) AND c.archived_on IS NOT NULL
  ), ksum AS (
    -- per case with a catalog, the document ids its entries name (as often as they name them) ...
    SELECT k.case_id,
           array_agg(btrim(k.document_ref)) FILTER (WHERE nullif(btrim(k.document_ref), '') IS NOT NULL) AS refs
      FROM case_archive_catalog k
     WHERE k.case_id = ANY (p_ids)
     GROUP BY k.case_id
  ), dsum AS (
    -- ... and the ids of its documents (distinct: they are the key)
    SELECT d.case_id, array_agg(d.doc_id) AS ids
      FROM case_documents d
     WHERE d.case_id = ANY (p_ids)
     GROUP BY d.case_id
  ), bad AS MATERIALIZED (
    -- every document is listed exactly once and no entry names anything else exactly when the entries name as many
    -- ids as there are documents and name each of them (the ids being distinct): no sorting needed
    SELECT c.id
      FROM c
      JOIN ksum ON ksum.case_id = c.id
      LEFT JOIN dsum ON dsum.case_id = c.id
     WHERE NOT (coalesce(cardinality(ksum.refs), 0) = coalesce(cardinality(dsum.ids), 0)
                AND coalesce(ksum.refs, '{}') @> coalesce(dsum.ids, '{}'))
  ), listing AS MATERIALIZED (
    -- for those few cases (index lookups per case): documents listed other than once, and entries naming no
    -- document of the case
    SELECT bad.id AS case_id, x.*
      FROM bad
      CROSS JOIN LATERAL (
        SELECT d.doc_id, d.type, k.ref, count(k.ref) AS n,
               array_agg(coalesce(k.seq, k.ord) ORDER BY k.seq, k.ord) FILTER (WHERE k.ref IS NOT NULL) AS seqs,
               min(k.title) AS title
          FROM (SELECT d.doc_id, d.type FROM case_documents d WHERE d.case_id = bad.id) d
          FULL JOIN (SELECT k.ord, k.seq, k.title, btrim(k.document_ref) AS ref
                       FROM case_archive_catalog k
                      WHERE k.case_id = bad.id AND nullif(btrim(k.document_ref), '') IS NOT NULL) k
            ON k.ref = d.doc_id
         GROUP BY d.doc_id, d.type, k.ref
        HAVING d.doc_id IS NULL OR count(k.ref) <> 1) x
  ), brk AS MATERIALIZED (
    -- entries where the page run breaks: unnumbered, reversed, not starting at 1, or not following the previous
    -- one. By convention the cover, the catalog and the 备考表 are not numbered: an entry without page numbers that
    -- names no document, or names an archive_note, takes no part in the run (the subquery runs only for such
    -- unnumbered entries: one index probe).
    SELECT b.*
      FROM (SELECT k.case_id, k.ord, k.seq, k.title, k.document_ref, k.page_from, k.page_to,
                   lag(k.page_to::bigint) OVER w AS prev_to,  -- bigint: page_to + 1 cannot overflow
                   row_number() OVER w AS run_pos
              FROM case_archive_catalog k
              JOIN c ON c.id = k.case_id
             WHERE k.case_id = ANY (p_ids)
               AND NOT (k.page_from IS NULL AND k.page_to IS NULL
                        AND (nullif(btrim(k.document_ref), '') IS NULL
                             OR EXISTS (SELECT 1 FROM case_documents d
                                         WHERE d.case_id = k.case_id AND d.doc_id = btrim(k.document_ref)
                                           AND d.type = 'archive_note')))
            WINDOW w AS (PARTITION BY k.case_id ORDER BY k.seq NULLS LAST, k.ord)) b
     WHERE b.page_from IS NULL OR b.page_to IS NULL OR b.page_to < b.page_from
        OR (b.run_pos = 1 AND b.page_from <> 1)
        OR (b.run_pos > 1 AND b.prev_to IS NOT NULL AND b.page_from <> b.prev_to + 1)
  )
  -- documents not in the catalog, or in it more than once
  SELECT l.case_id, l.doc_id, 'warning', false,
         jsonb_build_object(
           'document', l.doc_id, 'document_type', l.type, 'times_listed', l.n, 'catalog_seqs', to_jsonb(l.seqs),
           'detail_zh', CASE WHEN l.n = 0
                             THEN format('文书%s（%s）未列入卷内目录', l.doc_id, ca_ra_doc_type_zh(l.type))
                             ELSE format('文书%s（%s）在卷内目录中列出%s次（第%s项）', l.doc_id,
                                         ca_ra_doc_type_zh(l.type), l.n, array_to_string(l.seqs, '、')) END,
           'detail_en', CASE WHEN l.n = 0
                             THEN format('document %s (%s) is not in the catalog', l.doc_id, l.type)
                             ELSE format('document %s (%s) is listed %s times (entries %s)', l.doc_id, l.type, l.n,
                                         array_to_string(l.seqs, ', ')) END)
    FROM listing l
   WHERE l.doc_id IS NOT NULL
  UNION ALL
  -- catalog entries naming a document the case does not have
  SELECT l.case_id, l.ref, 'warning', false,
         jsonb_build_object(
           'document', l.ref, 'times_listed', l.n, 'catalog_seqs', to_jsonb(l.seqs),
           'detail_zh', format('卷内目录第%s项（%s）所列文书%s不在案卷中', array_to_string(l.seqs, '、'),
                               coalesce(l.title, '无标题'), l.ref),
           'detail_en', format('catalog entry %s (%s) names document %s, which the file does not hold',
                               array_to_string(l.seqs, ', '), coalesce(l.title, 'untitled'), l.ref))
    FROM listing l
   WHERE l.doc_id IS NULL
  UNION ALL
  -- the page run, one finding per case
  SELECT b.case_id, '', 'warning', false,
         jsonb_build_object(
           'problem', 'pages',
           'breaks', jsonb_agg(jsonb_build_object(
                       'seq', b.seq, 'document_ref', b.document_ref, 'page_from', b.page_from, 'page_to', b.page_to,
                       'expected_from', CASE WHEN b.run_pos = 1 THEN 1 ELSE b.prev_to + 1 END) ORDER BY b.run_pos),
           'detail_zh', '页码不连续：' || string_agg(
              format('第%s项（%s）', coalesce(b.seq, b.ord), coalesce(b.title, b.document_ref, '无标题'))
              || CASE WHEN b.page_from IS NULL OR b.page_to IS NULL THEN '未标页码'
                      WHEN b.page_to < b.page_from THEN format('页码%s-%s起止倒置', b.page_from, b.page_to)
                      WHEN b.run_pos = 1 THEN format('起始页为%s，目录应从第1页开始', b.page_from)
                      ELSE format('起始页为%s，上一项止于第%s页，应为第%s页', b.page_from, b.prev_to, b.prev_to + 1) END,
              '；' ORDER BY b.run_pos),
           'detail_en', 'the pages do not run continuously: ' || string_agg(
              format('entry %s (%s) ', coalesce(b.seq, b.ord), coalesce(b.title, b.document_ref, 'untitled'))
              || CASE WHEN b.page_from IS NULL OR b.page_to IS NULL THEN 'has no page numbers'
                      WHEN b.page_to < b.page_from THEN format('runs backwards, %s-%s', b.page_from, b.page_to)
                      WHEN b.run_pos = 1 THEN format('starts at page %s instead of 1', b.page_from)
                      ELSE format('starts at page %s, the previous one ends at %s, expected %s', b.page_from,
                                  b.prev_to, b.prev_to + 1) END,
              '; ' ORDER BY b.run_pos))
    FROM brk b
   GROUP BY b.case_id
  UNION ALL
  -- archived without any catalog
  SELECT c.id, '', 'warning', false,
         jsonb_build_object(
           'problem', 'no_catalog', 'archived_on', c.archived_on,
           'detail_zh', format('案件已于%s归档，但没有卷内目录', ca_ra_d(c.archived_on)),
           'detail_en', format('the case was archived on %s without a catalog', ca_ra_d(c.archived_on)))
    FROM c
   WHERE NOT EXISTS (SELECT 1 FROM case_archive_catalog k WHERE k.case_id = c.id)
$$;
