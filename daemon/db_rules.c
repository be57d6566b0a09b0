/* Rule pack storage: one named statement per function. */
#include "db_rules.h"

#include <ctype.h>
#include <stdio.h>

#include "db_internal.h"

enum db_status db_pack_register(struct db_conn *c, const char *id, const char *version, const char *body_json)
{
  const char *p[] = {id, version, body_json};
  enum db_status st;
  PGresult *res = db_exec(c, STMT_PACK_REGISTER, 3, p, &st);
  PQclear(res);
  return st;
}

enum db_status db_rule_function_exists(struct db_conn *c, const char *rule_id, bool *exists)
{
  char fn[64];
  snprintf(fn, sizeof fn, "ca_rule_%s", rule_id);
  for (char *q = fn; *q; q++)
    *q = (char)tolower((unsigned char)*q);
  const char *p[] = {fn};
  enum db_status st;
  PGresult *res = db_exec(c, STMT_RULE_FUNCTION_EXISTS, 1, p, &st);
  if (res == NULL)
    return st;
  *exists = PQgetvalue(res, 0, 0)[0] == 't';
  PQclear(res);
  return DB_OK;
}
