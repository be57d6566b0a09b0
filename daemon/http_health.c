/* /healthz (the process runs), /readyz (database, schema and rule pack are usable) and /metrics. */
#include "http_health.h"

#include "app.h"
#include "buf.h"
#include "metrics.h"
#include "rules.h"

static const char *const no_params[] = {NULL};

void handle_healthz(struct request *r)
{
  if (req_only_params(r, no_params) != 0)
    return;
  reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

void handle_readyz(struct request *r)
{
  if (req_only_params(r, no_params) != 0)
    return;
  json_t *problems = json_array();
  int have = 0, need = db_schema_required(), stale = 0;
  char first[128] = "";
  enum db_status why;
  /* Not req_db(): a failure here is a finding of the check, reported in the readiness body, not a 503 error. */
  struct db_conn *c = db_pool_acquire(app_config()->db_acquire_timeout_ms, &why);
  if (c == NULL) {
    json_array_append_new(problems, json_pack("{s:s, s:s}", "path", "database", "message",
                                              why == DB_RETRY ? "all database connections are busy"
                                                              : "the database cannot be reached"));
  } else {
    enum db_status st = db_schema_version(c, &have);
    if (st != DB_OK)
      json_array_append_new(problems, json_pack("{s:s, s:s}", "path", "database", "message",
                                                "the database does not answer queries"));
    else if (have < need)
      json_array_append_new(problems, json_pack("{s:s, s:s++}", "path", "schema", "message",
                                                "the schema is older than this build needs: run ",
                                                "'caseaudit migrate'"));
    else if ((st = db_engine_stale(c, &stale, first, sizeof first)) != DB_OK)
      json_array_append_new(problems, json_pack("{s:s, s:s}", "path", "database", "message",
                                                "the database does not answer queries"));
    else if (stale > 0)
      json_array_append_new(problems, json_pack("{s:s, s:s++}", "path", "schema", "message",
                                                "the engine functions differ from this build's (", first,
                                                "...): run 'caseaudit migrate'"));
    db_pool_release(c);
  }
  const struct rule_pack *pack = rules_current();
  if (pack == NULL)
    json_array_append_new(problems, json_pack("{s:s, s:s}", "path", "rules", "message", "no rule pack is loaded"));
  if (json_array_size(problems) > 0) {
    reply_error_details(r, ERR_NOT_READY, problems, "not ready: %s",
                        json_string_value(json_object_get(json_array_get(problems, 0), "message")));
    return;
  }
  json_decref(problems);
  reply_json(r, 200, json_pack("{s:s, s:{s:i, s:i}, s:{s:s, s:s, s:I}}", "status", "ready", "schema", "version",
                               have, "required", need, "rules", "version", pack->version, "id", pack->id, "count",
                               (json_int_t)pack->nrules));
}

bool metrics_are_public(void) { return app_config()->metrics_public; }

void handle_metrics(struct request *r)
{
  if (req_only_params(r, no_params) != 0)
    return;
  struct buf out = {0};
  struct metrics_gauges g = {.inflight = http_inflight()};
  db_pool_usage(&g.pool_in_use, &g.pool_size);
  if (metrics_render(&out, &g) != 0) {
    buf_free(&out);
    reply_error(r, ERR_INTERNAL, "out of memory");
    return;
  }
  reply_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", out.data, out.len);
  buf_free(&out);
}
