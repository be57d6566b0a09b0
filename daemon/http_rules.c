/* /api/v1/rules and /api/v1/rules/{id}: the active pack with each rule's effective parameters. */
#include "http_rules.h"

#include <string.h>

#include "rules.h"

void handle_rules_list(struct request *r)
{
  static const char *const params[] = {NULL};
  if (req_only_params(r, params) != 0)
    return;
  const struct rule_pack *p = req_pack(r);
  if (p == NULL)
    return;
  json_t *items = json_array();
  const char *id;
  json_t *rule;
  json_object_foreach(json_object_get(p->body, "rules"), id, rule)
    json_array_append_new(items, rules_rule_json(p, id, NULL, NULL));
  reply_json(r, 200, json_pack("{s:o, s:n, s:{s:s, s:s, s:O}}", "items", items, "next_cursor", "pack", "version",
                               p->version, "id", p->id, "grading", json_object_get(p->body, "grading")));
}

void handle_rule_get(struct request *r)
{
  static const char *const params[] = {"sector", "agency", NULL};
  if (req_only_params(r, params) != 0)
    return;
  const struct rule_pack *p = req_pack(r);
  if (p == NULL)
    return;
  json_t *rule = rules_rule_json(p, req_param(r, 0), req_query(r, "sector"), req_query(r, "agency"));
  if (rule == NULL) {
    reply_error(r, ERR_NOT_FOUND, "no rule %s in pack %s", req_param(r, 0), p->version);
    return;
  }
  reply_json(r, 200, rule);
}
