/* Unit tests of the rule pack loader (daemon/rules.c) on the folder layout: rules/pack.json and rules/<ID>/rule.json,
 * each problem named with its file. Copies of the real pack in a temporary folder, one defect each. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules.h"
#include "testlib.h"

#define RULES_DIR CASEAUDIT_SOURCE_ROOT "/rules"

static char dir[64];

/* A fresh copy of the real pack in dir. */
static void copy_pack(void)
{
  snprintf(dir, sizeof dir, "/tmp/caseaudit-rules.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char cmd[512];
  snprintf(cmd, sizeof cmd, "cp -R '%s/.' '%s/'", RULES_DIR, dir);
  ck_assert_int_eq(system(cmd), 0);
}

static void remove_copy(void)
{
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static void write_file(const char *rel, const char *text)
{
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  testlib_write_file(path, text);
}

START_TEST(the_real_pack_loads_one_rule_per_folder)
{
  char err[4096];
  struct rule_pack *p = rules_load(RULES_DIR, err, sizeof err);
  ck_assert_msg(p != NULL, "%s", err);
  ck_assert_uint_eq(p->nrules, 34);
  json_t *p01 = json_object_get(json_object_get(p->body, "rules"), "P01");
  ck_assert_str_eq(json_string_value(json_object_get(p01, "id")), "P01");
  rules_free(p);
}
END_TEST

struct defect {
  const char *file, *text; /* written into the copy */
  const char *problem;     /* a part of the error */
};
static const struct defect defects[] = {
  {"P02/rule.json", "{\"id\": \"P03\"}", "P02/rule.json: 'id' must be P02, the folder's name"},
  {"P02/rule.json", "[1]", "P02/rule.json: must be a JSON object"},
  {"P02/rule.json", "{\"id\": ", "P02/rule.json: "},
  {"publicity.json", "{\"rules\": []}", "publicity.json: a rule's metadata belongs in"},
  {"p2/rule.json", "{}", "p2: a rule folder is named by the rule id"},
};

START_TEST(a_defective_folder_is_refused_and_named)
{
  copy_pack();
  const struct defect *d = &defects[_i];
  char sub[256];
  snprintf(sub, sizeof sub, "%s/p2", dir);
  if (strncmp(d->file, "p2/", 3) == 0)
    ck_assert_int_eq(mkdir(sub, 0755), 0);
  write_file(d->file, d->text);
  char err[8192];
  struct rule_pack *p = rules_load(dir, err, sizeof err);
  remove_copy();
  ck_assert_msg(p == NULL, "the pack loaded despite %s", d->file);
  ck_assert_msg(strstr(err, d->problem) != NULL, "expected '%s' in: %s", d->problem, err);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("rules");
  TCase *tc = tcase_create("load");
  tcase_add_test(tc, the_real_pack_loads_one_rule_per_folder);
  tcase_add_loop_test(tc, a_defective_folder_is_refused_and_named, 0, sizeof defects / sizeof defects[0]);
  suite_add_tcase(s, tc);
  return testlib_run(s);
}
