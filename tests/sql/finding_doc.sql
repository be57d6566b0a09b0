-- finding_doc.sql: checks sql/0022_listing_speed.sql and the trigger zz_findings_doc (sql/engine/findings.sql):
-- findings.doc, the stored JSON document that
-- GET /api/v1/findings pages are made of, is always ca_finding_json of the row as stored.
-- Run by tests/sql/run on a freshly migrated database (-v example=PATH: the example case record).

\set rec `cat :'example'`
BEGIN;
SELECT (ca_store_case(:'rec'::jsonb)).case_id AS case_id \gset

INSERT INTO findings (case_id, rule_id, key, id, agency_code, rule_version, system, severity, points, veto, status,
                      message_zh, message_en, evidence, pack_id, first_seen_at, last_seen_at)
SELECT :'case_id', 'D10', 'doc-1', md5(:'case_id' || '/D10/doc-1')::uuid, agency_code, 1, 'documents', 'error', 5,
       false, 'open', '缺少印章', 'Unsealed', '{"document_id": "doc-1"}', 'test-pack', now(), now()
  FROM cases WHERE id = :'case_id';

DO $$
DECLARE f findings;
BEGIN
  SELECT * INTO f FROM findings WHERE rule_id = 'D10' AND key = 'doc-1';
  IF f.doc IS DISTINCT FROM ca_finding_json(f)::text THEN
    RAISE EXCEPTION 'after INSERT, doc is %, not ca_finding_json: %', f.doc, ca_finding_json(f)::text;
  END IF;
  IF f.doc::jsonb ->> 'case_no' IS NULL OR f.doc::jsonb ->> 'status' <> 'open' THEN
    RAISE EXCEPTION 'the document lacks case_no or status: %', f.doc;
  END IF;
END $$;

-- Any write refreshes it, whoever writes: a review's status change, and a write of doc itself.
UPDATE findings SET status = 'acknowledged' WHERE rule_id = 'D10' AND key = 'doc-1';
UPDATE findings SET doc = '{"forged": true}', evidence = '{"document_id": "doc-2"}' WHERE rule_id = 'D10' AND key = 'doc-1';
DO $$
DECLARE f findings;
BEGIN
  SELECT * INTO f FROM findings WHERE rule_id = 'D10' AND key = 'doc-1';
  IF f.doc IS DISTINCT FROM ca_finding_json(f)::text THEN
    RAISE EXCEPTION 'after UPDATE, doc is %, not ca_finding_json: %', f.doc, ca_finding_json(f)::text;
  END IF;
  IF f.doc::jsonb ->> 'status' <> 'acknowledged' OR f.doc::jsonb #>> '{evidence,document_id}' <> 'doc-2' THEN
    RAISE EXCEPTION 'the document does not follow the row: %', f.doc;
  END IF;
END $$;

-- The column cannot be emptied.
DO $$
BEGIN
  BEGIN
    ALTER TABLE findings DISABLE TRIGGER zz_findings_doc;
    UPDATE findings SET doc = NULL WHERE rule_id = 'D10';
    RAISE EXCEPTION 'doc accepted NULL';
  EXCEPTION WHEN not_null_violation THEN
    NULL;
  END;
END $$;
ROLLBACK;
