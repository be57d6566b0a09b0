/* Rule packs are data: this file reads and validates them (rules/pack.json and rules/<ID>/rule.json); the checks
 * themselves are SQL functions, each in its rule's folder (rules/<ID>/rule.sql). */
#include "rules.h"

#include <dirent.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db_rules.h"
#include "problems.h"
#include "standards.h"

static const char *const systems[] = {"publicity", "recording", "review", "documents", "archive", NULL};
static const char *const severities[] = {"error", "warning", NULL};

static bool is_rule_id(const char *id)
{
  return strlen(id) == 3 && id[0] >= 'A' && id[0] <= 'Z' && id[1] >= '0' && id[1] <= '9' && id[2] >= '0' &&
         id[2] <= '9';
}

/* An override must name a parameter the rule has, with a value of the same JSON type. */
static void check_overrides(struct problems *pr, const char *file, const char *id, const json_t *params,
                            const json_t *overrides, const char *what)
{
  if (overrides == NULL)
    return;
  if (!json_is_object(overrides)) {
    problem(pr, "%s: rule %s: %s must be an object", file, id, what);
    return;
  }
  const char *name;
  json_t *set;
  json_object_foreach((json_t *)overrides, name, set)
  {
    if (!json_is_object(set)) {
      problem(pr, "%s: rule %s: %s.%s must be an object of parameters", file, id, what, name);
      continue;
    }
    const char *key;
    json_t *v;
    json_object_foreach(set, key, v)
    {
      json_t *def = json_object_get(params, key);
      if (def == NULL)
        problem(pr, "%s: rule %s: %s.%s sets '%s', which is not a parameter of the rule", file, id, what, name, key);
      else if (json_typeof(def) != json_typeof(v) && !(json_is_number(def) && json_is_number(v)) &&
               !(json_is_boolean(def) && json_is_boolean(v))) /* jansson: true and false are two types */
        problem(pr, "%s: rule %s: %s.%s.%s has another type than the default", file, id, what, name, key);
    }
  }
}

static void check_text_pair(struct problems *pr, const char *file, const char *id, const json_t *rule,
                            const char *key)
{
  json_t *t = json_object_get(rule, key);
  if (!json_is_object(t) || !nonblank_string(json_object_get(t, "zh")) || !nonblank_string(json_object_get(t, "en")))
    problem(pr, "%s: rule %s: '%s' needs non-empty 'zh' and 'en' texts", file, id, key);
}

static void check_rule(struct problems *pr, const char *file, const char *id, const json_t *rule)
{
  static const char *const known[] = {"id", "version", "system", "severity", "points", "veto", "time_dependent",
                                      "cross_case",
                                      "title", "message", "checks", "basis", "params", "profiles", "agencies",
                                      NULL};
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)rule, key, v) if (!in_list(key, known))
    problem(pr, "%s: rule %s: unknown key '%s'", file, id, key);
  json_int_t version = json_integer_value(json_object_get(rule, "version"));
  if (!json_is_integer(json_object_get(rule, "version")) || version < 1)
    problem(pr, "%s: rule %s: 'version' must be an integer >= 1", file, id);
  if (!in_list(json_string_value(json_object_get(rule, "system")), systems))
    problem(pr, "%s: rule %s: 'system' must be one of publicity, recording, review, documents, archive", file, id);
  if (!in_list(json_string_value(json_object_get(rule, "severity")), severities))
    problem(pr, "%s: rule %s: 'severity' must be error or warning", file, id);
  json_t *points = json_object_get(rule, "points");
  if (!json_is_integer(points) || json_integer_value(points) < 0 || json_integer_value(points) > 100)
    problem(pr, "%s: rule %s: 'points' must be an integer 0..100", file, id);
  if (!json_is_boolean(json_object_get(rule, "veto")))
    problem(pr, "%s: rule %s: 'veto' must be true or false", file, id);
  json_t *td = json_object_get(rule, "time_dependent");
  if (td != NULL && !json_is_boolean(td))
    problem(pr, "%s: rule %s: 'time_dependent' must be true or false", file, id);
  json_t *cc = json_object_get(rule, "cross_case");
  if (cc != NULL && !json_is_boolean(cc))
    problem(pr, "%s: rule %s: 'cross_case' must be true or false", file, id);
  check_text_pair(pr, file, id, rule, "title");
  check_text_pair(pr, file, id, rule, "message");
  if (!nonblank_string(json_object_get(rule, "checks")))
    problem(pr, "%s: rule %s: 'checks' (what it checks) must be a non-empty string", file, id);
  if (!nonblank_string(json_object_get(rule, "basis")))
    problem(pr, "%s: rule %s: 'basis' (legal basis) must be a non-empty string", file, id);
  json_t *params = json_object_get(rule, "params");
  if (params != NULL && !json_is_object(params))
    problem(pr, "%s: rule %s: 'params' must be an object", file, id);
  check_overrides(pr, file, id, params, json_object_get(rule, "profiles"), "profiles");
  check_overrides(pr, file, id, params, json_object_get(rule, "agencies"), "agencies");
}

static void check_pack_file(struct problems *pr, const char *file, json_t *pack)
{
  static const char *const known[] = {"version", "name", "grading", "retired", "standards_by_agency", NULL};
  const char *key;
  json_t *v;
  json_object_foreach(pack, key, v) if (!in_list(key, known)) problem(pr, "%s: unknown key '%s'", file, key);
  if (!nonblank_string(json_object_get(pack, "version")))
    problem(pr, "%s: 'version' must be a non-empty string", file);
  json_t *g = json_object_get(pack, "grading");
  json_t *ex = json_object_get(g, "excellent"), *ps = json_object_get(g, "pass");
  if (!json_is_integer(ex) || !json_is_integer(ps) || json_integer_value(ps) < 0 ||
      json_integer_value(ex) > 100 || json_integer_value(ps) > json_integer_value(ex))
    problem(pr, "%s: 'grading' needs integers 0 <= pass <= excellent <= 100", file);
  json_t *retired = json_object_get(pack, "retired");
  if (retired != NULL && !json_is_array(retired))
    problem(pr, "%s: 'retired' must be an array of rule ids", file);
}

static int rule_folder(const struct dirent *d) { return d->d_name[0] != '.'; }

struct rule_pack *rules_load(const char *dir, char *err, size_t errlen)
{
  struct problems pr = {.buf = err, .cap = errlen};
  err[0] = '\0';
  struct dirent **names = NULL;
  int nnames = 0;
  json_t *rules = json_object(), *pack = NULL, *body = NULL, *standards = NULL;
  struct rule_pack *p = NULL;
  char path[4096];
  json_error_t jerr;

  snprintf(path, sizeof path, "%s/pack.json", dir);
  pack = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
  if (!json_is_object(pack)) {
    problem(&pr, "%s: %s (line %d)", path, pack ? "not a JSON object" : jerr.text, jerr.line);
    goto out;
  }
  check_pack_file(&pr, path, pack);
  nnames = scandir(dir, &names, rule_folder, dirent_by_name);
  if (nnames < 0) {
    nnames = 0;
    problem(&pr, "%s: cannot read the folder", dir);
    goto out;
  }
  /* every rule is a folder DIR/<ID>/ with its metadata in rule.json (its SQL and fixtures beside it); DIR/standards/
   * holds the scoring standards */
  for (int i = 0; i < nnames; i++) {
    const char *name = names[i]->d_name;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
      size_t n = strlen(name);
      if (n > 5 && strcmp(name + n - 5, ".json") == 0 && strcmp(name, "pack.json") != 0)
        problem(&pr, "%s: a rule's metadata belongs in %s/<ID>/rule.json", path, dir);
      continue;
    }
    if (strcmp(name, "standards") == 0)
      continue; /* the scoring standards (standards.c) */
    if (!is_rule_id(name)) {
      problem(&pr, "%s: a rule folder is named by the rule id, like P01 (scoring standards go in %s/standards/)",
              path, dir);
      continue;
    }
    snprintf(path, sizeof path, "%s/%s/rule.json", dir, name);
    json_t *rule = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(rule)) {
      problem(&pr, "%s: %s", path, rule ? "must be a JSON object (one rule)" : jerr.text);
      json_decref(rule);
      continue;
    }
    const char *id = json_string_value(json_object_get(rule, "id"));
    if (id == NULL || strcmp(id, name) != 0) {
      problem(&pr, "%s: 'id' must be %s, the folder's name", path, name);
      json_decref(rule);
      continue;
    }
    size_t k;
    json_t *r;
    json_array_foreach(json_object_get(pack, "retired"), k, r) if (json_is_string(r) &&
                                                                      strcmp(json_string_value(r), id) == 0)
      problem(&pr, "%s: rule %s: this id is retired and may not be used again", path, id);
    check_rule(&pr, path, id, rule);
    json_object_set_new(rules, id, rule);
  }
  if (json_object_size(rules) == 0 && pr.count == 0)
    problem(&pr, "%s: the pack has no rules", dir);
  if (pr.count > 0)
    goto out;
  standards = standards_load(dir, rules, pack, &pr);
  if (standards == NULL)
    problem(&pr, "out of memory");
  if (pr.count > 0)
    goto out;

  json_t *by_agency = json_incref(json_object_get(pack, "standards_by_agency"));
  body = json_pack("{s:O, s:O, s:O, s:O, s:o}", "version", json_object_get(pack, "version"), "grading",
                   json_object_get(pack, "grading"), "rules", rules, "standards", standards, "standards_by_agency",
                   by_agency ? by_agency : json_object());
  char *canonical = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
  p = calloc(1, sizeof *p);
  if (canonical == NULL || p == NULL || sodium_init() < 0) {
    free(canonical);
    free(p);
    p = NULL;
    problem(&pr, "out of memory");
    goto out;
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, (const unsigned char *)canonical, strlen(canonical));
  sodium_bin2hex(p->id, sizeof p->id, digest, sizeof digest);
  free(canonical);
  p->version = strdup(json_string_value(json_object_get(pack, "version")));
  p->body = json_incref(body);
  p->nrules = json_object_size(rules);
out:
  for (int i = 0; i < nnames; i++)
    free(names[i]);
  free(names);
  json_decref(body);
  json_decref(pack);
  json_decref(rules);
  json_decref(standards);
  return p;
}

void rules_free(struct rule_pack *p)
{
  if (p == NULL)
    return;
  free(p->version);
  json_decref(p->body);
  free(p);
}

enum db_status rules_register(struct db_conn *c, const struct rule_pack *p, char *err, size_t errlen)
{
  char *text = json_dumps(p->body, JSON_COMPACT | JSON_SORT_KEYS);
  if (text == NULL)
    return DB_HARD_ERROR;
  enum db_status st = db_pack_register(c, p->id, p->version, text);
  free(text);
  if (st != DB_OK) {
    snprintf(err, errlen, "storing the rule pack failed");
    return st;
  }
  /* every rule needs its SQL function */
  err[0] = '\0';
  const char *id;
  json_t *rule;
  json_object_foreach(json_object_get(p->body, "rules"), id, rule)
  {
    bool exists = false;
    st = db_rule_function_exists(c, id, &exists);
    if (st != DB_OK)
      return st;
    if (!exists) {
      size_t used = strlen(err);
      snprintf(err + used, errlen - used, "%srule %s has no SQL implementation (function ca_rule_%c%c%c)",
               used ? "; " : "", id, id[0] | 0x20, id[1], id[2]);
    }
  }
  return err[0] ? DB_HARD_ERROR : DB_OK;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct rule_pack *current;
static struct rule_pack **retired;
static size_t nretired;

const struct rule_pack *rules_current(void)
{
  pthread_mutex_lock(&lock);
  const struct rule_pack *p = current;
  pthread_mutex_unlock(&lock);
  return p;
}

void rules_swap(struct rule_pack *p)
{
  pthread_mutex_lock(&lock);
  if (current != NULL) {
    struct rule_pack **r = realloc(retired, (nretired + 1) * sizeof *r);
    if (r != NULL) {
      retired = r;
      retired[nretired++] = current;
    }
  }
  current = p;
  pthread_mutex_unlock(&lock);
}

void rules_shutdown(void)
{
  pthread_mutex_lock(&lock);
  rules_free(current);
  current = NULL;
  for (size_t i = 0; i < nretired; i++)
    rules_free(retired[i]);
  free(retired);
  retired = NULL;
  nretired = 0;
  pthread_mutex_unlock(&lock);
}

json_t *rules_rule_json(const struct rule_pack *p, const char *id, const char *sector, const char *agency)
{
  json_t *rule = json_object_get(json_object_get(p->body, "rules"), id);
  if (rule == NULL)
    return NULL;
  json_t *out = json_deep_copy(rule);
  json_t *eff = json_deep_copy(json_object_get(rule, "params"));
  if (eff == NULL)
    eff = json_object();
  if (sector != NULL)
    json_object_update(eff, json_object_get(json_object_get(rule, "profiles"), sector));
  if (agency != NULL)
    json_object_update(eff, json_object_get(json_object_get(rule, "agencies"), agency));
  json_object_set_new(out, "effective_params", eff);
  json_object_set_new(out, "pack_version", json_string(p->version));
  return out;
}
