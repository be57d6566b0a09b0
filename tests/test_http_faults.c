/* Faults: caseauditd killed (SIGKILL) mid bulk upload, every database connection busy, slow and idle clients
 * beyond the connection limit, and PostgreSQL restarted during a batch audit. Each prints its figures to stderr.
 * Stops and starts the shared cluster (CASEAUDIT_TEST_PG_CTL): registered to run alone. */
#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "testlib.h"

#define CLI CASEAUDIT_BUILD_ROOT "/daemon/caseaudit"

/* A one-value query that may fail (the server may be down or the table locked): NULL then. */
static char *try_value(const char *conninfo, const char *sql)
{
  char ci[1200];
  snprintf(ci, sizeof ci, "%s connect_timeout=2", conninfo);
  PGconn *pg = PQconnectdb(ci);
  char *v = NULL;
  if (PQstatus(pg) == CONNECTION_OK) {
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
      v = strdup(PQgetisnull(res, 0, 0) ? "" : PQgetvalue(res, 0, 0));
    PQclear(res);
  }
  PQfinish(pg);
  return v;
}

static long long_value(const char *conninfo, const char *sql)
{
  char *v = try_value(conninfo, sql);
  long n = v ? atol(v) : -1;
  free(v);
  return n;
}

/* VmRSS or Threads of a process, from /proc/PID/status (kB for VmRSS). */
static long proc_status(pid_t pid, const char *field)
{
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  long v = -1;
  size_t n = strlen(field);
  while (fgets(line, sizeof line, f) != NULL)
    if (strncmp(line, field, n) == 0 && line[n] == ':')
      v = atol(line + n + 1);
  fclose(f);
  return v;
}

static json_t *example(void)
{
  json_error_t e;
  json_t *j = json_load_file(fixture("example-case.json"), 0, &e);
  ck_assert_msg(j != NULL, "%s", e.text);
  return j;
}

/* n rich records (18 documents, events, recordings...), a third without publication, a fifth with an empty remedy
 * field, a seventh closed before its decision: enough findings to compare. */
static json_t *dataset(int n, const char *prefix)
{
  json_t *all = json_array();
  json_t *rec = example();
  for (int i = 1; i <= n; i++) {
    json_t *r = json_deep_copy(rec);
    char no[32];
    snprintf(no, sizeof no, "%s-%05d", prefix, i);
    json_object_set_new(r, "case_no", json_string(no));
    if (i % 3 == 0)
      json_object_del(r, "publication");
    if (i % 5 == 0)
      json_object_set_new(json_object_get(json_array_get(json_object_get(r, "documents"), 13), "fields"), "remedies",
                          json_string(""));
    if (i % 7 == 0)
      json_object_set_new(r, "closed_on", json_string("2022-04-01"));
    json_array_append_new(all, r);
  }
  json_decref(rec);
  return all;
}

static char *ndjson(json_t *records, size_t *len)
{
  char *out = NULL;
  FILE *f = open_memstream(&out, len);
  size_t i;
  json_t *r;
  json_array_foreach(records, i, r)
  {
    char *line = json_dumps(r, JSON_COMPACT);
    fprintf(f, "%s\n", line);
    free(line);
  }
  fclose(f);
  return out;
}

/* Every stored case (case_no <= upto) as its record, score, each child table's row count and its findings: equal
 * signatures mean equal stored data, children and evaluation. */
static char *signature(const char *conninfo, const char *upto)
{
  static const char *const children[] = {
    "case_officers", "case_penalties", "case_events", "case_event_officers", "case_event_documents",
    "case_documents", "case_recordings", "case_services", "case_legal_reviews", "case_extensions",
    "case_suspensions", "case_archive_catalog"};
  char sql[4096];
  int n = snprintf(sql, sizeof sql,
                   "SELECT coalesce(md5(string_agg(sig, ',' ORDER BY case_no)), '-') || ' ' || count(*) FROM ("
                   "SELECT c.case_no, format('%%s:%%s:%%s:%%s', c.case_no, md5(c.record::text), c.score, c.grade)");
  for (size_t i = 0; i < sizeof children / sizeof children[0]; i++)
    n += snprintf(sql + n, sizeof sql - (size_t)n, " || '/' || (SELECT count(*) FROM %s x WHERE x.case_id = c.id)",
                  children[i]);
  snprintf(sql + n, sizeof sql - (size_t)n,
           " || ':' || coalesce((SELECT string_agg(f.rule_id || f.key || f.status || f.points, ';' ORDER BY f.rule_id,"
           " f.key) FROM findings f WHERE f.case_id = c.id), '') AS sig FROM cases c WHERE c.case_no <= '%s') s",
           upto);
  return testdb_value(conninfo, sql);
}

/* ---- a. SIGKILL mid bulk upload ---- */

#define KILL_BATCH 20
#define KILL_TOTAL 160

struct slow_src {
  const char *data;
  size_t len, pos;
  long lines_sent, kill_after_lines;
  const char *conninfo;
  bool killed;
  long committed_at_kill;
  long busy_backends;
};

static size_t slow_produce(void *arg, char *buf, size_t cap)
{
  struct slow_src *s = arg;
  if (s->killed)
    return CURL_READFUNC_ABORT;
  if (s->pos >= s->len)
    return 0;
  if (s->lines_sent >= s->kill_after_lines) {
    /* two batches committed, so the daemon is inside a later one (it lags the client: the socket buffers hold the
     * rest); a moment more to be well into that batch's transaction, then SIGKILL */
    for (int i = 0; i < 300 && long_value(s->conninfo, "SELECT count(*) FROM cases") < 2 * KILL_BATCH; i++)
      usleep(100 * 1000);
    usleep(150 * 1000);
    s->busy_backends =
      long_value(s->conninfo, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                              "application_name = 'caseauditd' AND state IN ('active', 'idle in transaction')");
    int st = testd_kill(SIGKILL);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %d", st);
    s->committed_at_kill = long_value(s->conninfo, "SELECT count(*) FROM cases");
    s->killed = true;
    return CURL_READFUNC_ABORT;
  }
  usleep(2000);
  size_t n = s->len - s->pos;
  const char *nl = memchr(s->data + s->pos, '\n', n);
  if (nl != NULL)
    n = (size_t)(nl - (s->data + s->pos)) + 1; /* at most to the end of the line */
  if (n > cap)
    n = cap;
  if (n > 4096)
    n = 4096;
  memcpy(buf, s->data + s->pos, n);
  s->pos += n;
  if (buf[n - 1] == '\n')
    s->lines_sent++;
  return n;
}

START_TEST(sigkill_mid_bulk_keeps_committed_batches_whole)
{
  json_t *records = dataset(KILL_TOTAL, "K");
  size_t len;
  char *body = ndjson(records, &len);
  json_decref(records);
  char batch_kv[64];
  snprintf(batch_kv, sizeof batch_kv, "bulk_batch_size=%d", KILL_BATCH);
  struct http_reply r;
  char url[256], auth[256];

  /* the reference: the same file stored by an undisturbed daemon */
  char ref[1024];
  snprintf(ref, sizeof ref, "%s", testdb_create("kill_ref", true));
  const char *token = testdb_token(ref, "ing", "ingest", NULL);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  const char *headers[] = {auth, "Content-Type: application/x-ndjson", NULL};
  snprintf(url, sizeof url, "%s/api/v1/cases/bulk?results=none", testd_start(ref, batch_kv, NULL));
  http_do(&r, "POST", url, headers, body, len);
  ck_assert_msg(r.status == 200 && json_integer_value(json_object_get(r.json, "accepted")) == KILL_TOTAL, "%s",
                r.body);
  http_reply_free(&r);
  testd_stop();

  char ci[1024];
  snprintf(ci, sizeof ci, "%s", testdb_create("kill", true));
  token = testdb_token(ci, "ing", "ingest", NULL);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  snprintf(url, sizeof url, "%s/api/v1/cases/bulk?results=all", testd_spawn(ci, batch_kv, NULL));
  struct slow_src src = {.data = body, .len = len, .kill_after_lines = 100, .conninfo = ci};
  double t0 = test_now_ms();
  http_stream(&r, url, headers, slow_produce, &src);
  ck_assert_msg(src.killed, "the upload ended before the kill (status %ld)", r.status);
  ck_assert_int_eq(r.status, -1); /* no reply: the daemon is gone */
  http_reply_free(&r);

  /* the killed daemon's sessions end (PostgreSQL rolls back an open batch when the client vanishes) */
  long left = -1;
  for (int i = 0; i < 100 && left != 0; i++) {
    left = long_value(ci, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                          "application_name = 'caseauditd'");
    if (left != 0)
      usleep(100 * 1000);
  }
  ck_assert_msg(left == 0, "the killed daemon's database sessions are still there");
  long stored = long_value(ci, "SELECT count(*) FROM cases");
  long distinct = long_value(ci, "SELECT count(DISTINCT case_no) FROM cases");
  char *last = testdb_value(ci, "SELECT coalesce(max(case_no), '') FROM cases");
  fprintf(stderr,
          "faults/kill: %ld of %d lines sent before SIGKILL; %ld cases committed at the kill, %ld stored after it "
          "(%ld batches of %d), %ld daemon sessions busy at the kill, last stored %s, %.0f ms\n",
          src.lines_sent, KILL_TOTAL, src.committed_at_kill, stored, stored / KILL_BATCH, KILL_BATCH,
          src.busy_backends, last, test_now_ms() - t0);
  ck_assert_msg(stored >= 2 * KILL_BATCH && stored < KILL_TOTAL, "stored %ld", stored);
  /* The batch in flight may commit after the kill when its COMMIT had already reached PostgreSQL (the client was
   * never answered for it, and it is whole); nothing beyond that one batch may (one upload is one session). */
  ck_assert_msg(stored == src.committed_at_kill || stored == src.committed_at_kill + KILL_BATCH,
                "%ld stored, %ld committed at the kill", stored, src.committed_at_kill);
  ck_assert_int_eq(distinct, stored);
  /* whole batches only, and in order: lines 1..stored and nothing else */
  ck_assert_msg(stored % KILL_BATCH == 0, "%ld stored: a batch was half committed", stored);
  char want[32];
  snprintf(want, sizeof want, "K-%05ld", stored);
  ck_assert_str_eq(last, want);
  /* each stored case whole: record, children, score and findings as the undisturbed daemon stored them */
  char *sa = signature(ci, last), *sb = signature(ref, last);
  ck_assert_msg(strcmp(sa, sb) == 0, "stored cases differ from the reference: %s vs %s", sa, sb);
  free(sa);
  free(sb);

  /* restart and post the whole file again: the stored lines are unchanged, the rest created, no duplicates */
  snprintf(url, sizeof url, "%s/api/v1/cases/bulk?results=all", testd_spawn(ci, batch_kv, NULL));
  http_do(&r, "POST", url, headers, body, len);
  ck_assert_msg(r.status == 200, "%s", r.body);
  long created = (long)json_integer_value(json_object_get(r.json, "accepted"));
  long unchanged = (long)json_integer_value(json_object_get(r.json, "unchanged"));
  ck_assert_int_eq(json_integer_value(json_object_get(r.json, "rejected")), 0);
  ck_assert_int_eq(unchanged, stored);
  ck_assert_int_eq(created, KILL_TOTAL - stored);
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(r.json, "results"), i, e)
  {
    long line = (long)json_integer_value(json_object_get(e, "line"));
    const char *status = json_string_value(json_object_get(e, "status"));
    ck_assert_msg(strcmp(status, line <= stored ? "unchanged" : "created") == 0, "line %ld: %s", line, status);
  }
  fprintf(stderr, "faults/kill: re-post after restart: %ld unchanged, %ld created, 0 rejected\n", unchanged, created);
  http_reply_free(&r);
  ck_assert_int_eq(long_value(ci, "SELECT count(*) FROM cases"), KILL_TOTAL);
  ck_assert_int_eq(long_value(ci, "SELECT count(DISTINCT case_no) FROM cases"), KILL_TOTAL);
  sa = signature(ci, "K-99999");
  sb = signature(ref, "K-99999");
  ck_assert_msg(strcmp(sa, sb) == 0, "after the re-post: %s vs %s", sa, sb);
  free(sa);
  free(sb);
  free(last);
  int st = testd_kill(SIGTERM);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
  free(body);
}
END_TEST

/* ---- b. every database connection busy ---- */

struct call {
  char url[256];
  const char *auth;
  long status;
  double ms;
  char code[64], retry_after[16];
};

static void *call_thread(void *arg)
{
  struct call *c = arg;
  const char *headers[] = {c->auth, NULL};
  struct http_reply r;
  double t0 = test_now_ms();
  http_try(&r, "GET", c->url, headers, NULL, 0);
  c->ms = test_now_ms() - t0;
  c->status = r.status;
  json_t *code = json_object_get(json_object_get(r.json, "error"), "code");
  snprintf(c->code, sizeof c->code, "%s", json_is_string(code) ? json_string_value(code) : "");
  const char *ra = r.headers ? strcasestr(r.headers, "\nRetry-After:") : NULL;
  if (ra != NULL)
    sscanf(ra + 13, " %15[0-9]", c->retry_after);
  http_reply_free(&r);
  return NULL;
}

START_TEST(exhausted_pool_answers_503_fast_then_recovers)
{
  char ci[1024];
  snprintf(ci, sizeof ci, "%s", testdb_create("pool", true));
  const char *token = testdb_token(ci, "sup", "supervisor", NULL);
  const char *base = testd_start(ci, "db_pool_size=2", "db_acquire_timeout_ms=300", NULL);
  char auth[256], me[256], healthz[256];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  snprintf(me, sizeof me, "%s/api/v1/me", base);
  snprintf(healthz, sizeof healthz, "%s/healthz", base);
  const char *headers[] = {auth, NULL};
  struct http_reply r;
  http_do(&r, "GET", me, headers, NULL, 0);
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);

  /* a session holding the tokens table: every authentication blocks on it, holding its pool connection */
  PGconn *locker = PQconnectdb(ci);
  ck_assert_int_eq(PQstatus(locker), CONNECTION_OK);
  PGresult *res = PQexec(locker, "BEGIN; LOCK TABLE tokens IN ACCESS EXCLUSIVE MODE");
  ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
  PQclear(res);
  struct call holders[2];
  pthread_t ht[2];
  for (int i = 0; i < 2; i++) {
    holders[i] = (struct call){.auth = auth};
    snprintf(holders[i].url, sizeof holders[i].url, "%s", me);
    ck_assert_int_eq(pthread_create(&ht[i], NULL, call_thread, &holders[i]), 0);
  }
  long waiting = 0;
  for (int i = 0; i < 100 && waiting != 2; i++) {
    usleep(100 * 1000);
    waiting = long_value(ci, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                             "application_name = 'caseauditd' AND wait_event_type = 'Lock'");
  }
  ck_assert_msg(waiting == 2, "%ld pool connections wait on the lock, expected both", waiting);

  /* both connections busy: further requests get 503 with Retry-After after db_acquire_timeout_ms, never hang */
  enum { N = 8 };
  struct call calls[N];
  pthread_t ct[N];
  for (int i = 0; i < N; i++) {
    calls[i] = (struct call){.auth = auth};
    snprintf(calls[i].url, sizeof calls[i].url, "%s", me);
    ck_assert_int_eq(pthread_create(&ct[i], NULL, call_thread, &calls[i]), 0);
  }
  double worst = 0;
  for (int i = 0; i < N; i++) {
    pthread_join(ct[i], NULL);
    ck_assert_msg(calls[i].status == 503 && strcmp(calls[i].code, "database_busy") == 0, "call %d: %ld %s", i,
                  calls[i].status, calls[i].code);
    ck_assert_str_eq(calls[i].retry_after, "1");
    ck_assert_msg(calls[i].ms < 2000, "a request took %.0f ms to get its 503", calls[i].ms);
    worst = calls[i].ms > worst ? calls[i].ms : worst;
  }
  /* what needs no database still answers at once */
  double t0 = test_now_ms();
  http_do(&r, "GET", healthz, NULL, NULL, 0);
  double health_ms = test_now_ms() - t0;
  ck_assert_int_eq(r.status, 200);
  ck_assert_msg(health_ms < 1000, "/healthz took %.0f ms", health_ms);
  http_reply_free(&r);
  fprintf(stderr,
          "faults/pool: db_pool_size=2 both held; %d concurrent requests all 503 database_busy with Retry-After: 1, "
          "slowest %.0f ms (db_acquire_timeout_ms=300); /healthz %.0f ms\n",
          N, worst, health_ms);

  /* the lock goes: the two waiting requests finish, service is normal */
  res = PQexec(locker, "ROLLBACK");
  PQclear(res);
  PQfinish(locker);
  for (int i = 0; i < 2; i++) {
    pthread_join(ht[i], NULL);
    ck_assert_msg(holders[i].status == 200, "held request %d: %ld %s", i, holders[i].status, holders[i].code);
  }
  for (int i = 0; i < 5; i++) {
    t0 = test_now_ms();
    http_do(&r, "GET", me, headers, NULL, 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(test_now_ms() - t0 < 2000, "after the lock: %.0f ms", test_now_ms() - t0);
    http_reply_free(&r);
  }
  fprintf(stderr, "faults/pool: held requests finished 200 after %.0f and %.0f ms; service normal again\n",
          holders[0].ms, holders[1].ms);
  testd_stop();
}
END_TEST

/* ---- c. slow clients and idle connections ---- */

static int tcp_connect(int port)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  struct timeval tv = {2, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Whether the server has closed fd (EOF or reset) within ms; reads and drops anything it sent first. */
static bool closed_within(int fd, int ms)
{
  double end = test_now_ms() + ms;
  for (;;) {
    int left = (int)(end - test_now_ms());
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, left > 0 ? left : 0) <= 0)
      return false;
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
      return true;
  }
}

static int port_of(const char *base) { return atoi(strrchr(base, ':') + 1); }

START_TEST(stalled_clients_lose_their_slot_after_the_timeout)
{
  char ci[1024];
  snprintf(ci, sizeof ci, "%s", testdb_create("slow", true));
  const char *token = testdb_token(ci, "ing", "ingest", NULL);
  const char *base = testd_spawn(ci, "connection_timeout_s=2", "max_connections=4", "max_connections_per_ip=16", NULL);
  int port = port_of(base);
  char healthz[256];
  snprintf(healthz, sizeof healthz, "%s/healthz", base);

  /* two clients trickle their headers, two their body, byte by byte; then all four stall, taking every slot */
  const char head[] = "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nAuthoriz";
  char post[512];
  const char *rec = small_case("SLOW", 1);
  snprintf(post, sizeof post,
           "POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
           "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
           token, strlen(rec));
  int fds[4];
  for (int i = 0; i < 4; i++) {
    fds[i] = tcp_connect(port);
    ck_assert_int_ge(fds[i], 0);
  }
  for (int i = 2; i < 4; i++)
    ck_assert_int_eq(send(fds[i], post, strlen(post), MSG_NOSIGNAL), (ssize_t)strlen(post));
  size_t trickle = sizeof head - 1;
  for (size_t b = 0; b < trickle; b++) {
    for (int i = 0; i < 2; i++)
      ck_assert_int_eq(send(fds[i], head + b, 1, MSG_NOSIGNAL), 1);
    if (b < 40)
      for (int i = 2; i < 4; i++)
        ck_assert_int_eq(send(fds[i], rec + b, 1, MSG_NOSIGNAL), 1);
    usleep(20 * 1000);
  }
  double stalled = test_now_ms();

  /* a fifth client meanwhile: libmicrohttpd stops accepting at max_connections, so it waits in the listen queue
   * until a stalled connection times out, and is then served */
  struct call fifth = {0};
  snprintf(fifth.url, sizeof fifth.url, "%s", healthz);
  pthread_t ft;
  ck_assert_int_eq(pthread_create(&ft, NULL, call_thread, &fifth), 0);

  /* each stalled connection is closed by the server after connection_timeout_s */
  double closed_ms[4];
  for (int i = 0; i < 4; i++) {
    ck_assert_msg(closed_within(fds[i], 8000), "stalled connection %d still open 8 s after connection_timeout_s=2", i);
    closed_ms[i] = test_now_ms() - stalled;
    close(fds[i]);
  }
  pthread_join(ft, NULL);
  fprintf(stderr,
          "faults/slow: %zu header bytes and 40 body bytes trickled 1 per 20 ms on 4 connections "
          "(max_connections=4, connection_timeout_s=2); stalled connections closed %.0f/%.0f (headers) and "
          "%.0f/%.0f ms (body) after the last byte; a 5th client queued meanwhile got %ld after %.0f ms\n",
          trickle, closed_ms[0], closed_ms[1], closed_ms[2], closed_ms[3], fifth.status, fifth.ms);
  for (int i = 0; i < 4; i++)
    ck_assert_msg(closed_ms[i] < 6000, "closed after %.0f ms", closed_ms[i]);
  ck_assert_msg(fifth.status == 200 && fifth.ms < 8000, "the 5th client: %ld after %.0f ms", fifth.status, fifth.ms);

  struct http_reply r;
  /* the slots are free again; the half-sent case was never stored */
  http_do(&r, "GET", healthz, NULL, NULL, 0);
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);
  ck_assert_int_eq(long_value(ci, "SELECT count(*) FROM cases"), 0);
  int st = testd_kill(SIGTERM);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
}
END_TEST

#define IDLE_CONNS 1100
#define IDLE_LIMIT 200

/* The bound on the daemon's growth in resident memory across a flood. Under AddressSanitizer freed memory sits in
 * its quarantine (up to 256 MB) and every thread gets shadow and fake stacks, so there the bound only catches a
 * runaway; LeakSanitizer checks the daemon at its exit (a leak fails its exit status, asserted below). */
#if defined(__SANITIZE_ADDRESS__)
#define RSS_GROWTH_MAX_KB (128 * 1024)
#else
#define RSS_GROWTH_MAX_KB (20 * 1024)
#endif

static void raise_file_limit(void)
{
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < IDLE_CONNS + 200) {
    rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  ck_assert_msg(rl.rlim_cur >= IDLE_CONNS + 100, "open files limited to %ld: cannot hold %d connections",
                (long)rl.rlim_cur, IDLE_CONNS);
}

static int open_idle(int port, int *fds, int n)
{
  int opened = 0;
  for (int i = 0; i < n; i++) {
    fds[i] = tcp_connect(port);
    opened += fds[i] >= 0;
  }
  return opened;
}

static void close_all(int *fds, int n)
{
  for (int i = 0; i < n; i++)
    if (fds[i] >= 0)
      close(fds[i]);
}

/* The daemon's figures: VmRSS (kB) and threads, the latter back near `base` (up to 10 s) when asked. */
static void settle(pid_t pid, long base_threads, long *threads, long *rss)
{
  *threads = proc_status(pid, "Threads");
  for (int i = 0; i < 100 && base_threads > 0 && *threads > base_threads + 2; i++) {
    usleep(100 * 1000);
    *threads = proc_status(pid, "Threads");
  }
  *rss = proc_status(pid, "VmRSS");
}

static void warm_up(const char *healthz, const char *me, const char *const *headers)
{
  struct http_reply r;
  for (int i = 0; i < 20; i++) { /* pool, rule pack, allocator */
    http_do(&r, "GET", i % 2 ? healthz : me, i % 2 ? NULL : headers, NULL, 0);
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);
  }
}

/* The start of both floods: a database, a spawned daemon with max_connections=IDLE_LIMIT (and extra, a setting or
 * NULL), its URLs and a supervisor's headers, warmed up, and its threads and RSS before the flood. */
struct flood {
  char ci[1024], healthz[256], me[256], auth[256];
  const char *headers[2];
  const char *base;
  pid_t pid;
  long threads0, rss0;
};

static void flood_start(struct flood *f, const char *db_prefix, const char *extra)
{
  raise_file_limit();
  snprintf(f->ci, sizeof f->ci, "%s", testdb_create(db_prefix, true));
  const char *token = testdb_token(f->ci, "sup", "supervisor", NULL);
  char limit_kv[64];
  snprintf(limit_kv, sizeof limit_kv, "max_connections=%d", IDLE_LIMIT);
  f->base = extra != NULL ? testd_spawn(f->ci, limit_kv, extra, "connection_timeout_s=30", NULL)
                          : testd_spawn(f->ci, limit_kv, "connection_timeout_s=30", NULL);
  f->pid = testd_pid();
  snprintf(f->healthz, sizeof f->healthz, "%s/healthz", f->base);
  snprintf(f->me, sizeof f->me, "%s/api/v1/me", f->base);
  snprintf(f->auth, sizeof f->auth, "Authorization: Bearer %s", token);
  f->headers[0] = f->auth;
  f->headers[1] = NULL;
  warm_up(f->healthz, f->me, f->headers);
  settle(f->pid, 0, &f->threads0, &f->rss0);
}

START_TEST(idle_connection_flood_from_one_address_is_refused_cleanly)
{
  struct flood f;
  flood_start(&f, "flood_ip", NULL); /* the default per-address limit (64) below max_connections */
  const char *base = f.base, *healthz = f.healthz, *me = f.me, *const *headers = f.headers;
  pid_t pid = f.pid;
  long threads0 = f.threads0, rss0 = f.rss0, threads1, rss1, threads2, rss2;

  static int fds[IDLE_CONNS];
  double t0 = test_now_ms();
  int opened = open_idle(port_of(base), fds, IDLE_CONNS);
  double open_ms = test_now_ms() - t0;
  /* those beyond the address's 64 are accepted and closed at once */
  int still_open = 0;
  usleep(500 * 1000);
  for (int i = 0; i < IDLE_CONNS; i++)
    if (fds[i] >= 0 && !closed_within(fds[i], 0))
      still_open++;
  settle(pid, 0, &threads1, &rss1);
  /* a client from the same address is refused cleanly; one from another address is served meanwhile */
  struct http_reply r;
  t0 = test_now_ms();
  int rc = http_try(&r, "GET", healthz, NULL, NULL, 0);
  double same_ms = test_now_ms() - t0;
  http_reply_free(&r);
  http_set_source("127.0.0.2");
  t0 = test_now_ms();
  http_do(&r, "GET", me, headers, NULL, 0);
  double other_ms = test_now_ms() - t0;
  http_set_source(NULL);
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);
  close_all(fds, IDLE_CONNS);
  http_do(&r, "GET", healthz, NULL, NULL, 0);
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);
  settle(pid, threads0, &threads2, &rss2);
  fprintf(stderr,
          "faults/flood-one-address: %d of %d idle connections opened in %.0f ms; %d left open by the daemon "
          "(max_connections_per_ip=64); same address meanwhile: %s in %.0f ms; another address: 200 in %.0f ms; "
          "threads %ld -> %ld -> %ld; VmRSS %ld -> %ld -> %ld kB (+%ld kB)\n",
          opened, IDLE_CONNS, open_ms, still_open, rc == CURLE_OK ? "answered" : curl_easy_strerror((CURLcode)rc),
          same_ms, other_ms, threads0, threads1, threads2, rss0, rss1, rss2, rss2 - rss0);
  ck_assert_msg(opened >= 1000, "only %d connections could be opened", opened);
  ck_assert_msg(still_open <= 64, "%d connections held from one address", still_open);
  ck_assert_msg(rc != CURLE_OK && same_ms < 2000, "the 65th connection of an address: %s after %.0f ms",
                curl_easy_strerror((CURLcode)rc), same_ms);
  ck_assert_msg(other_ms < 2000, "another address waited %.0f ms", other_ms);
  ck_assert_msg(threads2 <= threads0 + 2, "connection threads left: %ld, were %ld", threads2, threads0);
  ck_assert_msg(rss2 - rss0 < RSS_GROWTH_MAX_KB, "VmRSS grew by %ld kB", rss2 - rss0);
  int st = testd_kill(SIGTERM);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
}
END_TEST

START_TEST(idle_connection_flood_beyond_max_connections_then_service_resumes)
{
  struct flood f;
  flood_start(&f, "flood", "max_connections_per_ip=5000");
  const char *base = f.base, *me = f.me, *auth = f.auth, *const *headers = f.headers;
  pid_t pid = f.pid;
  long threads0 = f.threads0, rss0 = f.rss0, threads1, rss1, threads2, rss2;

  static int fds[IDLE_CONNS];
  double t0 = test_now_ms();
  int opened = open_idle(port_of(base), fds, IDLE_CONNS);
  double open_ms = test_now_ms() - t0;
  usleep(1000 * 1000); /* a thread for each connection up to the limit; the rest wait in the listen queue */
  settle(pid, 0, &threads1, &rss1);

  /* a fresh client while the daemon is full: it waits in the queue (libmicrohttpd stops accepting at the limit) */
  struct call fresh = {.auth = auth};
  snprintf(fresh.url, sizeof fresh.url, "%s", me);
  pthread_t ft;
  ck_assert_int_eq(pthread_create(&ft, NULL, call_thread, &fresh), 0);
  usleep(500 * 1000);
  double t_close = test_now_ms();
  close_all(fds, IDLE_CONNS);
  /* once the idle ones are closed, the queued client and a new one are answered */
  pthread_join(ft, NULL);
  double queued_after_close = test_now_ms() - t_close;
  struct http_reply r;
  t0 = test_now_ms();
  http_do(&r, "GET", me, headers, NULL, 0);
  double new_ms = test_now_ms() - t0;
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);
  settle(pid, threads0, &threads2, &rss2);
  fprintf(stderr,
          "faults/flood: %d of %d idle connections opened in %.0f ms (max_connections=%d); daemon threads %ld -> "
          "%ld -> %ld; a client queued while full got %ld, %.0f ms after the idle ones closed; a new client 200 in "
          "%.0f ms; VmRSS %ld kB before, %ld kB full, %ld kB after (+%ld kB)\n",
          opened, IDLE_CONNS, open_ms, IDLE_LIMIT, threads0, threads1, threads2, fresh.status, queued_after_close,
          new_ms, rss0, rss1, rss2, rss2 - rss0);
  ck_assert_msg(opened >= 1000, "only %d connections could be opened", opened);
  ck_assert_msg(threads1 - threads0 <= IDLE_LIMIT + 2, "%ld connection threads beyond max_connections=%d",
                threads1 - threads0, IDLE_LIMIT);
  ck_assert_msg(threads1 - threads0 >= IDLE_LIMIT / 2, "only %ld connection threads: the flood did not fill it",
                threads1 - threads0);
  ck_assert_msg(fresh.status == 200 && queued_after_close < 5000, "queued client: %ld, %.0f ms after the close",
                fresh.status, queued_after_close);
  ck_assert_msg(new_ms < 2000, "a new client took %.0f ms", new_ms);
  ck_assert_msg(threads2 <= threads0 + 2, "connection threads left: %ld, were %ld", threads2, threads0);
  ck_assert_msg(rss2 - rss0 < RSS_GROWTH_MAX_KB, "VmRSS grew by %ld kB", rss2 - rss0);
  int st = testd_kill(SIGTERM);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
}
END_TEST

/* ---- d. PostgreSQL restarted during a batch audit ---- */

static const char *const fingerprint =
  "SELECT md5(string_agg(c.case_no || f.rule_id || f.key || f.status || f.severity || f.points || f.evidence::text, "
  "',' ORDER BY c.case_no, f.rule_id, f.key)) || ' ' || count(*) FROM findings f JOIN cases c ON c.id = f.case_id";

static char conf_path[128];

static pid_t start_audit(const char *conninfo, const char *out_path)
{
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execl(CLI, CLI, "--config", conf_path, "--db", conninfo, "audit", "--as-of", "2022-06-30", "--chunk", "50",
          (char *)NULL);
    _exit(127);
  }
  return pid;
}

static int wait_child(pid_t pid, int seconds)
{
  int st;
  for (int i = 0; i < seconds * 100; i++) {
    if (waitpid(pid, &st, WNOHANG) == pid)
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    usleep(10 * 1000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &st, 0);
  return -1;
}

#define AUDIT_CASES 200

START_TEST(postgres_restart_fails_the_audit_and_the_next_one_completes)
{
  snprintf(conf_path, sizeof conf_path, "/tmp/caseaudit-faults-%d.conf", (int)getpid());
  FILE *f = fopen(conf_path, "w");
  fprintf(f, "rules_dir = %s/rules\n", CASEAUDIT_SOURCE_ROOT);
  fclose(f);
  json_t *data = dataset(AUDIT_CASES, "A");
  char a[1024], b[1024];
  snprintf(a, sizeof a, "%s", testdb_create("audit_pg", true));
  testdb_store_unevaluated(a, data);
  snprintf(b, sizeof b, "%s", testdb_create("audit_ref", true));
  testdb_store_unevaluated(b, data);
  json_decref(data);
  char out_path[128];
  snprintf(out_path, sizeof out_path, "/tmp/caseaudit-faults-%d.out", (int)getpid());

  /* the reference: an undisturbed audit */
  double t0 = test_now_ms();
  ck_assert_int_eq(wait_child(start_audit(b, out_path), 50), 0);
  double ref_ms = test_now_ms() - t0;

  /* the same audit, with PostgreSQL stopped once some chunks have committed and while one is half done: a
   * session holding audit_runs (SHARE) stops the chunk at its last statement, after its findings are written */
  pid_t pid = start_audit(a, out_path);
  long done = 0;
  for (int i = 0; i < 1200 && done < 50; i++) {
    usleep(25 * 1000);
    done = long_value(a, "SELECT coalesce(max(cases_done), 0) FROM audit_runs");
  }
  PGconn *locker = PQconnectdb(a);
  ck_assert_int_eq(PQstatus(locker), CONNECTION_OK);
  PGresult *res = PQexec(locker, "BEGIN; LOCK TABLE audit_runs IN SHARE MODE");
  ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
  PQclear(res);
  long blocked = 0;
  for (int i = 0; i < 300 && blocked == 0; i++) {
    usleep(100 * 1000);
    blocked = long_value(a, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                            "application_name = 'caseaudit' AND wait_event_type = 'Lock'");
  }
  done = long_value(a, "SELECT max(cases_done) FROM audit_runs");
  double t_stop = test_now_ms();
  testpg_ctl("stop");
  double stop_ms = test_now_ms() - t_stop;
  int rc = wait_child(pid, 30);
  double exit_ms = test_now_ms() - t_stop;
  testpg_ctl("start"); /* first: a failed assertion must not leave the shared cluster down */
  PQfinish(locker);
  char *out = read_file(out_path, NULL);
  ck_assert_msg(blocked == 1, "the audit was not caught inside a chunk (%ld sessions waiting, %ld cases done)",
                blocked, done);
  ck_assert_msg(done >= 50, "the audit had not got far before the stop: %ld cases", done);
  ck_assert_msg(rc == 1, "the interrupted audit exited %d: %s", rc, out);
  ck_assert_msg(strstr(out, " FAILED: ") != NULL && strstr(out, "unavailable") != NULL,
                "no clear failure message: %s", out);
  const char *msg = strstr(out, "caseaudit: ");
  fprintf(stderr, "faults/audit: reference audit of %d cases in %.0f ms; PostgreSQL stopped (pg_ctl stop -m fast: "
                  "%.0f ms) after %ld cases, a chunk half done; the CLI exited %d, %.0f ms after the stop began: %.*s\n",
          AUDIT_CASES, ref_ms, stop_ms, done, rc, exit_ms, msg ? (int)strcspn(msg, "\n") : 0, msg ? msg : "");
  free(out);

  char *status = NULL;
  for (int i = 0; i < 100 && status == NULL; i++) {
    status = try_value(a, "SELECT status || ' ' || cases_done FROM audit_runs");
    if (status == NULL)
      usleep(100 * 1000);
  }
  ck_assert_msg(status != NULL, "the database did not come back within 10 s");
  /* the run could not be closed (its connection was gone): it is still marked running, with the chunks it did */
  ck_assert_msg(strncmp(status, "running ", 8) == 0 && atol(status + 8) >= 50 && atol(status + 8) < AUDIT_CASES,
                "%s", status);
  free(status);

  /* the next run marks it interrupted and completes; its findings equal the undisturbed audit's */
  ck_assert_int_eq(wait_child(start_audit(a, out_path), 50), 0);
  status = testdb_value(a, "SELECT string_agg(status || ':' || coalesce(error, ''), ',' ORDER BY id) FROM audit_runs");
  ck_assert_str_eq(status, "interrupted:the process running it stopped before the end,completed:");
  free(status);
  char *fa = testdb_value(a, fingerprint), *fb = testdb_value(b, fingerprint);
  ck_assert_msg(strcmp(fa, fb) == 0, "findings differ: %s vs %s", fa, fb);
  ck_assert_msg(atol(strchr(fa, ' ') + 1) > 150, "too few findings to compare: %s", fa);
  char *sa = testdb_value(a, "SELECT sum(score) || '/' || count(*) FILTER (WHERE grade = 'fail') FROM cases");
  char *sb = testdb_value(b, "SELECT sum(score) || '/' || count(*) FILTER (WHERE grade = 'fail') FROM cases");
  ck_assert_str_eq(sa, sb);
  fprintf(stderr, "faults/audit: the next run completed; findings %s equal the reference's\n", fa);
  free(sa);
  free(sb);
  free(fa);
  free(fb);
  unlink(out_path);
  unlink(conf_path);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("http_faults");
  TCase *tc = tcase_create("faults");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, sigkill_mid_bulk_keeps_committed_batches_whole);
  tcase_add_test(tc, exhausted_pool_answers_503_fast_then_recovers);
  tcase_add_test(tc, stalled_clients_lose_their_slot_after_the_timeout);
  tcase_add_test(tc, idle_connection_flood_from_one_address_is_refused_cleanly);
  tcase_add_test(tc, idle_connection_flood_beyond_max_connections_then_service_resumes);
  tcase_add_test(tc, postgres_restart_fails_the_audit_and_the_next_one_completes);
  suite_add_tcase(s, tc);
  return testlib_run(s);
}
