/* Rule packs: reading the rule files of rules/, validating the pack as a whole, and the pack in force in the daemon. */
#ifndef CASEAUDIT_RULES_H
#define CASEAUDIT_RULES_H

#include <jansson.h>
#include <stddef.h>

#include "db.h"

struct rule_pack {
  char id[65];   /* SHA-256 (hex) of the canonical pack JSON */
  char *version; /* the pack's own version label (pack.json) */
  json_t *body;  /* {"version", "grading", "rules": {"P01": {...}, ...}} */
  size_t nrules;
};

/* Reads DIR/pack.json and the metadata of every rule folder, DIR/<ID>/rule.json (in id order), into one pack and
 * validates all of it. On any problem returns NULL and writes every problem found ("FILE: rule P01: ...", one per
 * line) into err. */
struct rule_pack *rules_load(const char *dir, char *err, size_t errlen);
void rules_free(struct rule_pack *p);

/* Stores the pack in rule_packs (idempotent) and checks that the database implements every rule (a SQL function
 * ca_rule_<id>). Returns DB_OK, or DB_HARD_ERROR with the missing rules named in err. */
enum db_status rules_register(struct db_conn *c, const struct rule_pack *p, char *err, size_t errlen);

/* The pack the daemon uses now; NULL before one loaded. Like app_config(), old packs stay valid until
 * rules_shutdown(), so a request keeps a consistent pack. */
const struct rule_pack *rules_current(void);
void rules_swap(struct rule_pack *p);
void rules_shutdown(void);

/* A rule as the API shows it: the pack's entry plus its effective parameters (for an agency and sector when
 * given: their override and profile applied). New reference. */
json_t *rules_rule_json(const struct rule_pack *p, const char *id, const char *sector, const char *agency);

#endif
