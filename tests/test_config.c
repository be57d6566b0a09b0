/* Unit tests of the settings table: every key, bad values, unknown keys, files with line numbers, masking, and
 * where rules_dir and ui_dir are when nothing sets them. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "testlib.h"

struct bad_value {
  const char *key, *value, *expect; /* expect: a fragment of the error */
};

static const struct bad_value bad_values[] = {
  {"listen", "8080", "not ADDR:PORT"},
  {"listen", "127.0.0.1:", "not ADDR:PORT"},
  {"listen", "127.0.0.1:70000", "not ADDR:PORT"},
  {"listen", "[::1:80", "not ADDR:PORT"},
  {"db", "", "length 0"},
  {"db_pool_size", "0", "outside 1..256"},
  {"db_pool_size", "257", "outside 1..256"},
  {"db_pool_size", "eight", "not a whole number"},
  {"db_pool_size", "8x", "not a whole number"},
  {"db_pool_size", "", "not a whole number"},
  {"db_acquire_timeout_ms", "-1", "outside 0..60000"},
  {"db_connect_timeout_s", "1", "outside 2..60"},
  {"db_statement_timeout_ms", "99999999999999999999", "not a whole number"},
  {"max_connections", "0", "outside 1..65535"},
  {"max_connections_per_ip", "65536", "outside 1..65535"},
  {"connection_timeout_s", "0", "outside 1..3600"},
  {"body_max_bytes", "1023", "outside 1024..1073741824"},
  {"bulk_line_max_bytes", "12", "outside"},
  {"bulk_batch_size", "0", "outside 1..100000"},
  {"drain_timeout_s", "3601", "outside 0..3600"},
  {"log_level", "verbose", "not one of error, warn, info, debug"},
  {"rules_dir", "", "length 0"},
  {"ui_dir", "", "length 0"},
  {"timezone", "", "length 0"},
  {"metrics_public", "maybe", "not true or false"},
  {"no_such_key", "1", "unknown key"},
};

START_TEST(bad_value_is_refused_naming_the_key)
{
  const struct bad_value *b = &bad_values[_i];
  struct config *c = config_new();
  char err[512] = "";
  ck_assert_int_eq(config_set(c, b->key, b->value, err, sizeof err), -1);
  char key[160];
  snprintf(key, sizeof key, "key '%s'", b->key);
  ck_assert_msg(strstr(err, key) != NULL, "error does not name the key: %s", err);
  ck_assert_msg(strstr(err, b->expect) != NULL, "error '%s' lacks '%s'", err, b->expect);
  config_free(c);
}
END_TEST

struct good_value {
  const char *key, *value, *printed;
};

static const struct good_value good_values[] = {
  {"listen", "0.0.0.0:9000", "listen = 0.0.0.0:9000"},
  {"listen", "[::1]:8443", "listen = [::1]:8443"},
  {"db", "host=/tmp dbname=x", "db = host=/tmp dbname=x"},
  {"db_pool_size", "1", "db_pool_size = 1"},
  {"db_pool_size", "256", "db_pool_size = 256"},
  {"db_acquire_timeout_ms", "0", "db_acquire_timeout_ms = 0"},
  {"db_connect_timeout_s", "60", "db_connect_timeout_s = 60"},
  {"db_statement_timeout_ms", "0", "db_statement_timeout_ms = 0"},
  {"max_connections", "65535", "max_connections = 65535"},
  {"max_connections_per_ip", "1", "max_connections_per_ip = 1"},
  {"connection_timeout_s", "3600", "connection_timeout_s = 3600"},
  {"body_max_bytes", "1024", "body_max_bytes = 1024"},
  {"bulk_line_max_bytes", "268435456", "bulk_line_max_bytes = 268435456"},
  {"bulk_batch_size", "100000", "bulk_batch_size = 100000"},
  {"drain_timeout_s", "0", "drain_timeout_s = 0"},
  {"log_level", "debug", "log_level = debug"},
  {"rules_dir", "/etc/caseaudit/rules", "rules_dir = /etc/caseaudit/rules"},
  {"timezone", "UTC", "timezone = UTC"},
  {"metrics_public", "off", "metrics_public = false"},
  {"metrics_public", "yes", "metrics_public = true"},
};

START_TEST(good_value_is_taken)
{
  const struct good_value *g = &good_values[_i];
  struct config *c = config_new();
  char err[512] = "";
  ck_assert_msg(config_set(c, g->key, g->value, err, sizeof err) == 0, "%s", err);
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  config_print(c, f);
  fclose(f);
  ck_assert_msg(strstr(text, g->printed) != NULL, "'%s' not in:\n%s", g->printed, text);
  free(text);
  config_free(c);
}
END_TEST

static char *write_temp(const char *content)
{
  static char path[64];
  snprintf(path, sizeof path, "/tmp/caseaudit-config-test-XXXXXX");
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
  close(fd);
  return path;
}

struct file_case {
  const char *content;
  const char *expect; /* NULL: loads fine */
};

static const struct file_case file_cases[] = {
  {"# comment\n\nlisten = 127.0.0.1:9999\n; other comment\ndb_pool_size=3\n", NULL},
  {"listen = 127.0.0.1:9999\nbogus = 1\n", "line 2: key 'bogus': unknown key"},
  {"\n\n\ndb_pool_size = 0\n", "line 4: key 'db_pool_size': 0 is outside 1..256"},
  {"log_level = info\nlog_level = debug\n", "line 2: key 'log_level': set twice"},
  {"[server]\nlisten = 127.0.0.1:1\n", "line 2: section [server]"},
  {"just some words\n", "line 1: not a 'key = value' line"},
};

START_TEST(config_file_errors_name_line_and_key)
{
  const struct file_case *fc = &file_cases[_i];
  char *path = write_temp(fc->content);
  struct config *c = config_new();
  char err[512] = "";
  int rc = config_load_file(c, path, err, sizeof err);
  if (fc->expect == NULL) {
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_str_eq(c->listen, "127.0.0.1:9999");
    ck_assert_int_eq(c->db_pool_size, 3);
  } else {
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strstr(err, fc->expect) != NULL, "error '%s' lacks '%s'", err, fc->expect);
    ck_assert_msg(strstr(err, path) != NULL, "error does not name the file: %s", err);
  }
  unlink(path);
  config_free(c);
}
END_TEST

START_TEST(missing_explicit_file_is_an_error_default_is_not)
{
  char err[512];
  struct config *c = config_load("/nonexistent/caseaudit.conf", NULL, NULL, NULL, err, sizeof err);
  ck_assert_ptr_null(c);
  ck_assert_msg(strstr(err, "cannot open") != NULL, "%s", err);
  c = config_load(NULL, "/nonexistent/caseaudit.conf", NULL, NULL, err, sizeof err);
  ck_assert_ptr_nonnull(c);
  ck_assert_str_eq(c->listen, "127.0.0.1:8080");
  config_free(c);
}
END_TEST

START_TEST(db_precedence_flag_over_env_over_file)
{
  char *path = write_temp("db = dbname=fromfile\n");
  char err[512];
  unsetenv("CASEAUDIT_DB");
  struct config *c = config_load(path, NULL, NULL, NULL, err, sizeof err);
  ck_assert_str_eq(c->db, "dbname=fromfile");
  config_free(c);
  setenv("CASEAUDIT_DB", "dbname=fromenv", 1);
  c = config_load(path, NULL, NULL, NULL, err, sizeof err);
  ck_assert_str_eq(c->db, "dbname=fromenv");
  config_free(c);
  c = config_load(path, NULL, "dbname=fromflag", "127.0.0.1:1234", err, sizeof err);
  ck_assert_str_eq(c->db, "dbname=fromflag");
  ck_assert_str_eq(c->listen, "127.0.0.1:1234");
  config_free(c);
  c = config_load(path, NULL, NULL, "nonsense", err, sizeof err);
  ck_assert_ptr_null(c);
  ck_assert_msg(strstr(err, "key 'listen'") != NULL, "%s", err);
  unsetenv("CASEAUDIT_DB");
  unlink(path);
}
END_TEST

START_TEST(print_masks_passwords)
{
  static const char *const conninfos[] = {"host=db password=s3cret dbname=x", "password='a b\\' c' dbname=x",
                                          "postgresql://user:s3cret@db/x"};
  for (size_t i = 0; i < 3; i++) {
    struct config *c = config_new();
    char err[256];
    ck_assert_int_eq(config_set(c, "db", conninfos[i], err, sizeof err), 0);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    config_print(c, f);
    fclose(f);
    ck_assert_msg(strstr(text, "s3cret") == NULL && strstr(text, "a b") == NULL, "secret shown:\n%s", text);
    ck_assert_msg(strstr(text, "****") != NULL, "no mask:\n%s", text);
    ck_assert_msg(strstr(text, "dbname=x") != NULL || strstr(text, "/x") != NULL, "rest lost:\n%s", text);
    free(text);
    config_free(c);
  }
}
END_TEST

START_TEST(example_file_matches_the_table)
{
  /* config/caseaudit.conf.example is generated from the table; this fails when one changes without the other. */
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  config_write_example(f);
  fclose(f);
  size_t flen;
  char *file = read_file(CASEAUDIT_SOURCE_ROOT "/config/caseaudit.conf.example", &flen);
  ck_assert_msg(strcmp(text, file) == 0,
                "config/caseaudit.conf.example is stale: regenerate it with caseauditd --print-example-config");
  /* And the example, uncommented, loads: every default is within its own bounds. */
  char *uncommented = strdup(file);
  char *out = uncommented;
  for (char *line = strtok(file, "\n"); line; line = strtok(NULL, "\n")) {
    if (line[0] == '#' && line[1] != ' ' && strchr(line, '=') != NULL)
      out += sprintf(out, "%s\n", line + 1);
  }
  *out = '\0';
  char *path = write_temp(uncommented);
  struct config *c = config_new();
  char err[512];
  ck_assert_msg(config_load_file(c, path, err, sizeof err) == 0, "%s", err);
  config_free(c);
  unlink(path);
  free(uncommented);
  free(file);
  free(text);
}
END_TEST

static void warn_collect(const char *key)
{
  static char seen[256];
  strncat(seen, key, sizeof seen - strlen(seen) - 2);
  strcat(seen, ",");
  setenv("CASEAUDIT_TEST_FIXED", seen, 1);
}

START_TEST(fixed_keys_are_reported_on_reload)
{
  struct config *a = config_new(), *b = config_new();
  char err[256];
  config_set(b, "listen", "127.0.0.1:1", err, sizeof err);
  config_set(b, "log_level", "debug", err, sizeof err); /* reloadable: not reported */
  config_set(b, "db_pool_size", "2", err, sizeof err);
  unsetenv("CASEAUDIT_TEST_FIXED");
  config_changed_fixed_keys(a, b, warn_collect);
  ck_assert_str_eq(getenv("CASEAUDIT_TEST_FIXED"), "listen,db_pool_size,");
  config_free(a);
  config_free(b);
}
END_TEST

/* The roots of a pretend build: checkout /src, build folder /src/build, installed into /usr/local. */
static const struct config_roots pretend = {"/src", "/src/build", "/usr/local/share/caseaudit"};
static const struct config_roots pretend_slash = {"/src", "/src/build/", "/usr/local/share/caseaudit"};

struct dir_case {
  const char *exe; /* NULL: /proc/self/exe could not be read */
  const struct config_roots *roots;
  const char *name, *expect;
  enum config_origin origin;
};

static const struct dir_case dir_cases[] = {
  {"/src/build/daemon/caseauditd", &pretend, "rules", "/src/rules", CONFIG_FROM_CHECKOUT},
  {"/src/build/daemon/caseaudit", &pretend, "ui", "/src/ui", CONFIG_FROM_CHECKOUT},
  {"/src/build/tests/test_config", &pretend, "rules", "/src/rules", CONFIG_FROM_CHECKOUT},
  {"/src/build/daemon/caseauditd", &pretend_slash, "rules", "/src/rules", CONFIG_FROM_CHECKOUT},
  /* installed, while the checkout and its build folder still exist */
  {"/usr/local/bin/caseauditd", &pretend, "rules", "/usr/local/share/caseaudit/rules", CONFIG_FROM_PREFIX},
  {"/usr/local/bin/caseaudit", &pretend, "ui", "/usr/local/share/caseaudit/ui", CONFIG_FROM_PREFIX},
  /* a sibling build folder whose name starts alike, the checkout itself, the build root's own path: not in it */
  {"/src/build-asan/daemon/caseauditd", &pretend, "rules", "/usr/local/share/caseaudit/rules", CONFIG_FROM_PREFIX},
  {"/src/caseauditd", &pretend, "rules", "/usr/local/share/caseaudit/rules", CONFIG_FROM_PREFIX},
  {"/src/build", &pretend, "rules", "/usr/local/share/caseaudit/rules", CONFIG_FROM_PREFIX},
  {NULL, &pretend, "rules", "/usr/local/share/caseaudit/rules", CONFIG_FROM_PREFIX},
};

START_TEST(data_dir_default_follows_the_binary)
{
  const struct dir_case *d = &dir_cases[_i];
  char out[256];
  ck_assert_int_eq(config_default_dir(d->exe, d->roots, d->name, out, sizeof out), d->origin);
  ck_assert_str_eq(out, d->expect);
  /* config_new_at gives the same to the key of that name */
  struct config *c = config_new_at(d->exe, d->roots);
  ck_assert_str_eq(strcmp(d->name, "rules") == 0 ? c->rules_dir : c->ui_dir, d->expect);
  config_free(c);
}
END_TEST

START_TEST(data_dir_default_sees_through_a_linked_build_root)
{
  /* /proc/self/exe is the resolved path; meson's build root may be written through a symbolic link */
  char tmp[] = "/tmp/caseaudit-config-link-XXXXXX", real[96], link[96], exe[128], out[256];
  ck_assert_ptr_nonnull(mkdtemp(tmp));
  snprintf(real, sizeof real, "%s/real", tmp);
  snprintf(link, sizeof link, "%s/link", tmp);
  snprintf(exe, sizeof exe, "%s/daemon/caseauditd", real);
  ck_assert_int_eq(mkdir(real, 0700), 0);
  ck_assert_int_eq(symlink(real, link), 0);
  struct config_roots roots = {"/src", link, "/usr/local/share/caseaudit"};
  ck_assert_int_eq(config_default_dir(exe, &roots, "rules", out, sizeof out), CONFIG_FROM_CHECKOUT);
  ck_assert_str_eq(out, "/src/rules");
  unlink(link);
  rmdir(real);
  rmdir(tmp);
}
END_TEST

START_TEST(this_uninstalled_program_finds_the_checkout)
{
  /* test_config runs from the build folder, as build/daemon/caseauditd does: its defaults are the checkout's */
  struct config *c = config_new();
  ck_assert_str_eq(c->rules_dir, CASEAUDIT_SOURCE_ROOT "/rules");
  ck_assert_str_eq(c->ui_dir, CASEAUDIT_SOURCE_ROOT "/ui");
  char err[1024];
  ck_assert_msg(config_check_dir(c, "rules_dir", err, sizeof err) == 0, "%s", err);
  ck_assert_msg(config_check_dir(c, "ui_dir", err, sizeof err) == 0, "%s", err);
  config_free(c);
}
END_TEST

/* The roots of a build whose folders are gone: the missing-folder errors. */
static const struct config_roots gone = {"/nonexistent/src", "/nonexistent/src/build",
                                         "/nonexistent/prefix/share/caseaudit"};

struct missing_case {
  const char *exe, *file; /* file: a settings file's content, or NULL */
  const char *key;
  const char *expect[4]; /* fragments of the error */
};

static const struct missing_case missing_cases[] = {
  {"/usr/bin/caseauditd", NULL, "rules_dir",
   {"key 'rules_dir': /nonexistent/prefix/share/caseaudit/rules is not a folder (No such file or directory)",
    "installed binary (this one is /usr/bin/caseauditd",
    "Set rules_dir = FOLDER in a settings file and pass it with --config FILE"}},
  {"/usr/bin/caseauditd", NULL, "ui_dir",
   {"key 'ui_dir': /nonexistent/prefix/share/caseaudit/ui is not a folder",
    "Set ui_dir = FOLDER in a settings file and pass it with --config FILE"}},
  {"/nonexistent/src/build/daemon/caseauditd", NULL, "rules_dir",
   {"key 'rules_dir': /nonexistent/src/rules is not a folder", "a binary in the build folder /nonexistent/src/build",
    "--config FILE"}},
  {"/usr/bin/caseauditd", "rules_dir = /nonexistent/elsewhere\n", "rules_dir",
   {"key 'rules_dir': /nonexistent/elsewhere is not a folder", "it is set in /tmp/caseaudit-config-test-",
    "correct rules_dir there, or name another file with --config FILE"}},
  {"/usr/bin/caseauditd", "ui_dir = /dev/null\n", "ui_dir", {"key 'ui_dir': /dev/null is not a folder (Not a directory)"}},
};

START_TEST(missing_data_dir_names_the_key_and_how_to_set_it)
{
  const struct missing_case *m = &missing_cases[_i];
  struct config *c = config_new_at(m->exe, &gone);
  char err[2048] = "";
  char *path = NULL;
  if (m->file != NULL) {
    path = write_temp(m->file);
    ck_assert_msg(config_load_file(c, path, err, sizeof err) == 0, "%s", err);
  }
  ck_assert_int_eq(config_check_dir(c, m->key, err, sizeof err), -1);
  for (size_t i = 0; i < 4 && m->expect[i] != NULL; i++)
    ck_assert_msg(strstr(err, m->expect[i]) != NULL, "error '%s' lacks '%s'", err, m->expect[i]);
  ck_assert_msg(strchr(err, '\n') == NULL, "not one line: %s", err);
  if (path != NULL)
    unlink(path);
  config_free(c);
}
END_TEST

static char *origins_of(const struct config *c)
{
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  config_print_origins(c, f);
  fclose(f);
  return text;
}

START_TEST(print_origins_says_where_each_value_came_from)
{
  struct config *c = config_new_at("/usr/bin/caseauditd", &pretend);
  char *text = origins_of(c);
  /* the defaults of the table are not listed; the data folders always are */
  ck_assert_str_eq(text, "# rules_dir: the default for an installed binary (this one is /usr/bin/caseauditd, not in "
                         "the build folder /src/build): the data folder /usr/local/share/caseaudit\n"
                         "# ui_dir: the default for an installed binary (this one is /usr/bin/caseauditd, not in "
                         "the build folder /src/build): the data folder /usr/local/share/caseaudit\n");
  free(text);
  config_free(c);

  c = config_new_at("/src/build/daemon/caseauditd", &pretend);
  char *path = write_temp("log_level = debug\nui_dir = /srv/ui\n");
  char err[512];
  ck_assert_msg(config_load_file(c, path, err, sizeof err) == 0, "%s", err);
  ck_assert_int_eq(config_set(c, "listen", "127.0.0.1:9", err, sizeof err), 0);
  text = origins_of(c);
  char expect[1024];
  snprintf(expect, sizeof expect,
           "# listen: set on the command line\n"
           "# log_level: set in %s\n"
           "# rules_dir: the default for a binary in the build folder /src/build (this one is "
           "/src/build/daemon/caseauditd): its checkout's rules/\n"
           "# ui_dir: set in %s\n", path, path);
  ck_assert_str_eq(text, expect);
  free(text);
  unlink(path);
  config_free(c);

  setenv("CASEAUDIT_DB", "dbname=fromenv", 1);
  c = config_load(NULL, NULL, NULL, NULL, err, sizeof err);
  unsetenv("CASEAUDIT_DB");
  ck_assert_ptr_nonnull(c);
  text = origins_of(c);
  ck_assert_msg(strstr(text, "# db: set by $CASEAUDIT_DB\n") != NULL, "%s", text);
  free(text);
  config_free(c);
}
END_TEST

/* Runs a shell command; returns its exit status and its output (stdout and stderr; malloc'd). */
static int run(const char *cmd, char **output)
{
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0)
    fwrite(buf, 1, n, out);
  fclose(out);
  int st = pclose(p);
  *output = text;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(built_programs_without_config_use_the_checkout)
{
  /* the real binaries, as a developer runs them from the build folder: no --config, no settings file */
  char *out;
  int rc = run("cd / && CASEAUDIT_DB= '" CASEAUDIT_BUILD_ROOT "/daemon/caseauditd' --print-config 2>&1", &out);
  ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
  ck_assert_msg(strstr(out, "\nrules_dir = " CASEAUDIT_SOURCE_ROOT "/rules\n") != NULL, "%s", out);
  ck_assert_msg(strstr(out, "\nui_dir = " CASEAUDIT_SOURCE_ROOT "/ui\n") != NULL, "%s", out);
  ck_assert_msg(strstr(out, "# rules_dir: the default for a binary in the build folder " CASEAUDIT_BUILD_ROOT
                            " (this one is " CASEAUDIT_BUILD_ROOT "/daemon/caseauditd): its checkout's rules/\n")
                  != NULL, "%s", out);
  free(out);
  /* caseaudit loads the pack for rules check (and import, audit, report): the same folder */
  rc = run("cd / && '" CASEAUDIT_BUILD_ROOT "/daemon/caseaudit' rules check 2>&1", &out);
  ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
  ck_assert_msg(strncmp(out, CASEAUDIT_SOURCE_ROOT "/rules: rule pack ", strlen(CASEAUDIT_SOURCE_ROOT) + 18) == 0,
                "%s", out);
  free(out);
}
END_TEST

START_TEST(a_copied_program_uses_the_installed_folders)
{
  /* a copy outside the build folder stands for the installed binary: the prefix's folders, named with their origin */
  char tmp[] = "/tmp/caseaudit-config-copy-XXXXXX", cmd[1024];
  ck_assert_ptr_nonnull(mkdtemp(tmp));
  snprintf(cmd, sizeof cmd, "cp '%s/daemon/caseauditd' '%s/caseauditd' && cd / && '%s/caseauditd' --print-config 2>&1",
           CASEAUDIT_BUILD_ROOT, tmp, tmp);
  char *out;
  int rc = run(cmd, &out);
  ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
  const char *data = config_builtin_roots()->data_dir;
  char expect[1024];
  snprintf(expect, sizeof expect, "\nrules_dir = %s/rules\n", data);
  ck_assert_msg(strstr(out, expect) != NULL, "'%s' not in: %s", expect, out);
  snprintf(expect, sizeof expect, "# ui_dir: the default for an installed binary (this one is %s/caseauditd, not in "
           "the build folder %s): the data folder %s\n", tmp, CASEAUDIT_BUILD_ROOT, data);
  ck_assert_msg(strstr(out, expect) != NULL, "'%s' not in: %s", expect, out);
  free(out);
  snprintf(cmd, sizeof cmd, "%s/caseauditd", tmp);
  unlink(cmd);
  rmdir(tmp);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("config");
  TCase *tc = tcase_create("config");
  tcase_add_loop_test(tc, bad_value_is_refused_naming_the_key, 0, sizeof bad_values / sizeof bad_values[0]);
  tcase_add_loop_test(tc, good_value_is_taken, 0, sizeof good_values / sizeof good_values[0]);
  tcase_add_loop_test(tc, config_file_errors_name_line_and_key, 0, sizeof file_cases / sizeof file_cases[0]);
  tcase_add_test(tc, missing_explicit_file_is_an_error_default_is_not);
  tcase_add_test(tc, db_precedence_flag_over_env_over_file);
  tcase_add_test(tc, print_masks_passwords);
  tcase_add_test(tc, example_file_matches_the_table);
  tcase_add_test(tc, fixed_keys_are_reported_on_reload);
  tcase_add_loop_test(tc, data_dir_default_follows_the_binary, 0, sizeof dir_cases / sizeof dir_cases[0]);
  tcase_add_test(tc, data_dir_default_sees_through_a_linked_build_root);
  tcase_add_test(tc, this_uninstalled_program_finds_the_checkout);
  tcase_add_loop_test(tc, missing_data_dir_names_the_key_and_how_to_set_it, 0,
                      sizeof missing_cases / sizeof missing_cases[0]);
  tcase_add_test(tc, print_origins_says_where_each_value_came_from);
  tcase_add_test(tc, built_programs_without_config_use_the_checkout);
  tcase_add_test(tc, a_copied_program_uses_the_installed_folders);
  suite_add_tcase(s, tc);
  return testlib_run(s);
}
