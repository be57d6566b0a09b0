/* /api/v1/me: the token's name, role and agency scope, so a client (and the web page) can tell what it may do. */
#include "http_me.h"

void handle_me(struct request *r)
{
  static const char *const no_params[] = {NULL};
  if (req_only_params(r, no_params) != 0)
    return;
  const struct principal *p = req_principal(r);
  json_t *agencies = json_array();
  for (size_t i = 0; i < p->nagencies; i++)
    json_array_append_new(agencies, json_string(p->agencies[i]));
  reply_json(r, 200, json_pack("{s:s, s:s, s:o}", "name", p->name, "role", role_name(p->role), "agencies", agencies));
}
