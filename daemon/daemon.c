/* Start-up and shutdown of caseauditd's modules, in one order and its reverse. */
#include "daemon.h"

#include <stdio.h>
#include <time.h>

#include "app.h"
#include "cursor.h"
#include "db.h"
#include "log.h"
#include "rules.h"

int daemon_load_rules(const struct config *cfg, char *err, size_t errlen)
{
  char problems[8192];
  struct rule_pack *p = rules_load(cfg->rules_dir, problems, sizeof problems);
  if (p == NULL) {
    snprintf(err, errlen, "the rule pack in %s is invalid:\n%s", cfg->rules_dir, problems);
    return -1;
  }
  char cerr[512];
  struct db_conn *c = db_connect(cfg->db, "caseauditd", cfg->timezone, cfg->db_connect_timeout_s,
                                 cfg->db_statement_timeout_ms, cerr, sizeof cerr);
  if (c == NULL) {
    snprintf(err, errlen, "cannot connect to the database to register the rule pack: %s", cerr);
    rules_free(p);
    return -1;
  }
  enum db_status st = rules_register(c, p, problems, sizeof problems);
  db_close(c);
  if (st != DB_OK) {
    snprintf(err, errlen, "the rule pack in %s cannot be used: %s", cfg->rules_dir, problems);
    rules_free(p);
    return -1;
  }
  log_info("rule pack %s (%zu rules, id %.12s) loaded from %s", p->version, p->nrules, p->id, cfg->rules_dir);
  rules_swap(p);
  return 0;
}

struct http_server *daemon_start(struct config *cfg, char *err, size_t errlen)
{
  app_config_swap(cfg);
  log_set_level((enum log_level)log_level_parse(cfg->log_level));

  char cerr[512];
  struct db_conn *c = db_connect(cfg->db, "caseauditd", cfg->timezone, cfg->db_connect_timeout_s,
                                 cfg->db_statement_timeout_ms, cerr, sizeof cerr);
  if (c == NULL) {
    snprintf(err, errlen, "cannot connect to the database: %s", cerr);
    goto fail;
  }
  int have = 0, need = db_schema_required();
  enum db_status st = db_schema_version(c, &have);
  if (st == DB_OK && have >= need && cursor_init(c) != DB_OK) {
    snprintf(err, errlen, "cannot read or create the cursor signing key");
    db_close(c);
    goto fail;
  }
  db_close(c);
  if (st != DB_OK) {
    snprintf(err, errlen, "cannot read the schema version");
    goto fail;
  }
  if (have < need) {
    snprintf(err, errlen, "the database schema is at version %d, this build needs %d: run 'caseaudit migrate'",
             have, need);
    goto fail;
  }
  if (have > need)
    log_warn("the database schema (version %d) is newer than this build (%d)", have, need);
  if (daemon_load_rules(cfg, err, errlen) != 0)
    goto fail;

  if (db_pool_init(cfg->db, (int)cfg->db_pool_size, cfg->timezone, cfg->db_connect_timeout_s,
                   cfg->db_statement_timeout_ms) != 0) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  struct http_server *s = http_start(cfg, err, errlen);
  if (s == NULL) {
    db_pool_shutdown();
    goto fail;
  }
  return s;
fail:
  rules_shutdown();
  app_shutdown();
  return NULL;
}

void daemon_stop(struct http_server *s, bool (*wait_abort)(long ms))
{
  app_set_draining();
  http_quiesce(s);
  const struct config *cfg = app_config();
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    unsigned left = http_inflight();
    if (left == 0)
      break;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - start.tv_sec >= cfg->drain_timeout_s) {
      log_warn("drain deadline of %lds passed with %u requests in flight: stopping anyway", cfg->drain_timeout_s,
               left);
      break;
    }
    if (wait_abort != NULL) {
      if (wait_abort(20)) {
        log_warn("second signal: stopping with %u requests in flight", left);
        break;
      }
    } else {
      struct timespec tick = {0, 20 * 1000 * 1000};
      nanosleep(&tick, NULL);
    }
  }
  http_stop(s);
  db_pool_shutdown();
  rules_shutdown();
  app_shutdown();
}
