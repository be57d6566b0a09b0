/* Settings of caseauditd and caseaudit: one table of keys {name, type, default, bounds, reloadable}. */
#ifndef CASEAUDIT_CONFIG_H
#define CASEAUDIT_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

struct config {
  char *listen;  /* ADDR:PORT */
  char *tls_cert; /* PEM file path, or "" for plain HTTP */
  char *tls_key;  /* PEM file path; set exactly when tls_cert is */
  char *db;      /* libpq conninfo */
  long db_pool_size;
  long db_acquire_timeout_ms;
  long db_connect_timeout_s;
  long db_statement_timeout_ms;
  long max_connections;
  long max_connections_per_ip;
  long connection_timeout_s;
  long body_max_bytes;
  long bulk_line_max_bytes;
  long bulk_batch_size;
  long drain_timeout_s;
  char *log_level;
  char *rules_dir;
  char *ui_dir;
  char *timezone;
  bool metrics_public;
  long auth_fail_limit;
  long auth_fail_window_s;
};

/* A new config holding every default. Never NULL (aborts on out-of-memory). Free with config_free(). */
struct config *config_new(void);
void config_free(struct config *c);

/* Sets one key from its text form. On error returns -1 and writes "key 'K': why" into err. */
int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen);

/* Reads an INI file of "key = value" lines (no sections; '#' or ';' comments) over c. On error returns -1 and
 * writes "FILE line N: key 'K': why" into err; c may then hold some of the file's values, so load into a fresh
 * config and discard it on error. A missing file is an error here: callers decide whether that is fatal. */
int config_load_file(struct config *c, const char *path, char *err, size_t errlen);

/* Checks what no single key can: tls_cert and tls_key are set together. On error returns -1 with the key named. */
int config_check(const struct config *c, char *err, size_t errlen);

/* Fills a config the way both programs do: defaults, then the file (a missing default_path is fine, a missing
 * explicit path is not), then $CASEAUDIT_DB, then the --db and --listen overrides (NULL when not given), then config_check. */
struct config *config_load(const char *explicit_path, const char *default_path, const char *db_override,
                           const char *listen_override, char *err, size_t errlen);

/* Prints "key = value" for every key, secrets (passwords in the conninfo) masked. */
void config_print(const struct config *c, FILE *out);

/* Writes the documented example file: every key, commented out, with its default, bounds and help. */
void config_write_example(FILE *out);

/* Calls warn(key) for every key that differs between a and b but cannot change without a restart. */
void config_changed_fixed_keys(const struct config *a, const struct config *b, void (*warn)(const char *key));

/* Splits c->listen into host and port. Returns 0, or -1 when it is not ADDR:PORT. */
int config_listen_parts(const char *listen, char *host, size_t hostlen, unsigned *port);

#endif
