/* Storage of rule packs and the engine's entry points. */
#ifndef CASEAUDIT_DB_RULES_H
#define CASEAUDIT_DB_RULES_H

#include <stdbool.h>

#include "db.h"

enum db_status db_pack_register(struct db_conn *c, const char *id, const char *version, const char *body_json);
/* *exists: the database has the SQL function ca_rule_<id> (lower case). */
enum db_status db_rule_function_exists(struct db_conn *c, const char *rule_id, bool *exists);

#endif
