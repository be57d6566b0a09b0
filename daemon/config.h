/* Settings of caseauditd and caseaudit: one table of keys {name, type, default, bounds, reloadable}. */
#ifndef CASEAUDIT_CONFIG_H
#define CASEAUDIT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Where a value came from, for --print-config and the errors of config_check_dir. */
enum config_origin {
  CONFIG_FROM_DEFAULT,  /* the table's default */
  CONFIG_FROM_CHECKOUT, /* a data folder's default: the checkout of the build folder this binary runs from */
  CONFIG_FROM_PREFIX,   /* a data folder's default: the installed data folder */
  CONFIG_FROM_FILE,     /* the settings file */
  CONFIG_FROM_ENV,      /* $CASEAUDIT_DB */
  CONFIG_FROM_FLAG,     /* config_set: the command line (--db, --listen, a command's argument) */
};

/* The places a build knows (meson compiles them in): its source checkout, its build folder, and the folder that
 * `meson install` fills (<prefix>/<datadir>/caseaudit). */
struct config_roots {
  const char *source_root, *build_root, *data_dir;
};

#define CONFIG_KEYS_MAX 32

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

  /* Where each value came from (by the table's order; read through config_print_origins and config_check_dir). */
  unsigned char origin[CONFIG_KEYS_MAX];
  char *file;                       /* the settings file read, or NULL */
  char *exe;                        /* this program's path as the data folders' defaults saw it, or NULL */
  const struct config_roots *roots; /* those defaults' roots */
};

/* The roots compiled into this build. */
const struct config_roots *config_builtin_roots(void);

/* The default of a data folder NAME ("rules", "ui"): SOURCE_ROOT/NAME when exe (an absolute path, NULL when
 * unknown) lies under the build root or the folder it resolves to (the uninstalled binary of that build; an installed
 * copy elsewhere is not, even while the checkout still exists), else DATA_DIR/NAME. Writes the path into out
 * (truncated to outlen) and returns CONFIG_FROM_CHECKOUT or CONFIG_FROM_PREFIX. Does not look at NAME's folder. */
enum config_origin config_default_dir(const char *exe, const struct config_roots *roots, const char *name, char *out,
                                      size_t outlen);

/* A new config holding every default, rules_dir and ui_dir by config_default_dir for this process
 * (/proc/self/exe) and config_builtin_roots(). Never NULL (aborts on out-of-memory). Free with config_free(). */
struct config *config_new(void);
/* The same for a program at exe (NULL: unknown) with the given roots, which must outlive the config (for tests). */
struct config *config_new_at(const char *exe, const struct config_roots *roots);
void config_free(struct config *c);

/* Sets one key from its text form (its origin: the command line). On error returns -1 and writes "key 'K': why"
 * into err. */
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

/* Checks that the folder a data-folder key (rules_dir, ui_dir) names exists. On error returns -1 and writes
 * "key 'K': PATH is not a folder (why); " and where the value came from and how to set it (--config FILE). */
int config_check_dir(const struct config *c, const char *key, char *err, size_t errlen);

/* Prints "key = value" for every key, secrets (passwords in the conninfo) masked: one line a key, always (a file
 * that loads to the same values). */
void config_print(const struct config *c, FILE *out);

/* Prints "# key: where its value came from" for each key not at the table's default (the data folders always: their
 * default is found at run time), as comment lines to put before config_print's. */
void config_print_origins(const struct config *c, FILE *out);

/* Writes the documented example file: every key, commented out, with its default, bounds and help. */
void config_write_example(FILE *out);

/* Calls warn(key) for every key that differs between a and b but cannot change without a restart. */
void config_changed_fixed_keys(const struct config *a, const struct config *b, void (*warn)(const char *key));

/* Splits c->listen into host and port. Returns 0, or -1 when it is not ADDR:PORT. */
int config_listen_parts(const char *listen, char *host, size_t hostlen, unsigned *port);

#endif
