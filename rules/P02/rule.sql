-- rules/P02/rule.sql: the one definition of rule P02 (its texts and parameters: rule.json beside it).
-- Applied by `caseaudit migrate` after the engine files (sql/engine/) and again whenever it changes.

-- ---- P02: the published document number is the penalty decision's -----------------------------------------------
-- Scope: cases with a publication (published_on or document_number given) and at least one penalty_decision
-- document with a number. The numbers are compared after ca_pr_norm (width, bracket forms, spaces); the published
-- number must equal one of the decisions' numbers. A publication without a number fires too.
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
