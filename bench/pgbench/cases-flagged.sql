-- GET /api/v1/cases?flagged=true&limit=50 with a supervisor token (every agency, default order: by id): the token
-- lookup, then the page (limit+1 rows).
@token_lookup [":tokid"]
@case_list_by_id ["NULL", "NULL", "'true'", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "51"]
