-- GET /api/v1/findings?limit=50 with a supervisor token (every agency): the token lookup of every request, then the
-- page (the daemon asks for limit+1 rows to know whether there is a next page).
@token_lookup [":tokid"]
@finding_list ["NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "51"]
