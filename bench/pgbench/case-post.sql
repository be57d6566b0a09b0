-- POST /api/v1/cases of tests/fixtures/example-case.json with an ingest token: the token lookup, the one-record
-- batch stored and evaluated by the rule pack in its own transaction, then the case summary of the reply.
-- Each transaction stores a new case: the case number (which the example also uses as its penalty decision's
-- number, that rule D14 looks up across the agency's cases) is replaced by one unique to this client and
-- transaction, as bench/wrk/post-case.lua does for the daemon.
\set n random(1, 1000000000000)
@token_lookup [":tokid"]
BEGIN;
@cases_store ["'[' || replace({record}, {case_no}, 'PGB-' || :client_id || '-' || :n) || ']'", ":pack"]
COMMIT;
@case_summary ["ca_case_id('{agency}', 'PGB-' || :client_id || '-' || :n)::text"]
