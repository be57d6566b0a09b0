/* /api/v1/standards and /api/v1/standards/{id}: the scoring standards of the pack in force, whole
 * (review-workflow.md), and which agency is scored under which. */
#include "http_standards.h"

#include "rules.h"

void handle_standards_list(struct request *r)
{
  static const char *const no_params[] = {NULL};
  if (req_only_params(r, no_params) != 0)
    return;
  const struct rule_pack *p = req_pack(r);
  if (p == NULL)
    return;
  json_t *items = json_array();
  const char *id;
  json_t *st;
  json_object_foreach(json_object_get(p->body, "standards"), id, st) json_array_append(items, st);
  reply_json(r, 200, json_pack("{s:o, s:O, s:{s:s, s:s}}", "items", items, "standards_by_agency",
                               json_object_get(p->body, "standards_by_agency"), "pack", "version", p->version, "id",
                               p->id));
}

void handle_standard_get(struct request *r)
{
  static const char *const no_params[] = {NULL};
  if (req_only_params(r, no_params) != 0)
    return;
  const struct rule_pack *p = req_pack(r);
  if (p == NULL)
    return;
  json_t *st = json_object_get(json_object_get(p->body, "standards"), req_param(r, 0));
  if (st == NULL) {
    reply_error(r, ERR_NOT_FOUND, "no standard %s in pack %s", req_param(r, 0), p->version);
    return;
  }
  reply_json(r, 200, json_incref(st));
}
