/* Server-wide settings stored in the database (server_settings). */
#ifndef CASEAUDIT_DB_SETTINGS_H
#define CASEAUDIT_DB_SETTINGS_H

#include <stddef.h>

#include "db.h"

/* Stores value under key unless one is stored, then reads the stored one into out. */
enum db_status db_setting_init(struct db_conn *c, const char *key, const char *value, char *out, size_t outlen);

#endif
