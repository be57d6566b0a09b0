/* /api/v1/agencies: the agencies a token may read, each code with its name (执法主体名称), for the pages and
 * reports that show a name where a person reads it. Only agencies with a stored case exist. */
#include "http_agencies.h"

#include <stdlib.h>

#include "db_review.h"
#include "params.h"

void handle_agencies(struct request *r)
{
  static const char *const no_params[] = {NULL};
  char *scope = NULL;
  if (req_only_params(r, no_params) != 0 || param_scope(r, NULL, &scope) != 0)
    return;
  struct db_conn *c = req_db(r);
  if (c == NULL)
    goto out;
  json_t *agencies = NULL;
  enum db_status st = db_agencies(c, scope, &agencies);
  if (st != DB_OK)
    reply_db_error(r, st);
  else
    reply_json(r, 200, agencies);
out:
  free(scope);
}
