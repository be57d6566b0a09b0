/* Files compiled into the binaries: the numbered SQL migrations and the OpenAPI document. */
#ifndef CASEAUDIT_EMBEDDED_H
#define CASEAUDIT_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
  const char *name; /* base name, e.g. "0001_base.sql" */
  size_t len;
  const char *data; /* NUL-terminated */
};

/* sql/NNNN_*.sql in ascending order; the migration number is the name's numeric prefix. */
extern const struct embedded_file embedded_migrations[];
extern const size_t embedded_migrations_count;

/* daemon/openapi.json */
extern const struct embedded_file embedded_openapi[];
extern const size_t embedded_openapi_count;

#endif
