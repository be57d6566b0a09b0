/* The settings table and the one loader that fills defaults, reads the file and names the key in every error. */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_paths.h"
#include "log.h"

/* SET_DATADIR: a folder path whose default (def: its name, "rules" or "ui") config_default_dir finds. */
enum setting_type { SET_STRING, SET_INT, SET_BOOL, SET_LEVEL, SET_LISTEN, SET_DATADIR };

struct setting {
  const char *name;
  enum setting_type type;
  const char *def;
  long min, max; /* SET_INT bounds; for strings the maximum length */
  bool reloadable;
  bool secret;
  size_t offset;
  const char *help;
};

#define OFF(f) offsetof(struct config, f)

static const struct setting settings[] = {
  {"listen", SET_LISTEN, "127.0.0.1:8080", 0, 255, false, false, OFF(listen),
   "Address and port the HTTP server binds (ADDR:PORT; [::1]:PORT for IPv6)."},
  {"tls_cert", SET_STRING, "", 0, 4096, false, false, OFF(tls_cert),
   "PEM file of the server certificate (intermediates may follow). With tls_key: HTTPS only; both empty: plain HTTP."},
  {"tls_key", SET_STRING, "", 0, 4096, false, false, OFF(tls_key),
   "PEM file of the certificate's private key, unencrypted. Set both tls_cert and tls_key, or neither."},
  {"db", SET_STRING, "dbname=caseaudit", 1, 4096, false, true, OFF(db),
   "libpq connection string. Overridden by $CASEAUDIT_DB, which --db overrides."},
  {"db_pool_size", SET_INT, "16", 1, 256, false, false, OFF(db_pool_size),
   "Database connections the daemon keeps; requests beyond it wait db_acquire_timeout_ms, then get 503."},
  {"db_acquire_timeout_ms", SET_INT, "1000", 0, 60000, true, false, OFF(db_acquire_timeout_ms),
   "How long a request waits for a free database connection before it is answered 503 with Retry-After."},
  {"db_connect_timeout_s", SET_INT, "2", 2, 60, false, false, OFF(db_connect_timeout_s),
   "libpq connect_timeout for each new connection (libpq's minimum is 2 seconds)."},
  {"db_statement_timeout_ms", SET_INT, "60000", 0, 86400000, false, false, OFF(db_statement_timeout_ms),
   "statement_timeout of the daemon's database sessions (0: none)."},
  {"max_connections", SET_INT, "512", 1, 65535, false, false, OFF(max_connections),
   "HTTP connections served at once (one thread each); further ones wait in the listen queue until one closes."},
  {"max_connections_per_ip", SET_INT, "64", 1, 65535, false, false, OFF(max_connections_per_ip),
   "HTTP connections one client address may hold at once; its further ones are closed at once."},
  {"connection_timeout_s", SET_INT, "30", 1, 3600, false, false, OFF(connection_timeout_s),
   "An idle or stalled HTTP connection is closed after this many seconds."},
  {"body_max_bytes", SET_INT, "16777216", 1024, 1073741824, true, false, OFF(body_max_bytes),
   "Largest request body accepted by single-record endpoints (413 beyond it)."},
  {"bulk_line_max_bytes", SET_INT, "8388608", 1024, 268435456, true, false, OFF(bulk_line_max_bytes),
   "Longest NDJSON line of a bulk upload; a longer line is rejected on its own."},
  {"bulk_batch_size", SET_INT, "500", 1, 100000, true, false, OFF(bulk_batch_size),
   "Bulk lines committed per transaction (each line under its own savepoint)."},
  {"drain_timeout_s", SET_INT, "30", 0, 3600, true, false, OFF(drain_timeout_s),
   "On SIGTERM, how long in-flight requests may take to finish before the daemon exits anyway."},
  {"log_level", SET_LEVEL, "info", 0, 16, true, false, OFF(log_level), "error, warn, info or debug."},
  {"rules_dir", SET_DATADIR, "rules", 1, 4096, true, false, OFF(rules_dir),
   "Folder of the rule pack (pack.json and the rule files), re-read on SIGHUP. Default: the checkout's rules/ for "
   "a binary run from its build folder, else the installed one below."},
  {"ui_dir", SET_DATADIR, "ui", 1, 4096, true, false, OFF(ui_dir),
   "Folder of the reviewers' web page served at /ui/ (index.html, app.js, app.css). Default: the checkout's ui/ "
   "for a binary run from its build folder, else the installed one below."},
  {"timezone", SET_STRING, "Asia/Shanghai", 1, 64, false, false, OFF(timezone),
   "Time zone that dates in case records belong to; the database session's TimeZone."},
  {"auth_fail_limit", SET_INT, "20", 0, 1000000, true, false, OFF(auth_fail_limit),
   "Failed authentications one client address may make per auth_fail_window_s before it gets 429 (0: no limit)."},
  {"auth_fail_window_s", SET_INT, "60", 1, 86400, true, false, OFF(auth_fail_window_s),
   "The window of auth_fail_limit, in seconds."},
  {"metrics_public", SET_BOOL, "true", 0, 0, true, false, OFF(metrics_public),
   "Serve /metrics without a token (false: an admin or supervisor token is required)."},
};

#define N_SETTINGS (sizeof settings / sizeof settings[0])
_Static_assert(N_SETTINGS <= CONFIG_KEYS_MAX, "struct config's origin[] is too short for the settings table");

static char **str_field(struct config *c, const struct setting *s) { return (char **)((char *)c + s->offset); }
static long *int_field(struct config *c, const struct setting *s) { return (long *)((char *)c + s->offset); }
static bool *bool_field(struct config *c, const struct setting *s) { return (bool *)((char *)c + s->offset); }

static const struct setting *find_setting(const char *key)
{
  for (size_t i = 0; i < N_SETTINGS; i++)
    if (strcmp(settings[i].name, key) == 0)
      return &settings[i];
  return NULL;
}

int config_listen_parts(const char *listen, char *host, size_t hostlen, unsigned *port)
{
  const char *colon = strrchr(listen, ':');
  if (colon == NULL || colon == listen || colon[1] == '\0')
    return -1;
  const char *h = listen;
  size_t hl = (size_t)(colon - listen);
  if (h[0] == '[') { /* [::1]:8080 */
    if (hl < 3 || h[hl - 1] != ']')
      return -1;
    h++;
    hl -= 2;
  }
  if (hl == 0 || hl >= hostlen)
    return -1;
  char *end;
  errno = 0;
  long p = strtol(colon + 1, &end, 10);
  if (errno != 0 || *end != '\0' || p < 0 || p > 65535)
    return -1;
  memcpy(host, h, hl);
  host[hl] = '\0';
  *port = (unsigned)p;
  return 0;
}

static int parse_bool(const char *v, bool *out)
{
  static const char *const yes[] = {"true", "yes", "on", "1"};
  static const char *const no[] = {"false", "no", "off", "0"};
  for (int i = 0; i < 4; i++) {
    if (strcmp(v, yes[i]) == 0) {
      *out = true;
      return 0;
    }
    if (strcmp(v, no[i]) == 0) {
      *out = false;
      return 0;
    }
  }
  return -1;
}

static int set_value(struct config *c, const char *key, const char *value, char *err, size_t errlen)
{
  const struct setting *s = find_setting(key);
  if (s == NULL) {
    snprintf(err, errlen, "key '%s': unknown key", key);
    return -1;
  }
  switch (s->type) {
  case SET_INT: {
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (value[0] == '\0' || *end != '\0' || errno != 0) {
      snprintf(err, errlen, "key '%s': '%s' is not a whole number", key, value);
      return -1;
    }
    if (v < s->min || v > s->max) {
      snprintf(err, errlen, "key '%s': %ld is outside %ld..%ld", key, v, s->min, s->max);
      return -1;
    }
    *int_field(c, s) = v;
    return 0;
  }
  case SET_BOOL:
    if (parse_bool(value, bool_field(c, s)) != 0) {
      snprintf(err, errlen, "key '%s': '%s' is not true or false", key, value);
      return -1;
    }
    return 0;
  case SET_LEVEL:
    if (log_level_parse(value) < 0) {
      snprintf(err, errlen, "key '%s': '%s' is not one of error, warn, info, debug", key, value);
      return -1;
    }
    break;
  case SET_LISTEN: {
    char host[256];
    unsigned port;
    if (config_listen_parts(value, host, sizeof host, &port) != 0) {
      snprintf(err, errlen, "key '%s': '%s' is not ADDR:PORT", key, value);
      return -1;
    }
    break;
  }
  case SET_STRING:
  case SET_DATADIR:
    break;
  }
  size_t len = strlen(value);
  if ((long)len < s->min || (long)len > s->max) {
    snprintf(err, errlen, "key '%s': length %zu is outside %ld..%ld", key, len, s->min, s->max);
    return -1;
  }
  char *copy = strdup(value);
  if (copy == NULL)
    abort();
  char **field = str_field(c, s);
  free(*field);
  *field = copy;
  return 0;
}

/* set_value, recording where the value came from. */
static int set_from(struct config *c, const char *key, const char *value, enum config_origin from, char *err,
                    size_t errlen)
{
  if (set_value(c, key, value, err, errlen) != 0)
    return -1;
  c->origin[find_setting(key) - settings] = (unsigned char)from;
  return 0;
}

int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen)
{
  return set_from(c, key, value, CONFIG_FROM_FLAG, err, errlen);
}

const struct config_roots *config_builtin_roots(void)
{
  static const struct config_roots built = {CASEAUDIT_BUILT_SOURCE_ROOT, CASEAUDIT_BUILT_BUILD_ROOT,
                                            CASEAUDIT_BUILT_DATA_DIR};
  return &built;
}

/* Whether path lies below the folder root (a whole path component: /b/build-c is not under /b/build). */
static bool path_under(const char *path, const char *root)
{
  size_t n = strlen(root);
  while (n > 1 && root[n - 1] == '/')
    n--;
  return n > 0 && strncmp(path, root, n) == 0 && path[n] == '/';
}

enum config_origin config_default_dir(const char *exe, const struct config_roots *roots, const char *name, char *out,
                                      size_t outlen)
{
  bool in_build = false;
  if (exe != NULL && roots->build_root[0] != '\0') {
    /* /proc/self/exe is the resolved path: compare with the build root as written and as it resolves */
    in_build = path_under(exe, roots->build_root);
    char *real = in_build ? NULL : realpath(roots->build_root, NULL);
    in_build = in_build || (real != NULL && path_under(exe, real));
    free(real);
  }
  snprintf(out, outlen, "%s/%s", in_build ? roots->source_root : roots->data_dir, name);
  return in_build ? CONFIG_FROM_CHECKOUT : CONFIG_FROM_PREFIX;
}

struct config *config_new_at(const char *exe, const struct config_roots *roots)
{
  struct config *c = calloc(1, sizeof *c);
  if (c == NULL)
    abort();
  c->roots = roots;
  if (exe != NULL && (c->exe = strdup(exe)) == NULL)
    abort();
  char err[256], dir[4096 + 64];
  for (size_t i = 0; i < N_SETTINGS; i++) {
    const struct setting *s = &settings[i];
    enum config_origin from = CONFIG_FROM_DEFAULT;
    const char *value = s->def;
    if (s->type == SET_DATADIR) {
      from = config_default_dir(exe, roots, s->def, dir, sizeof dir);
      value = dir;
    }
    if (set_from(c, s->name, value, from, err, sizeof err) != 0)
      abort(); /* a default that fails its own bounds is a programming error (or a compiled-in root over 4 KiB) */
  }
  return c;
}

struct config *config_new(void)
{
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0)
    exe[n] = '\0';
  return config_new_at(n > 0 ? exe : NULL, config_builtin_roots());
}

void config_free(struct config *c)
{
  if (c == NULL)
    return;
  for (size_t i = 0; i < N_SETTINGS; i++)
    if (settings[i].type != SET_INT && settings[i].type != SET_BOOL)
      free(*str_field(c, &settings[i]));
  free(c->file);
  free(c->exe);
  free(c);
}

struct ini_state {
  struct config *c;
  bool seen[N_SETTINGS];
  char err[512];
};

static int on_ini_line(void *user, const char *section, const char *name, const char *value)
{
  struct ini_state *st = user;
  if (st->err[0] != '\0')
    return 0;
  if (section[0] != '\0') {
    snprintf(st->err, sizeof st->err, "section [%s]: sections are not used, write keys at the top level", section);
    return 0;
  }
  const struct setting *s = find_setting(name);
  if (s != NULL && st->seen[s - settings]) {
    snprintf(st->err, sizeof st->err, "key '%s': set twice", name);
    return 0;
  }
  if (set_from(st->c, name, value, CONFIG_FROM_FILE, st->err, sizeof st->err) != 0)
    return 0;
  st->seen[s - settings] = true;
  return 1;
}

int config_load_file(struct config *c, const char *path, char *err, size_t errlen)
{
  struct ini_state st = {.c = c};
  free(c->file);
  if ((c->file = strdup(path)) == NULL)
    abort();
  int rc = ini_parse(path, on_ini_line, &st);
  if (rc == -1) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  if (rc != 0) {
    if (st.err[0] == '\0') /* a line inih itself cannot parse */
      snprintf(st.err, sizeof st.err, "not a 'key = value' line");
    snprintf(err, errlen, "%s line %d: %s", path, rc, st.err);
    return -1;
  }
  return 0;
}

int config_check(const struct config *c, char *err, size_t errlen)
{
  bool cert = c->tls_cert[0] != '\0', key = c->tls_key[0] != '\0';
  if (cert != key) {
    snprintf(err, errlen, "key '%s': not set while %s is: set both tls_cert and tls_key, or neither",
             cert ? "tls_key" : "tls_cert", cert ? "tls_cert" : "tls_key");
    return -1;
  }
  return 0;
}

struct config *config_load(const char *explicit_path, const char *default_path, const char *db_override,
                           const char *listen_override, char *err, size_t errlen)
{
  struct config *c = config_new();
  const char *path = explicit_path;
  if (path == NULL && default_path != NULL) {
    FILE *f = fopen(default_path, "r");
    if (f != NULL) {
      fclose(f);
      path = default_path;
    }
  }
  if (path != NULL && config_load_file(c, path, err, errlen) != 0)
    goto fail;
  const char *env = getenv("CASEAUDIT_DB");
  if (env != NULL && env[0] != '\0' && set_from(c, "db", env, CONFIG_FROM_ENV, err, errlen) != 0)
    goto fail;
  if (db_override != NULL && config_set(c, "db", db_override, err, errlen) != 0)
    goto fail;
  if (listen_override != NULL && config_set(c, "listen", listen_override, err, errlen) != 0)
    goto fail;
  if (config_check(c, err, errlen) != 0)
    goto fail;
  return c;
fail:
  config_free(c);
  return NULL;
}

/* Masks password=... in a key/value conninfo and the password of a postgresql:// URI. */
static void mask_conninfo(const char *in, char *out, size_t outlen)
{
  snprintf(out, outlen, "%s", in);
  char *p = strstr(out, "password");
  if (p != NULL) {
    char *eq = strchr(p, '=');
    if (eq != NULL) {
      char *end = eq + 1;
      while (*end == ' ')
        end++;
      char *stop = end;
      if (*stop == '\'') {
        stop++;
        while (*stop && *stop != '\'')
          stop += (*stop == '\\' && stop[1]) ? 2 : 1;
        if (*stop)
          stop++;
      } else {
        while (*stop && *stop != ' ')
          stop++;
      }
      char tail[4096];
      snprintf(tail, sizeof tail, "%s", stop);
      snprintf(end, outlen - (size_t)(end - out), "****%s", tail);
    }
  }
  char *scheme = strstr(out, "://");
  if (scheme != NULL) {
    char *at = strchr(scheme + 3, '@');
    char *colon = strchr(scheme + 3, ':');
    if (at != NULL && colon != NULL && colon < at) {
      char tail[4096];
      snprintf(tail, sizeof tail, "%s", at);
      snprintf(colon + 1, outlen - (size_t)(colon + 1 - out), "****%s", tail);
    }
  }
}

void config_print(const struct config *c, FILE *out)
{
  for (size_t i = 0; i < N_SETTINGS; i++) {
    const struct setting *s = &settings[i];
    struct config *mc = (struct config *)c;
    switch (s->type) {
    case SET_INT:
      fprintf(out, "%s = %ld\n", s->name, *int_field(mc, s));
      break;
    case SET_BOOL:
      fprintf(out, "%s = %s\n", s->name, *bool_field(mc, s) ? "true" : "false");
      break;
    default: {
      const char *v = *str_field(mc, s);
      char masked[4096];
      if (s->secret) {
        mask_conninfo(v, masked, sizeof masked);
        v = masked;
      }
      /* inih reads "key = ;x" as an empty value with an inline comment, "key=;x" as ";x" (the fuzzer's find) */
      fprintf(out, v[0] == ';' ? "%s=%s\n" : "%s = %s\n", s->name, v);
    }
    }
  }
}

/* Says where the value of s came from, in words that follow "it is " or "KEY: ". */
static void describe_origin(const struct config *c, const struct setting *s, char *out, size_t outlen)
{
  const char *exe = c->exe != NULL ? c->exe : "unknown";
  switch ((enum config_origin)c->origin[s - settings]) {
  case CONFIG_FROM_DEFAULT:
    snprintf(out, outlen, "the built-in default");
    break;
  case CONFIG_FROM_CHECKOUT:
    snprintf(out, outlen, "the default for a binary in the build folder %s (this one is %s): its checkout's %s/",
             c->roots->build_root, exe, s->def);
    break;
  case CONFIG_FROM_PREFIX:
    snprintf(out, outlen, "the default for an installed binary (this one is %s, not in the build folder %s): "
             "the data folder %s", exe, c->roots->build_root, c->roots->data_dir);
    break;
  case CONFIG_FROM_FILE:
    snprintf(out, outlen, "set in %s", c->file != NULL ? c->file : "the settings file");
    break;
  case CONFIG_FROM_ENV:
    snprintf(out, outlen, "set by $CASEAUDIT_DB");
    break;
  case CONFIG_FROM_FLAG:
    snprintf(out, outlen, "set on the command line");
    break;
  }
}

int config_check_dir(const struct config *c, const char *key, char *err, size_t errlen)
{
  const struct setting *s = find_setting(key);
  if (s == NULL || s->type != SET_DATADIR)
    abort(); /* a programming error: only the data folders are checked */
  const char *dir = *str_field((struct config *)c, s);
  struct stat st;
  int e = stat(dir, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
  if (e == 0)
    return 0;
  char origin[8192];
  describe_origin(c, s, origin, sizeof origin);
  enum config_origin from = (enum config_origin)c->origin[s - settings];
  char advice[256] = "";
  if (from == CONFIG_FROM_FILE)
    snprintf(advice, sizeof advice, ": correct %s there, or name another file with --config FILE", key);
  else if (from != CONFIG_FROM_FLAG)
    snprintf(advice, sizeof advice, ". Set %s = FOLDER in a settings file and pass it with --config FILE", key);
  snprintf(err, errlen, "key '%s': %s is not a folder (%s); it is %s%s", key, dir, strerror(e), origin, advice);
  return -1;
}

void config_print_origins(const struct config *c, FILE *out)
{
  for (size_t i = 0; i < N_SETTINGS; i++) {
    if (c->origin[i] == CONFIG_FROM_DEFAULT)
      continue;
    char origin[8192];
    describe_origin(c, &settings[i], origin, sizeof origin);
    fprintf(out, "# %s: %s\n", settings[i].name, origin);
  }
}

void config_write_example(FILE *out)
{
  fputs("# caseaudit configuration: every key with its default (commented out).\n"
        "# Used by caseauditd and caseaudit (--config FILE). Format: key = value, one per line, no sections.\n"
        "# Keys marked 'reloadable' take effect on SIGHUP; the others need a restart.\n"
        "# Generated from the settings table in daemon/config.c (caseauditd --print-example-config).\n",
        out);
  for (size_t i = 0; i < N_SETTINGS; i++) {
    const struct setting *s = &settings[i];
    fprintf(out, "\n# %s\n", s->help);
    if (s->type == SET_INT)
      fprintf(out, "# range %ld..%ld; %s\n", s->min, s->max, s->reloadable ? "reloadable" : "restart needed");
    else
      fprintf(out, "# %s\n", s->reloadable ? "reloadable" : "restart needed");
    if (s->type == SET_DATADIR) /* the installed default: the example is installed beside it */
      fprintf(out, "#%s = %s/%s\n", s->name, config_builtin_roots()->data_dir, s->def);
    else if (s->def[0] == '\0')
      fprintf(out, "#%s =\n", s->name); /* empty: unset */
    else
      fprintf(out, "#%s = %s\n", s->name, s->def);
  }
}

void config_changed_fixed_keys(const struct config *a, const struct config *b, void (*warn)(const char *key))
{
  for (size_t i = 0; i < N_SETTINGS; i++) {
    const struct setting *s = &settings[i];
    if (s->reloadable)
      continue;
    struct config *ma = (struct config *)a, *mb = (struct config *)b;
    bool differs;
    switch (s->type) {
    case SET_INT:
      differs = *int_field(ma, s) != *int_field(mb, s);
      break;
    case SET_BOOL:
      differs = *bool_field(ma, s) != *bool_field(mb, s);
      break;
    default:
      differs = strcmp(*str_field(ma, s), *str_field(mb, s)) != 0;
    }
    if (differs)
      warn(s->name);
  }
}
