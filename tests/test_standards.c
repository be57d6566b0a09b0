/* test_standards.c: scoring standards as files of the rule pack (standards.c through rules_load): a good standard
 * loads into the pack, every refusal names its file and field and refuses the whole pack, the default standard is
 * pack.json's scoring (made when its file is absent, refused when its file says otherwise), and
 * standards_by_agency names existing standards. Unit suite: no database. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules.h"
#include "standards.h"
#include "testlib.h"

static const char base_standard[] =
  "{\"id\": \"t1\", \"name\": {\"zh\": \"测试标准\", \"en\": \"Test\"},"
  " \"grades\": [{\"grade\": \"excellent\", \"min\": 90}, {\"grade\": \"good\", \"min\": 80},"
  "            {\"grade\": \"pass\", \"min\": 60}, {\"grade\": \"fail\", \"min\": 0}],"
  " \"sections\": [{\"id\": \"a\", \"title\": {\"zh\": \"甲\", \"en\": \"A\"}, \"points\": 60, \"rules\": [\"R01\", \"D17\"],"
  "                \"items\": [\"x\"]},"
  "              {\"id\": \"b\", \"title\": {\"zh\": \"乙\", \"en\": \"B\"}, \"points\": 40, \"rules\": [\"A01\"], \"items\": []}],"
  " \"caps\": {\"D17\": 3}, \"veto\": [\"R01\", \"item:x\"],"
  " \"items\": [{\"id\": \"x\", \"title\": {\"zh\": \"认定事实不清\", \"en\": \"Facts not established\"}, \"points\": 20,"
  "             \"basis\": \"《中华人民共和国行政处罚法》第四十条\"}]}";

/* A pack in a folder of its own: the checkout's rule files and pack.json, and a standards/ folder. */
static char dir[256];

static void copy_file(const char *from, const char *to)
{
  size_t len;
  char *text = read_file(from, &len);
  FILE *f = fopen(to, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(fwrite(text, 1, len, f), len);
  fclose(f);
  free(text);
}

static void write_text(const char *name, const char *text)
{
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  testlib_write_file(path, text);
}

static void write_json(const char *name, const json_t *j)
{
  char *text = json_dumps(j, JSON_INDENT(1));
  write_text(name, text);
  free(text);
}

static void make_pack(void)
{
  snprintf(dir, sizeof dir, "/tmp/caseaudit-standards-%d-XXXXXX", (int)getpid());
  ck_assert_ptr_nonnull(mkdtemp(dir));
  /* the checkout's rule folders and pack.json, and an empty standards/ */
  char cmd[1400];
  snprintf(cmd, sizeof cmd, "cp -r '%s/rules/.' '%s/' && rm -rf '%s/standards' && mkdir '%s/standards'",
           CASEAUDIT_SOURCE_ROOT, dir, dir, dir);
  ck_assert_int_eq(system(cmd), 0);
}

static void remove_pack(void)
{
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

/* Sets the member or item at a JSON pointer of one or two levels below an object or array ("/a/0/b"), or deletes
 * it when value is NULL. */
static void set_at(json_t *root, const char *pointer, json_t *value)
{
  char buf[256];
  snprintf(buf, sizeof buf, "%s", pointer);
  json_t *node = root;
  char *save = NULL, *tok = strtok_r(buf + 1, "/", &save), *next;
  while ((next = strtok_r(NULL, "/", &save)) != NULL) {
    node = json_is_array(node) ? json_array_get(node, (size_t)atoi(tok)) : json_object_get(node, tok);
    ck_assert_msg(node != NULL, "no %s in the base standard", pointer);
    tok = next;
  }
  if (json_is_array(node)) {
    size_t i = (size_t)atoi(tok);
    if (value == NULL)
      json_array_remove(node, i);
    else if (i < json_array_size(node))
      json_array_set_new(node, i, value);
    else
      json_array_append_new(node, value);
  } else if (value == NULL) {
    json_object_del(node, tok);
  } else {
    json_object_set_new(node, tok, value);
  }
}

static struct rule_pack *load(char *err, size_t errlen) { return rules_load(dir, err, errlen); }

START_TEST(a_good_standard_loads_with_the_pack)
{
  make_pack();
  json_error_t e;
  json_t *st = json_loads(base_standard, 0, &e);
  ck_assert_ptr_nonnull(st);
  write_json("standards/t1.json", st);
  char err[4096];
  struct rule_pack *p = load(err, sizeof err);
  ck_assert_msg(p != NULL, "%s", err);
  json_t *standards = json_object_get(p->body, "standards");
  ck_assert_msg(json_equal(json_object_get(standards, "t1"), st), "the standard is not in the pack as written");
  /* no default.json: made from pack.json, as rules.md scores */
  json_t *def = json_object_get(standards, "default");
  ck_assert_ptr_nonnull(def);
  ck_assert_int_eq(json_array_size(json_object_get(def, "sections")), 0);
  ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(json_object_get(def, "grades"), 0), "min")), 90);
  ck_assert(json_is_true(json_object_get(json_array_get(json_object_get(def, "grades"), 0), "no_error")));
  ck_assert_int_eq(json_array_size(json_object_get(def, "veto")), 6);
  ck_assert_str_eq(standards_for_agency(p->body, "XQ-XK"), "default");
  rules_free(p);
  json_decref(st);
  remove_pack();
}
END_TEST

/* The shipped standards are valid, and the shipped default is exactly the one pack.json implies. */
START_TEST(the_shipped_standards_load)
{
  char err[4096];
  struct rule_pack *p = rules_load(CASEAUDIT_SOURCE_ROOT "/rules", err, sizeof err);
  ck_assert_msg(p != NULL, "%s", err);
  json_t *standards = json_object_get(p->body, "standards");
  ck_assert_ptr_nonnull(json_object_get(standards, "default"));
  json_t *sd = json_object_get(standards, "sd-2023");
  ck_assert_ptr_nonnull(sd);
  json_int_t sum = 0;
  size_t i;
  json_t *s;
  json_array_foreach(json_object_get(sd, "sections"), i, s) sum += json_integer_value(json_object_get(s, "points"));
  ck_assert_int_eq(sum, 100);
  rules_free(p);
}
END_TEST

static const struct {
  const char *pointer; /* into the base standard */
  const char *value;   /* JSON text; NULL deletes */
  const char *message; /* what the refusal must say, after "t1.json: " */
} refusals[] = {
  {"/sections/1/points", "30", "sections: points add up to 90; the sections of a standard must add up to 100"},
  {"/sections/0/rules/1", "\"D99\"", "sections[0].rules[1]: unknown rule 'D99'"},
  {"/sections/1/rules/0", "\"R01\"", "sections[1].rules[0]: rule R01 is already in section 'a'"},
  {"/sections/0/rules/2", "\"R01\"", "sections[0].rules[2]: rule R01 is already in section 'a'"},
  {"/sections/0/items/0", "\"y\"", "sections[0].items[0]: 'y' is not an item of this standard"},
  {"/sections/0/title", "\"甲\"", "sections[0].title: must be {\"zh\": text, \"en\": text}"},
  {"/sections/0/weight", "1", "sections[0]: unknown key 'weight'"},
  {"/sections/1/id", "\"a\"", "sections[1].id: duplicate section id 'a'"},
  {"/caps/D17", "0", "caps.D17: must be an integer 1..100"},
  {"/caps/R02", "2", "caps.R02: rule R02 is in no section"},
  {"/caps/Z01", "2", "caps.Z01: unknown rule 'Z01'"},
  {"/veto/1", "\"x\"", "veto[1]: 'x' is an item: write it as 'item:x'"},
  {"/veto/1", "\"item:z\"", "veto[1]: 'z' is not an item of this standard"},
  {"/veto/2", "\"R01\"", "veto[2]: 'R01' is listed twice"},
  {"/grades/1/min", "95", "grades[1].min: 95 must not be above the previous band's 90"},
  {"/grades/1/grade", "\"very_good\"", "grades[1].grade: 'very_good' is not one of excellent, good, pass, fail"},
  {"/grades/3", NULL, "grades[2]: the last band must be {\"grade\": \"fail\", \"min\": 0}"},
  {"/grades/2/grade", "\"good\"", "grades[2].grade: 'good' is listed twice"},
  {"/grades", "[]", "grades: must be a non-empty array"},
  {"/items/0/basis", "\"\"", "items[0].basis: must name the legal basis"},
  {"/items/0/points", "0", "items[0].points: must be an integer 1..100"},
  {"/items/1", "{\"id\": \"x\", \"title\": {\"zh\": \"重复\", \"en\": \"Twice\"}, \"points\": 1, \"basis\": \"b\"}",
   "items[1].id: duplicate item id 'x'"},
  {"/items/0/id", "\"Facts Unclear\"", "items[0].id: must be 1-64 of a-z, 0-9 and _"},
  {"/id", "\"other\"", "id: 'other' must equal the file name without .json ('t1')"},
  {"/source", "\"某省\"", "source: unknown key 'source'"},
  {"/name/en", NULL, "name: must be {\"zh\": text, \"en\": text}"},
};
#define N_REFUSALS (sizeof refusals / sizeof refusals[0])

START_TEST(each_refusal_names_file_and_field)
{
  make_pack();
  json_error_t e;
  json_t *st = json_loads(base_standard, 0, &e);
  json_error_t ve;
  set_at(st, refusals[_i].pointer, refusals[_i].value ? json_loads(refusals[_i].value, JSON_DECODE_ANY, &ve) : NULL);
  write_json("standards/t1.json", st);
  char err[4096];
  struct rule_pack *p = load(err, sizeof err);
  ck_assert_msg(p == NULL, "%s = %s was accepted", refusals[_i].pointer, refusals[_i].value);
  char want[512];
  snprintf(want, sizeof want, "%s/standards/t1.json: %s", dir, refusals[_i].message);
  ck_assert_msg(strstr(err, want) != NULL, "%s = %s: wanted '%s', got:\n%s", refusals[_i].pointer,
                refusals[_i].value ? refusals[_i].value : "(deleted)", want, err);
  json_decref(st);
  remove_pack();
}
END_TEST

START_TEST(the_pack_level_refusals)
{
  make_pack();
  char err[4096];
  /* not JSON */
  write_text("standards/t1.json", "{\"id\": \"t1\",");
  ck_assert_ptr_null(load(err, sizeof err));
  ck_assert_msg(strstr(err, "/standards/t1.json: ") != NULL, "%s", err);
  unlink(strcat(strcpy((char[512]){0}, dir), "/standards/t1.json"));
  /* a default.json that does not score as pack.json does */
  write_text("standards/default.json",
             "{\"id\": \"default\", \"name\": {\"zh\": \"默认\", \"en\": \"Default\"},"
             " \"grades\": [{\"grade\": \"excellent\", \"min\": 85}, {\"grade\": \"pass\", \"min\": 60},"
             " {\"grade\": \"fail\", \"min\": 0}], \"sections\": [], \"caps\": {}, \"veto\": [\"R01\"], \"items\": []}");
  ck_assert_ptr_null(load(err, sizeof err));
  ck_assert_msg(strstr(err, "default.json: grades: the default standard's bands must be pack.json's grading") != NULL,
                "%s", err);
  ck_assert_msg(strstr(err, "default.json: veto: the default standard must list exactly the pack's veto rules") != NULL,
                "%s", err);
  copy_file(CASEAUDIT_SOURCE_ROOT "/rules/standards/default.json",
            strcat(strcpy((char[512]){0}, dir), "/standards/default.json"));
  /* standards_by_agency naming a standard that does not exist */
  char path[512];
  snprintf(path, sizeof path, "%s/pack.json", dir);
  json_t *pack = json_load_file(path, 0, NULL);
  json_object_set_new(pack, "standards_by_agency", json_pack("{s:s}", "XQ-XK", "nowhere"));
  write_json("pack.json", pack);
  ck_assert_ptr_null(load(err, sizeof err));
  ck_assert_msg(strstr(err, "pack.json: standards_by_agency.XQ-XK: unknown standard 'nowhere'") != NULL, "%s", err);
  /* and one that does: the agency's cases are scored under it */
  json_object_set_new(pack, "standards_by_agency", json_pack("{s:s}", "XQ-XK", "default"));
  write_json("pack.json", pack);
  struct rule_pack *p = load(err, sizeof err);
  ck_assert_msg(p != NULL, "%s", err);
  ck_assert_str_eq(standards_for_agency(p->body, "XQ-XK"), "default");
  rules_free(p);
  json_decref(pack);
  remove_pack();
}
END_TEST

int main(void)
{
  Suite *s = suite_create("standards");
  TCase *tc = tcase_create("standards");
  tcase_add_test(tc, a_good_standard_loads_with_the_pack);
  tcase_add_test(tc, the_shipped_standards_load);
  tcase_add_loop_test(tc, each_refusal_names_file_and_field, 0, N_REFUSALS);
  tcase_add_test(tc, the_pack_level_refusals);
  suite_add_tcase(s, tc);
  return testlib_run(s);
}
