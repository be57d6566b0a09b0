/* Scoring standards: reading rules/standards/ID.json and validating each whole (standards.h, docs/standards.md). */
#include "standards.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const grade_names[] = {"excellent", "good", "pass", "fail", NULL};


static bool bilingual(const json_t *t)
{
  return json_is_object(t) && json_object_size(t) == 2 && nonblank_string(json_object_get(t, "zh")) &&
         nonblank_string(json_object_get(t, "en"));
}

/* ids of standards and items: lower case, digits, '-', '_', '.'; they appear in URLs (?standard=) and file names */
static bool good_id(const char *s, bool dashes)
{
  size_t n = s ? strlen(s) : 0;
  if (n == 0 || n > 64 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
    return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || (dashes && (*s == '-' || *s == '.'))))
      return false;
  return true;
}

static bool int_in(const json_t *j, json_int_t lo, json_int_t hi)
{
  return json_is_integer(j) && json_integer_value(j) >= lo && json_integer_value(j) <= hi;
}

static bool is_retired(const json_t *pack, const char *rule)
{
  size_t i;
  json_t *r;
  json_array_foreach(json_object_get(pack, "retired"), i, r) if (json_is_string(r) &&
                                                                 strcmp(json_string_value(r), rule) == 0) return true;
  return false;
}

/* A rule id a standard may name: a rule of the pack. */
static void check_rule_ref(struct problems *pr, const char *file, const char *field, const char *id,
                           const json_t *rules, const json_t *pack)
{
  if (id == NULL)
    problem(pr, "%s: %s: must be a rule id (a string)", file, field);
  else if (is_retired(pack, id))
    problem(pr, "%s: %s: rule %s is retired", file, field, id);
  else if (json_object_get(rules, id) == NULL)
    problem(pr, "%s: %s: unknown rule '%s'", file, field, id);
}

static void check_grades(struct problems *pr, const char *file, const json_t *grades)
{
  if (!json_is_array(grades) || json_array_size(grades) == 0) {
    problem(pr, "%s: grades: must be a non-empty array of {grade, min}", file);
    return;
  }
  size_t i;
  json_t *g;
  json_int_t prev = 101;
  json_array_foreach(grades, i, g)
  {
    const char *name = json_string_value(json_object_get(g, "grade"));
    json_t *min = json_object_get(g, "min"), *no_error = json_object_get(g, "no_error");
    const char *key;
    json_t *v;
    json_object_foreach(g, key, v) if (strcmp(key, "grade") != 0 && strcmp(key, "min") != 0 &&
                                       strcmp(key, "no_error") != 0)
      problem(pr, "%s: grades[%zu]: unknown key '%s' (known: grade, min, no_error)", file, i, key);
    if (!in_list(name, grade_names))
      problem(pr, "%s: grades[%zu].grade: '%s' is not one of excellent, good, pass, fail", file, i, name ? name : "");
    for (size_t j = 0; name && j < i; j++)
      if (strcmp(name, json_string_value(json_object_get(json_array_get(grades, j), "grade")) ?: "") == 0)
        problem(pr, "%s: grades[%zu].grade: '%s' is listed twice", file, i, name);
    if (!int_in(min, 0, 100))
      problem(pr, "%s: grades[%zu].min: must be an integer 0..100", file, i);
    else if (json_integer_value(min) > prev)
      problem(pr, "%s: grades[%zu].min: %lld must not be above the previous band's %lld (bands descend)", file, i,
              (long long)json_integer_value(min), (long long)prev);
    else
      prev = json_integer_value(min);
    if (no_error != NULL && !json_is_boolean(no_error))
      problem(pr, "%s: grades[%zu].no_error: must be true or false", file, i);
  }
  json_t *last = json_array_get(grades, json_array_size(grades) - 1);
  if (strcmp(json_string_value(json_object_get(last, "grade")) ?: "", "fail") != 0 ||
      json_integer_value(json_object_get(last, "min")) != 0 || json_is_true(json_object_get(last, "no_error")))
    problem(pr, "%s: grades[%zu]: the last band must be {\"grade\": \"fail\", \"min\": 0}", file,
            json_array_size(grades) - 1);
}

static bool has_item(const json_t *items, const char *id)
{
  size_t i;
  json_t *it;
  json_array_foreach(items, i, it) if (id && strcmp(json_string_value(json_object_get(it, "id")) ?: "", id) == 0)
    return true;
  return false;
}

static void check_items(struct problems *pr, const char *file, const json_t *items)
{
  if (!json_is_array(items)) {
    problem(pr, "%s: items: must be an array of {id, title, points, basis}", file);
    return;
  }
  size_t i;
  json_t *it;
  json_array_foreach(items, i, it)
  {
    const char *id = json_string_value(json_object_get(it, "id"));
    const char *key;
    json_t *v;
    json_object_foreach(it, key, v) if (!in_list(key, (const char *const[]){"id", "title", "points", "basis", NULL}))
      problem(pr, "%s: items[%zu]: unknown key '%s' (known: id, title, points, basis)", file, i, key);
    if (!good_id(id, false))
      problem(pr, "%s: items[%zu].id: must be 1-64 of a-z, 0-9 and _", file, i);
    for (size_t j = 0; id && j < i; j++)
      if (strcmp(id, json_string_value(json_object_get(json_array_get(items, j), "id")) ?: "") == 0)
        problem(pr, "%s: items[%zu].id: duplicate item id '%s'", file, i, id);
    if (!bilingual(json_object_get(it, "title")))
      problem(pr, "%s: items[%zu].title: must be {\"zh\": text, \"en\": text}, both non-empty", file, i);
    if (!int_in(json_object_get(it, "points"), 1, 100))
      problem(pr, "%s: items[%zu].points: must be an integer 1..100", file, i);
    if (!nonblank_string(json_object_get(it, "basis")))
      problem(pr, "%s: items[%zu].basis: must name the legal basis (non-empty text)", file, i);
  }
}

/* The section of rule (or NULL), to find a rule named by two sections. */
static const char *section_of(const json_t *sections, size_t before, const char *key, const char *id)
{
  for (size_t i = 0; i < before; i++) {
    json_t *s = json_array_get(sections, i);
    size_t j;
    json_t *r;
    json_array_foreach(json_object_get(s, key), j, r) if (json_is_string(r) && strcmp(json_string_value(r), id) == 0)
      return json_string_value(json_object_get(s, "id")) ?: "?";
  }
  return NULL;
}

static void check_sections(struct problems *pr, const char *file, const json_t *sections, const json_t *items,
                           const json_t *rules, const json_t *pack)
{
  if (!json_is_array(sections)) {
    problem(pr, "%s: sections: must be an array (empty: the case starts at 100, as in rules.md)", file);
    return;
  }
  json_int_t sum = 0;
  size_t i;
  json_t *s;
  char field[96];
  json_array_foreach(sections, i, s)
  {
    const char *id = json_string_value(json_object_get(s, "id"));
    const char *key;
    json_t *v;
    json_object_foreach(s, key, v) if (!in_list(key, (const char *const[]){"id", "title", "points", "rules", "items",
                                                                          NULL}))
      problem(pr, "%s: sections[%zu]: unknown key '%s' (known: id, title, points, rules, items)", file, i, key);
    if (!good_id(id, false))
      problem(pr, "%s: sections[%zu].id: must be 1-64 of a-z, 0-9 and _", file, i);
    for (size_t j = 0; id && j < i; j++)
      if (strcmp(id, json_string_value(json_object_get(json_array_get(sections, j), "id")) ?: "") == 0)
        problem(pr, "%s: sections[%zu].id: duplicate section id '%s'", file, i, id);
    if (!bilingual(json_object_get(s, "title")))
      problem(pr, "%s: sections[%zu].title: must be {\"zh\": text, \"en\": text}, both non-empty", file, i);
    json_t *points = json_object_get(s, "points");
    if (!int_in(points, 1, 100))
      problem(pr, "%s: sections[%zu].points: must be an integer 1..100", file, i);
    else
      sum += json_integer_value(points);
    static const char *const lists[] = {"rules", "items"};
    for (size_t l = 0; l < 2; l++) {
      json_t *list = json_object_get(s, lists[l]);
      if (list == NULL)
        continue;
      if (!json_is_array(list)) {
        problem(pr, "%s: sections[%zu].%s: must be an array of ids", file, i, lists[l]);
        continue;
      }
      size_t j;
      json_t *r;
      json_array_foreach(list, j, r)
      {
        const char *rid = json_string_value(r);
        snprintf(field, sizeof field, "sections[%zu].%s[%zu]", i, lists[l], j);
        if (l == 0)
          check_rule_ref(pr, file, field, rid, rules, pack);
        else if (!has_item(items, rid))
          problem(pr, "%s: %s: '%s' is not an item of this standard", file, field, rid ? rid : "");
        if (rid == NULL)
          continue;
        /* a rule or item deducts in one section: named by an earlier section, or twice in this one, is refused */
        const char *earlier = section_of(sections, i, lists[l], rid);
        bool twice_here = false;
        for (size_t k = 0; k < j; k++)
          twice_here |= json_is_string(json_array_get(list, k)) &&
                        strcmp(json_string_value(json_array_get(list, k)), rid) == 0;
        if (earlier != NULL || twice_here)
          problem(pr, "%s: %s: %s %s is already in section '%s'; it belongs to one section", file, field,
                  l == 0 ? "rule" : "item", rid, earlier ? earlier : id ? id : "?");
      }
    }
  }
  if (json_array_size(sections) > 0 && sum != 100)
    problem(pr, "%s: sections: points add up to %lld; the sections of a standard must add up to 100", file,
            (long long)sum);
}

static void check_caps(struct problems *pr, const char *file, const json_t *caps, const json_t *sections,
                       const json_t *rules, const json_t *pack)
{
  if (!json_is_object(caps)) {
    problem(pr, "%s: caps: must be an object {rule: points}", file);
    return;
  }
  const char *rule;
  json_t *v;
  char field[64];
  json_object_foreach((json_t *)caps, rule, v)
  {
    snprintf(field, sizeof field, "caps.%s", rule);
    check_rule_ref(pr, file, field, rule, rules, pack);
    if (!int_in(v, 1, 100))
      problem(pr, "%s: %s: must be an integer 1..100 (the most all of the rule's findings in one case deduct)", file,
              field);
    if (json_array_size(sections) > 0 && section_of(sections, json_array_size(sections), "rules", rule) == NULL)
      problem(pr, "%s: %s: rule %s is in no section, so it deducts nothing and a cap on it has no effect", file,
              field, rule);
  }
}

static void check_veto(struct problems *pr, const char *file, const json_t *veto, const json_t *items,
                       const json_t *rules, const json_t *pack)
{
  if (!json_is_array(veto)) {
    problem(pr, "%s: veto: must be an array of rule ids and item:ID", file);
    return;
  }
  size_t i;
  json_t *v;
  char field[32];
  json_array_foreach(veto, i, v)
  {
    const char *s = json_string_value(v);
    snprintf(field, sizeof field, "veto[%zu]", i);
    if (s != NULL && strncmp(s, "item:", 5) == 0) {
      if (!has_item(items, s + 5))
        problem(pr, "%s: %s: '%s' is not an item of this standard", file, field, s + 5);
    } else if (s != NULL && has_item(items, s)) {
      problem(pr, "%s: %s: '%s' is an item: write it as 'item:%s'", file, field, s, s);
    } else {
      check_rule_ref(pr, file, field, s, rules, pack);
    }
    for (size_t j = 0; s && j < i; j++)
      if (strcmp(s, json_string_value(json_array_get(veto, j)) ?: "") == 0)
        problem(pr, "%s: %s: '%s' is listed twice", file, field, s);
  }
}

/* default as pack.json scores (rules.md): no sections, the grading bands, the pack's veto rules. */
static json_t *pack_default(const json_t *rules, const json_t *pack)
{
  const json_t *g = json_object_get(pack, "grading");
  json_t *veto = json_array();
  const char *id;
  json_t *rule;
  json_object_foreach((json_t *)rules, id, rule) if (json_is_true(json_object_get(rule, "veto")))
    json_array_append_new(veto, json_string(id));
  return json_pack("{s:s, s:{s:s, s:s}, s:[{s:s, s:O, s:b}, {s:s, s:O}, {s:s, s:i}], s:[], s:{}, s:o, s:[]}", "id",
                   "default", "name", "zh", "默认评分（规则包的评分）", "en", "Default scoring (the rule pack's)",
                   "grades", "grade", "excellent", "min", json_object_get(g, "excellent"), "no_error", 1, "grade",
                   "pass", "min", json_object_get(g, "pass"), "grade", "fail", "min", 0, "sections", "caps", "veto",
                   veto, "items");
}

static bool same_set(const json_t *a, const json_t *b)
{
  if (json_array_size(a) != json_array_size(b))
    return false;
  size_t i;
  json_t *x;
  json_array_foreach(a, i, x)
  {
    bool found = false;
    size_t j;
    json_t *y;
    json_array_foreach(b, j, y) found |= json_equal(x, y);
    if (!found)
      return false;
  }
  return true;
}

static void check_standard(struct problems *pr, const char *file, const char *stem, const json_t *st,
                           const json_t *rules, const json_t *pack)
{
  static const char *const known[] = {"id", "name", "grades", "sections", "caps", "veto", "items", NULL};
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)st, key, v) if (!in_list(key, known))
    problem(pr, "%s: %s: unknown key '%s' (known: caps, grades, id, items, name, sections, veto)", file, key, key);
  const char *id = json_string_value(json_object_get(st, "id"));
  if (!good_id(id, true))
    problem(pr, "%s: id: must be 1-64 of a-z, 0-9, '-', '_' and '.', starting with a letter or digit", file);
  else if (strcmp(id, stem) != 0)
    problem(pr, "%s: id: '%s' must equal the file name without .json ('%s')", file, id, stem);
  if (!bilingual(json_object_get(st, "name")))
    problem(pr, "%s: name: must be {\"zh\": text, \"en\": text}, both non-empty", file);
  json_t *items = json_object_get(st, "items");
  check_grades(pr, file, json_object_get(st, "grades"));
  check_items(pr, file, items);
  check_sections(pr, file, json_object_get(st, "sections"), items, rules, pack);
  check_caps(pr, file, json_object_get(st, "caps"), json_object_get(st, "sections"), rules, pack);
  check_veto(pr, file, json_object_get(st, "veto"), items, rules, pack);
  if (id != NULL && strcmp(id, "default") == 0) {
    json_t *made = pack_default(rules, pack);
    if (!json_equal(json_object_get(st, "grades"), json_object_get(made, "grades")))
      problem(pr, "%s: grades: the default standard's bands must be pack.json's grading: excellent from %lld with no "
              "error finding (no_error), pass from %lld, fail", file,
              (long long)json_integer_value(json_object_get(json_object_get(pack, "grading"), "excellent")),
              (long long)json_integer_value(json_object_get(json_object_get(pack, "grading"), "pass")));
    if (!same_set(json_object_get(st, "veto"), json_object_get(made, "veto")))
      problem(pr, "%s: veto: the default standard must list exactly the pack's veto rules", file);
    if (json_array_size(json_object_get(st, "sections")) || json_object_size(json_object_get(st, "caps")) ||
        json_array_size(items))
      problem(pr, "%s: the default standard scores as rules.md does: no sections, caps or items", file);
    json_decref(made);
  }
}

static int json_file(const struct dirent *d)
{
  size_t n = strlen(d->d_name);
  return n > 5 && strcmp(d->d_name + n - 5, ".json") == 0 && d->d_name[0] != '.';
}

json_t *standards_load(const char *dir, const json_t *rules, const json_t *pack, struct problems *pr)
{
  json_t *all = json_object();
  char sdir[4096], path[4352];
  snprintf(sdir, sizeof sdir, "%s/standards", dir);
  struct dirent **names = NULL;
  int n = scandir(sdir, &names, json_file, dirent_by_name);
  for (int i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%s/%s", sdir, names[i]->d_name);
    char stem[256];
    snprintf(stem, sizeof stem, "%.*s", (int)(strlen(names[i]->d_name) - 5), names[i]->d_name);
    json_error_t jerr;
    json_t *st = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(st))
      problem(pr, "%s: %s", path, st ? "must be a JSON object" : jerr.text);
    else {
      check_standard(pr, path, stem, st, rules, pack);
      json_object_set(all, stem, st);
    }
    json_decref(st);
    free(names[i]);
  }
  free(names);
  if (json_object_get(all, "default") == NULL)
    json_object_set_new(all, "default", pack_default(rules, pack));
  /* which agency is scored under which standard */
  json_t *by = json_object_get(pack, "standards_by_agency");
  if (by != NULL && !json_is_object(by))
    problem(pr, "%s/pack.json: standards_by_agency: must be an object {agency code: standard id}", dir);
  const char *agency;
  json_t *sid;
  json_object_foreach(by, agency, sid)
  {
    if (!json_is_string(sid) || json_object_get(all, json_string_value(sid)) == NULL)
      problem(pr, "%s/pack.json: standards_by_agency.%s: unknown standard '%s' (no file in %s)", dir, agency,
              json_is_string(sid) ? json_string_value(sid) : "", sdir);
  }
  return all;
}

const char *standards_for_agency(const json_t *body, const char *agency)
{
  const char *id = json_string_value(json_object_get(json_object_get(body, "standards_by_agency"), agency));
  return id ? id : "default";
}
