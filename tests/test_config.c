/* Unit tests of the settings table: every key, bad values, unknown keys, files with line numbers, masking. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
  suite_add_tcase(s, tc);
  return testlib_run(s);
}
