-- sql/engine/retired.sql: functions of earlier releases that no file defines any more, dropped from databases that
-- still have them. Applied first of the engine files (docs/schema.md); a retired rule's ca_rule_<id> goes here too.
-- Engine file: applied by `caseaudit migrate` after the numbered migrations and again whenever it changes.

-- The four group dispatchers of sql/0006..0009: ca_collect_hits() is now generated from the rule folders
-- (sql/engine/dispatch.sql.in) and calls every rule itself.
DROP FUNCTION IF EXISTS ca_collect_hits_publicity_recording(text, jsonb, uuid[], date, text[]);
DROP FUNCTION IF EXISTS ca_collect_hits_review_archive(text, jsonb, uuid[], date, text[]);
DROP FUNCTION IF EXISTS ca_collect_hits_documents_procedure(text, jsonb, uuid[], date, text[]);
DROP FUNCTION IF EXISTS ca_collect_hits_documents_content(text, jsonb, uuid[], date, text[]);
