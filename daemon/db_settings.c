/* Server settings: one named statement. */
#include "db_settings.h"

#include <stdio.h>

#include "db_internal.h"

enum db_status db_setting_init(struct db_conn *c, const char *key, const char *value, char *out, size_t outlen)
{
  const char *p[] = {key, value};
  enum db_status st;
  PGresult *res = db_exec(c, STMT_SETTING_INIT, 2, p, &st);
  if (res == NULL)
    return st;
  snprintf(out, outlen, "%s", PQgetvalue(res, 0, 0));
  PQclear(res);
  return DB_OK;
}
