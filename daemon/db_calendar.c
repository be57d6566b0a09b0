/* Calendar storage: one named statement. */
#include "db_calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

enum db_status db_calendar_load(struct db_conn *c, const char *year, const char *title, const char *notice_no,
                                const char *published_on, const char *source_url, const char *rows_json, int *stored,
                                char *err, size_t errlen)
{
  const char *p[] = {year, title, notice_no, published_on, source_url, rows_json};
  enum db_status st;
  PGresult *res = db_exec(c, STMT_CALENDAR_LOAD, 6, p, &st);
  if (res == NULL) {
    snprintf(err, errlen, "%s", PQerrorMessage(c->pg));
    size_t n = strlen(err);
    while (n > 0 && err[n - 1] == '\n')
      err[--n] = '\0';
    return st;
  }
  *stored = atoi(PQgetvalue(res, 0, 0));
  PQclear(res);
  return DB_OK;
}
