/* HTTP tests of ingest: POST /api/v1/cases version semantics and errors, GET with masking, the streamed bulk
 * endpoint (bad lines, over-long lines, empty and 100,000-line bodies), and concurrent writers of one case. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

static const char *base;
static char conninfo[1024];
static char ingest_tok[96], scoped_tok[96], admin_tok[96], sup_tok[96], rev_tok[96], other_rev_tok[96];

static void setup(void)
{
  snprintf(conninfo, sizeof conninfo, "%s", testdb_create("cases", true));
  snprintf(ingest_tok, sizeof ingest_tok, "%s", testdb_token(conninfo, "ing", "ingest", NULL));
  snprintf(scoped_tok, sizeof scoped_tok, "%s", testdb_token(conninfo, "ing-other", "ingest", "{OTHER}"));
  snprintf(admin_tok, sizeof admin_tok, "%s", testdb_token(conninfo, "adm", "admin", NULL));
  snprintf(sup_tok, sizeof sup_tok, "%s", testdb_token(conninfo, "sup", "supervisor", NULL));
  snprintf(rev_tok, sizeof rev_tok, "%s", testdb_token(conninfo, "rev", "reviewer", "{XQ-XK}"));
  snprintf(other_rev_tok, sizeof other_rev_tok, "%s", testdb_token(conninfo, "rev2", "reviewer", "{OTHER}"));
  base = testd_start(conninfo, "bulk_line_max_bytes=65536", "bulk_batch_size=50", NULL);
}

static void teardown(void) { testd_stop(); }

static json_t *example(void)
{
  json_error_t e;
  json_t *j = json_load_file(fixture("example-case.json"), 0, &e);
  ck_assert_msg(j != NULL, "%s", e.text);
  return j;
}

static void post_raw(struct http_reply *r, const char *path, const char *token, const char *ctype, const char *body,
                     size_t len)
{
  char url[512], auth[160], ct[128];
  snprintf(url, sizeof url, "%s%s", base, path);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
  const char *headers[] = {auth, ct, NULL};
  http_do(r, "POST", url, headers, body, len);
}

static void post_case(struct http_reply *r, json_t *rec, const char *token)
{
  char *text = json_dumps(rec, JSON_COMPACT);
  post_raw(r, "/api/v1/cases", token, "application/json", text, strlen(text));
  free(text);
}

static void get(struct http_reply *r, const char *path, const char *token)
{
  char url[512], auth[160];
  snprintf(url, sizeof url, "%s%s", base, path);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  const char *headers[] = {auth, NULL};
  http_do(r, "GET", url, headers, NULL, 0);
}

static char *case_path(const struct http_reply *created)
{
  static char path[128];
  snprintf(path, sizeof path, "/api/v1/cases/%s", json_string_value(json_object_get(created->json, "id")));
  return path;
}

START_TEST(example_round_trips_with_version_semantics)
{
  json_t *rec = example();
  struct http_reply r, g;
  post_case(&r, rec, ingest_tok);
  ck_assert_msg(r.status == 201, "%s", r.body);
  ck_assert_int_eq(json_integer_value(json_object_get(r.json, "score")), 100);
  ck_assert_str_eq(json_string_value(json_object_get(r.json, "grade")), "excellent");
  ck_assert(json_is_array(json_object_get(r.json, "findings")));
  ck_assert_str_eq(json_string_value(json_object_get(r.json, "case_no")), "津西青辛综执罚〔2022〕15号");
  char path[128];
  snprintf(path, sizeof path, "%s", case_path(&r));

  get(&g, path, admin_tok);
  ck_assert_msg(g.status == 200, "%s", g.body);
  ck_assert_msg(json_equal(json_object_get(g.json, "record"), rec), "GET does not return the record as posted");
  http_reply_free(&g);

  /* the same version and content again: unchanged */
  http_reply_free(&r);
  post_case(&r, rec, ingest_tok);
  ck_assert_int_eq(r.status, 200);
  ck_assert(json_is_true(json_object_get(r.json, "unchanged")));
  http_reply_free(&r);

  /* the same version with other content: 409 version_conflict, and the stored record is untouched */
  json_object_set_new(rec, "cause", json_string("changed"));
  post_case(&r, rec, ingest_tok);
  json_t *d = assert_error(&r, 409, "version_conflict");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(d, 0), "path")), "/source/version");
  http_reply_free(&r);
  get(&g, path, admin_tok);
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(g.json, "record"), "cause")),
                   "销售不符合食品安全标准的食用农产品");
  http_reply_free(&g);

  /* a higher version replaces it */
  json_object_set_new(json_object_get(rec, "source"), "version", json_integer(4));
  post_case(&r, rec, ingest_tok);
  ck_assert_msg(r.status == 200, "%s", r.body);
  ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "updated");
  ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 4);
  http_reply_free(&r);
  get(&g, path, admin_tok);
  ck_assert(json_equal(json_object_get(g.json, "record"), rec));
  http_reply_free(&g);

  /* a lower version is stale */
  json_object_set_new(json_object_get(rec, "source"), "version", json_integer(2));
  post_case(&r, rec, ingest_tok);
  assert_error(&r, 409, "stale_version");
  http_reply_free(&r);
  char *docs = testdb_value(conninfo, "SELECT count(*) FROM case_documents");
  ck_assert_str_eq(docs, "18"); /* replaced, never duplicated */
  free(docs);
  json_decref(rec);
}
END_TEST

START_TEST(bad_requests_name_the_problem_and_store_nothing)
{
  struct http_reply r;
  post_raw(&r, "/api/v1/cases", ingest_tok, "application/json", "{\"agency\": ", 11);
  assert_error(&r, 400, "invalid_json");
  http_reply_free(&r);

  post_raw(&r, "/api/v1/cases", ingest_tok, "text/plain", "{}", 2);
  assert_error(&r, 415, "unsupported_media_type");
  http_reply_free(&r);

  json_t *rec = example();
  json_object_set_new(rec, "category", json_string("penal"));
  json_object_set_new(json_object_get(rec, "party"), "nickname", json_string("x"));
  json_object_set_new(rec, "filed_on", json_string("2022-02-30"));
  post_case(&r, rec, ingest_tok);
  json_t *d = assert_error(&r, 400, "invalid_input");
  ck_assert_int_eq(json_array_size(d), 3);
  char *paths = json_dumps(d, 0);
  ck_assert_msg(strstr(paths, "/category") && strstr(paths, "/party/nickname") && strstr(paths, "/filed_on"), "%s",
                paths);
  free(paths);
  http_reply_free(&r);
  json_decref(rec);

  rec = example();
  post_case(&r, rec, scoped_tok); /* an ingest token of agency OTHER writing XQ-XK */
  d = assert_error(&r, 403, "agency_forbidden");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(d, 0), "path")), "/agency/code");
  http_reply_free(&r);
  post_case(&r, rec, rev_tok); /* a reviewer may not write */
  assert_error(&r, 403, "forbidden");
  http_reply_free(&r);
  json_decref(rec);

  /* Refused from the declared length, before any body byte is read. The client waits for "100 Continue" as curl
   * does for large bodies: one that sends 17 MB at once may find the connection closed before it reads the 413
   * (seen under load). */
  char *big = malloc(17u << 20);
  memset(big, ' ', 17u << 20);
  char url[512], auth[160];
  snprintf(url, sizeof url, "%s/api/v1/cases", base);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", ingest_tok);
  const char *expect[] = {auth, "Content-Type: application/json", "Expect: 100-continue", NULL};
  http_do(&r, "POST", url, expect, big, 17u << 20);
  assert_error(&r, 413, "body_too_large");
  http_reply_free(&r);
  free(big);

  post_raw(&r, "/api/v1/cases?dry_run=1", ingest_tok, "application/json", "{}", 2);
  assert_error(&r, 400, "invalid_parameter");
  http_reply_free(&r);

  char *n = testdb_value(conninfo, "SELECT count(*) FROM cases");
  ck_assert_str_eq(n, "0");
  free(n);
}
END_TEST

START_TEST(personal_data_is_masked_by_role)
{
  json_t *rec = example();
  struct http_reply r, g;
  post_case(&r, rec, ingest_tok);
  ck_assert_int_eq(r.status, 201);
  const char *path = case_path(&r);

  get(&g, path, rev_tok); /* a reviewer of the case's agency sees it */
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(g.json, "record"), "party"),
                                                     "phone")),
                   "13802000000");
  http_reply_free(&g);
  get(&g, path, sup_tok); /* a supervisor sees it masked */
  json_t *party = json_object_get(json_object_get(g.json, "record"), "party");
  ck_assert_str_eq(json_string_value(json_object_get(party, "phone")), "138****0000");
  ck_assert_str_eq(json_string_value(json_object_get(party, "id_number")), "911201********LQ2R");
  http_reply_free(&g);
  get(&g, path, other_rev_tok); /* a reviewer of another agency does not see the case at all */
  assert_error(&g, 404, "not_found");
  http_reply_free(&g);
  get(&g, path, ingest_tok); /* ingest tokens do not read */
  assert_error(&g, 403, "forbidden");
  http_reply_free(&g);
  get(&g, "/api/v1/cases/not-a-uuid", admin_tok);
  assert_error(&g, 404, "not_found");
  http_reply_free(&g);
  get(&g, "/api/v1/cases/00000000-0000-0000-0000-000000000000", admin_tok);
  assert_error(&g, 404, "not_found");
  http_reply_free(&g);
  http_reply_free(&r);
  json_decref(rec);
}
END_TEST

static char *line_of(json_t *rec)
{
  char *t = json_dumps(rec, JSON_COMPACT);
  ck_assert_ptr_nonnull(t);
  return t;
}

START_TEST(bulk_bad_lines_stand_alone)
{
  json_t *rec = example();
  char *body = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&body, &len);
  for (int i = 1; i <= 120; i++) {
    char no[32];
    snprintf(no, sizeof no, "BULK-%d", i);
    json_object_set_new(rec, "case_no", json_string(no));
    if (i == 7)
      fputs("{\"not\": json\n", f); /* line 7: malformed */
    else if (i == 8)
      fputs("\n", f); /* line 8: blank, skipped */
    else if (i == 9) {
      json_t *bad = json_deep_copy(rec);
      json_object_set_new(bad, "filed_on", json_string("2022-13-01"));
      char *t = line_of(bad);
      fprintf(f, "%s\n", t);
      free(t);
      json_decref(bad);
    } else if (i == 10) {
      fprintf(f, "{\"x\":\"%0*d\"}\n", 70000, 0); /* over bulk_line_max_bytes */
    } else {
      char *t = line_of(rec);
      fprintf(f, "%s\r\n", t);
      free(t);
    }
  }
  fclose(f);
  struct http_reply r;
  post_raw(&r, "/api/v1/cases/bulk", ingest_tok, "application/x-ndjson", body, len);
  ck_assert_msg(r.status == 200, "%s", r.body);
  ck_assert_int_eq(json_integer_value(json_object_get(r.json, "accepted")), 116);
  ck_assert_int_eq(json_integer_value(json_object_get(r.json, "rejected")), 3);
  json_t *results = json_object_get(r.json, "results");
  ck_assert_int_eq(json_array_size(results), 3); /* errors only, by default */
  const long lines[] = {7, 9, 10};
  const char *codes[] = {"invalid_json", "invalid_input", "body_too_large"};
  for (size_t i = 0; i < 3; i++) {
    json_t *e = json_array_get(results, i);
    ck_assert_int_eq(json_integer_value(json_object_get(e, "line")), lines[i]);
    ck_assert_str_eq(json_string_value(json_object_get(e, "status")), "rejected");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(e, "error"), "code")), codes[i]);
  }
  ck_assert_str_eq(
    json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(json_array_get(results, 1),
                                                                                      "error"),
                                                                      "details"),
                                                     0),
                                      "path")),
    "/filed_on");
  http_reply_free(&r);
  char *n = testdb_value(conninfo, "SELECT count(*) FROM cases");
  ck_assert_str_eq(n, "116");
  free(n);

  /* the same body again: all unchanged; results=all lists every line */
  post_raw(&r, "/api/v1/cases/bulk?results=all", ingest_tok, "application/x-ndjson", body, len);
  ck_assert_int_eq(json_integer_value(json_object_get(r.json, "unchanged")), 116);
  ck_assert_int_eq(json_array_size(json_object_get(r.json, "results")), 119);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "results"), 0), "status")),
                   "unchanged");
  http_reply_free(&r);
  free(body);
  json_decref(rec);
}
END_TEST

START_TEST(bulk_edge_bodies)
{
  struct http_reply r;
  post_raw(&r, "/api/v1/cases/bulk", ingest_tok, "application/x-ndjson", "", 0);
  ck_assert_msg(r.status == 200, "%s", r.body);
  ck_assert_int_eq(json_integer_value(json_object_get(r.json, "accepted")), 0);
  ck_assert_int_eq(json_integer_value(json_object_get(r.json, "rejected")), 0);
  http_reply_free(&r);

  post_raw(&r, "/api/v1/cases/bulk?results=some", ingest_tok, "application/x-ndjson", "\n", 1);
  json_t *d = assert_error(&r, 400, "invalid_parameter");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(d, 0), "path")), "results");
  http_reply_free(&r);

  post_raw(&r, "/api/v1/cases/bulk", ingest_tok, "application/json", "{}", 2);
  assert_error(&r, 415, "unsupported_media_type");
  http_reply_free(&r);

  /* a line with no newline at the end of the body still counts, and an agency outside the token's scope is
   * refused for that line alone */
  json_t *rec = example();
  char *t = line_of(rec);
  post_raw(&r, "/api/v1/cases/bulk", scoped_tok, "application/x-ndjson", t, strlen(t));
  ck_assert_int_eq(json_integer_value(json_object_get(r.json, "rejected")), 1);
  ck_assert_str_eq(json_string_value(json_object_get(
                     json_object_get(json_array_get(json_object_get(r.json, "results"), 0), "error"), "code")),
                   "agency_forbidden");
  http_reply_free(&r);
  free(t);
  json_decref(rec);
}
END_TEST

START_TEST(bulk_100000_lines)
{
  /* 100,000 lines: 1,000 small valid cases among 99,000 invalid ones. The response lists at most 10,000 errors. */
  char *body = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&body, &len);
  for (int i = 1; i <= 100000; i++) {
    if (i % 100 == 0)
      fprintf(f,
              "{\"agency\":{\"code\":\"BIG\",\"name\":\"n\"},\"case_no\":\"C%d\",\"category\":\"other\","
              "\"source\":{\"system\":\"s\",\"version\":1,\"updated_at\":\"2022-01-01T00:00:00+08:00\"},"
              "\"party\":{\"name\":\"p\"},\"officers\":[]}\n",
              i);
    else
      fputs("{}\n", f);
  }
  fclose(f);
  struct http_reply r;
  post_raw(&r, "/api/v1/cases/bulk", ingest_tok, "application/x-ndjson", body, len);
  ck_assert_msg(r.status == 200, "%.300s", r.body);
  ck_assert_int_eq(json_integer_value(json_object_get(r.json, "accepted")), 1000);
  ck_assert_int_eq(json_integer_value(json_object_get(r.json, "rejected")), 99000);
  ck_assert_int_eq(json_array_size(json_object_get(r.json, "results")), 10000);
  ck_assert(json_is_true(json_object_get(r.json, "results_truncated")));
  http_reply_free(&r);
  post_raw(&r, "/api/v1/cases/bulk?results=none", ingest_tok, "application/x-ndjson", body, len);
  ck_assert_int_eq(json_integer_value(json_object_get(r.json, "unchanged")), 1000);
  ck_assert_int_eq(json_array_size(json_object_get(r.json, "results")), 0);
  http_reply_free(&r);
  free(body);
  char *n = testdb_value(conninfo, "SELECT count(*) FROM cases WHERE agency_code = 'BIG'");
  ck_assert_str_eq(n, "1000");
  free(n);
}
END_TEST

struct writer {
  int version;
  long status;
};

static void *write_case(void *arg)
{
  struct writer *w = arg;
  json_t *rec = example();
  json_object_set_new(rec, "case_no", json_string("CONCURRENT-1"));
  json_object_set_new(json_object_get(rec, "source"), "version", json_integer(w->version));
  struct http_reply r;
  post_case(&r, rec, ingest_tok);
  w->status = r.status;
  http_reply_free(&r);
  json_decref(rec);
  return NULL;
}

START_TEST(concurrent_writers_of_one_case)
{
  struct writer w[8];
  pthread_t t[8];
  for (int i = 0; i < 8; i++) {
    w[i] = (struct writer){.version = 1 + i % 4};
    pthread_create(&t[i], NULL, write_case, &w[i]);
  }
  int created = 0;
  for (int i = 0; i < 8; i++) {
    pthread_join(t[i], NULL);
    ck_assert_msg(w[i].status == 201 || w[i].status == 200 || w[i].status == 409, "status %ld", w[i].status);
    created += w[i].status == 201;
  }
  ck_assert_int_eq(created, 1);
  char *n = testdb_value(conninfo, "SELECT count(*) || '/' || max(version) FROM cases WHERE case_no = 'CONCURRENT-1'");
  ck_assert_str_eq(n, "1/4"); /* one row, and the highest version won */
  free(n);
  n = testdb_value(conninfo, "SELECT count(*) FROM case_documents");
  ck_assert_str_eq(n, "18");
  free(n);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("http_cases");
  TCase *tc = tcase_create("cases");
  tcase_set_timeout(tc, 240);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, example_round_trips_with_version_semantics);
  tcase_add_test(tc, bad_requests_name_the_problem_and_store_nothing);
  tcase_add_test(tc, personal_data_is_masked_by_role);
  tcase_add_test(tc, bulk_bad_lines_stand_alone);
  tcase_add_test(tc, bulk_edge_bodies);
  tcase_add_test(tc, bulk_100000_lines);
  tcase_add_test(tc, concurrent_writers_of_one_case);
  suite_add_tcase(s, tc);
  return testlib_run(s);
}
