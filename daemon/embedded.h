/* Files compiled into the binaries: the numbered SQL migrations, the engine SQL and the OpenAPI document. */
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

/* The engine's SQL in the order `caseaudit migrate` applies it: the files of sql/engine/ as sql/meson.build lists them,
 * rules/<ID>/rule.sql in id order, then the dispatcher generated from the rule folders; each named by its path
 * (scripts/rules-gen). */
extern const struct embedded_file embedded_engine[];
extern const size_t embedded_engine_count;

/* daemon/openapi.json */
extern const struct embedded_file embedded_openapi[];
extern const size_t embedded_openapi_count;

#endif
