-- 0028: scoring standards (评查标准, review-workflow.md "Scoring standards"; issue #17).
--
-- A standard is a file of the rule pack (rules/standards/ID.json), validated whole by the daemon when the pack
-- loads (daemon/standards.c) and stored with the pack's body (rule_packs.body -> 'standards'). This migration adds
-- the fourth grade (良好, 'good') that sectioned standards use. The function that scores cases under a standard,
-- set-based (all the cases of an audit chunk in one statement, never case by case), is ca_standard_scores in
-- sql/engine/standards.sql; ca_score_cases (engine/evaluate.sql) stores each case's score under its agency's.
--
-- Score: with sections, the sum over sections of max(0, section points - the deductions of the rules placed in it);
-- without sections (the default standard) max(0, 100 - every deduction), as rules.md scores. A rule deducts the
-- points of its counted (open or acknowledged) findings, all of one rule's findings in one case at most caps[rule];
-- a rule in no section of a sectioned standard deducts nothing (不在标准内的不计分).
-- Grade: a counted finding of a rule the standard lists in veto fails the case (a rule the pack itself marks veto
-- vetoes by its finding's own flag, as today: D13 only for its gross findings; any other listed rule by every
-- counted finding); otherwise the first band, in the standard's order, whose min <= score and, when the band says
-- no_error, that has no counted error finding.
-- The default standard (no sections, pack.json's bands with no_error on excellent, the pack's veto rules) gives
-- exactly the scores and grades of ca_score_cases as it was (0004): tests/sql/standards.sql on every rule of
-- scoring, and on 20,000 generated cases (bench/generate --seed 7, audited as of 2026-06-01) every case's score,
-- grade and open findings recomputed by this ca_score_cases equalled the old one's (docs/standards.md).

ALTER TABLE cases DROP CONSTRAINT cases_grade_check;
ALTER TABLE cases ADD CONSTRAINT cases_grade_check CHECK (grade IN ('excellent', 'good', 'pass', 'fail'));
