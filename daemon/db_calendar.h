/* Storage of the working-day calendar (sql/0003_calendar.sql). */
#ifndef CASEAUDIT_DB_CALENDAR_H
#define CASEAUDIT_DB_CALENDAR_H

#include <stddef.h>

#include "db.h"

/* Replaces one notice year (rows_json: [{"date","kind","name"}]) in a transaction; *stored gets the row count.
 * On refusal returns DB_HARD_ERROR with PostgreSQL's reason (which names the row) in err. */
enum db_status db_calendar_load(struct db_conn *c, const char *year, const char *title, const char *notice_no,
                                const char *published_on, const char *source_url, const char *rows_json, int *stored,
                                char *err, size_t errlen);

#endif
