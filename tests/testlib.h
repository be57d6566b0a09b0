/* Helpers shared by the test programs: throwaway databases, an in-process daemon, and an HTTP client. */
#ifndef CASEAUDIT_TESTLIB_H
#define CASEAUDIT_TESTLIB_H

#include <check.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Base conninfo of the throwaway cluster, from $CASEAUDIT_TEST_PG (set by scripts/test). A missing variable
 * fails the test: database tests never skip. */
const char *testdb_base(void);

/* Creates a fresh database "ct_<prefix>_<pid>_<n>" (dropping any old one), migrates it when asked, and returns
 * its conninfo in a static buffer that the next call overwrites. */
const char *testdb_create(const char *prefix, bool migrate);

/* Runs SQL (no parameters: test-only fixed text) on conninfo; fails the test on error. */
void testdb_exec(const char *conninfo, const char *sql);
/* Runs a one-value query and returns the value (malloc'd) or NULL for SQL NULL. */
char *testdb_value(const char *conninfo, const char *sql);

/* Stores case records (a JSON array) through ca_store_batch without a rule pack, as if the pack had not seen
 * them yet (an audit then evaluates every rule on them); fails the test when any record is refused. */
void testdb_store_unevaluated(const char *conninfo, json_t *records);

/* Runs $CASEAUDIT_TEST_PG_CTL ACTION (scripts/pgcluster DIR PORT start|stop|...) on the test cluster; fails the
 * test when the variable is missing or the command fails. */
void testpg_ctl(const char *action);

/* Milliseconds on the monotonic clock. */
double test_now_ms(void);

/* Creates a token directly through the library and returns it (static buffer per call slot 0..7). */
const char *testdb_token(const char *conninfo, const char *name, const char *role, const char *agencies_pg);

/* An in-process caseauditd on 127.0.0.1 and a free port, against conninfo. Extra "key=value" settings may follow
 * (NULL-terminated). Returns the base URL "http://127.0.0.1:PORT" ("https://" when tls_cert is among them). */
const char *testd_start(const char *conninfo, ...);
void testd_stop(void);

/* caseauditd as a child process (the built binary), for faults an in-process daemon cannot take (SIGKILL). Same
 * settings as testd_start; waits until it listens (fails the test, with its log, when it exits instead). Its
 * stderr goes to testd_log_path(). A "listen=" setting replaces the default address (the URL keeps 127.0.0.1).
 * Returns the base URL. One child at a time. */
const char *testd_spawn(const char *conninfo, ...);
pid_t testd_pid(void);
const char *testd_log_path(void);
/* Sends sig to the child and waits up to 30 s for it to exit; returns its wait status (see waitpid). Removes its
 * log (printed to stderr first when it did not exit 0 or by sig). */
int testd_kill(int sig);

struct http_reply {
  long status;
  char *body;    /* NUL-terminated */
  size_t len;
  char *headers; /* raw header block */
  json_t *json;  /* parsed body, or NULL when it is not JSON */
};

/* One request. headers: NULL-terminated list of "Name: value"; body may be NULL. */
void http_do(struct http_reply *out, const char *method, const char *url, const char *const *headers,
             const char *body, size_t body_len);
/* The local address later requests are sent from (e.g. "127.0.0.2"), or NULL for the default. */
void http_set_source(const char *addr);
/* The only CA file later https requests trust (a test's self-signed certificate), or NULL for the system's. */
void http_set_cainfo(const char *path);
/* http_do for requests that may fail: returns libcurl's code (0: a reply was read; else out->status is -1). */
int http_try(struct http_reply *out, const char *method, const char *url, const char *const *headers,
             const char *body, size_t body_len);

/* A POST whose chunked body comes from produce(arg, buf, cap), called until it returns 0. */
void http_stream(struct http_reply *out, const char *url, const char *const *headers,
                 size_t (*produce)(void *arg, char *buf, size_t cap), void *arg);

/* A minimal valid case record line (with "\n") for agency `agency` and case number `no`. */
const char *small_case(const char *agency, long no);

/* The value of a response header (case-insensitive name) in a static buffer, or NULL. */
const char *http_header(const struct http_reply *r, const char *name);
void http_reply_free(struct http_reply *r);

/* Asserts r is an error body with this code; returns its details array. */
json_t *assert_error(const struct http_reply *r, long status, const char *code);

/* How many times slower than usual the tests run: $CASEAUDIT_TEST_TIME_SCALE (at least 1, default 1; scripts/valgrind
 * sets it). Only waits for something bound to happen ("within N seconds") are multiplied by it, never a check that
 * something has not happened yet. */
double testlib_time_scale(void);

/* Runs the suite the usual way (CK_ENV: CK_FORK, CK_VERBOSITY, CK_TAP_LOG_FILE_NAME from meson) and returns the
 * process exit status: 0 when every test passed. */
int testlib_run(Suite *s);

/* Reads a whole file (fixtures); fails the test when it cannot. */
char *read_file(const char *path, size_t *len);

/* Writes text into the file at path (created or replaced); fails the test when it cannot. */
void testlib_write_file(const char *path, const char *text);

/* A TCP port on 127.0.0.1 that nothing listens on right now. */
int testlib_free_port(void);

/* Path of a fixture under tests/fixtures (a buffer per thread, overwritten by the next call). */
const char *fixture(const char *name);

#endif
