/* The one place where SQL statements are written. Each is prepared by name on every connection on first use. */
#include "db_sql.h"

const struct db_stmt db_statements[STMT__COUNT] = {
  [STMT_SCHEMA_VERSION] = {"schema_version",
                           "SELECT coalesce(max(version), 0) FROM schema_migrations"},
  [STMT_PING] = {"ping", "SELECT 1"},

  [STMT_TOKEN_INSERT] = {"token_insert",
                         "INSERT INTO tokens (id, name, role, agencies, secret_hash) "
                         "VALUES ($1, $2, $3, $4::text[], decode($5, 'hex'))"},
  [STMT_TOKEN_LOOKUP] = {"token_lookup",
                         "SELECT name, role, array_to_json(agencies)::text, encode(secret_hash, 'hex'), "
                         "revoked_at IS NOT NULL FROM tokens WHERE id = $1"},
  [STMT_TOKEN_LIST] = {"token_list",
                       "SELECT name, role, array_to_string(agencies, ','), "
                       "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                       "coalesce(to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') "
                       "FROM tokens ORDER BY name"},
  [STMT_TOKEN_REVOKE] = {"token_revoke",
                         "UPDATE tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL RETURNING id"},
};
