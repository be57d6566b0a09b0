/* /api/v1/stats?agency=&from=&to=: per-agency figures over the cases filed in the period (sql/0011 ca_stats). */
#include "http_stats.h"

#include <stdlib.h>

#include "db_review.h"
#include "params.h"
#include "rules.h"

void handle_stats(struct request *r)
{
  static const char *const params[] = {"agency", "from", "to", NULL};
  const char *agency, *from, *to;
  char *scope = NULL;
  if (req_only_params(r, params) != 0 || param_agency(r, "agency", &agency) != 0 ||
      param_date(r, "from", &from) != 0 || param_date(r, "to", &to) != 0 || param_scope(r, agency, &scope) != 0)
    return;
  const struct rule_pack *pack = req_pack(r);
  struct db_conn *c = pack ? req_db(r) : NULL;
  if (c == NULL)
    goto out;
  /* the agency filter narrows the token's scope to one agency */
  char one[80];
  if (agency != NULL) {
    snprintf(one, sizeof one, "{\"%s\"}", agency);
    free(scope);
    scope = NULL;
  }
  json_t *stats = NULL;
  enum db_status st = db_stats(c, pack->id, agency ? one : scope, from, to, &stats);
  if (st != DB_OK)
    reply_db_error(r, st);
  else
    reply_json(r, 200, stats);
out:
  free(scope);
}
