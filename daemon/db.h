/* The storage boundary: connections, the pool and the transaction runner. Only db_*.c include libpq-fe.h. */
#ifndef CASEAUDIT_DB_H
#define CASEAUDIT_DB_H

#include <stdbool.h>
#include <stddef.h>

/* What every database function returns. */
enum db_status {
  DB_UNAVAILABLE = -3, /* the server cannot be reached or the connection broke: 503, retry later */
  DB_HARD_ERROR = -2,  /* a bug or a constraint: logged with the SQL error */
  DB_RETRY = -1,       /* serialization failure or deadlock (40001, 40P01): run the transaction again */
  DB_NO_ROW = 0,
  DB_OK = 1,
};

struct db_conn;

/* Opens one connection (for the CLI and tests; the daemon uses the pool). The session gets TimeZone and
 * statement_timeout; application_name names the program. On failure returns NULL with libpq's reason in err. */
struct db_conn *db_connect(const char *conninfo, const char *application_name, const char *timezone,
                           long connect_timeout_s, long statement_timeout_ms, char *err, size_t errlen);
void db_close(struct db_conn *c);

/* The pool: `size` connections made lazily. db_pool_acquire waits at most timeout_ms for a free one. It returns
 * NULL with *why = DB_RETRY when all are busy and DB_UNAVAILABLE when the server cannot be reached; after a
 * failed connect, further acquires fail fast for one second instead of each waiting for a connect timeout.
 * A connection that broke is replaced on its next acquire, so the pool heals when the server returns. */
int db_pool_init(const char *conninfo, int size, const char *timezone, long connect_timeout_s,
                 long statement_timeout_ms);
struct db_conn *db_pool_acquire(long timeout_ms, enum db_status *why);
/* Returns c to the pool. A connection left inside a transaction is rolled back and logged: that is a bug. */
void db_pool_release(struct db_conn *c);
/* Connections in use and in total, for /metrics. */
void db_pool_usage(int *in_use, int *size);
void db_pool_shutdown(void);

/* Runs fn(c, arg) between BEGIN and COMMIT; retries DB_RETRY up to max_tries times in all. fn returns DB_OK or
 * DB_NO_ROW to commit, anything else to roll back. Returns fn's status, or the failure of BEGIN/COMMIT. */
enum db_status db_transact(struct db_conn *c, enum db_status (*fn)(struct db_conn *c, void *arg), void *arg,
                           int max_tries);

/* true when c is usable (not broken). */
bool db_conn_ok(struct db_conn *c);

/* Schema versions: what the database has, and what this build needs (its newest embedded migration). */
enum db_status db_schema_version(struct db_conn *c, int *version);
int db_schema_required(void);

/* Applies every embedded migration newer than the database's, each in its own transaction, then every engine file
 * (sql/engine/, rules/<ID>/rule.sql, the generated dispatcher) whose checksum the database does not have, all of
 * them in one transaction, recording the checksums in schema_engine; under an advisory lock so that concurrent runs
 * wait for each other. *applied counts the migrations that ran, *engine_applied (may be NULL) the engine files.
 * Errors name the file. */
enum db_status db_migrate(struct db_conn *c, int *applied, int *engine_applied, char *err, size_t errlen);

/* How many engine files differ between the database and this build: recorded with another checksum, not recorded,
 * or recorded but not in this build. 0 when they match. The first such file is named in first (may be NULL). A
 * database that was never migrated has every file missing. */
enum db_status db_engine_stale(struct db_conn *c, int *stale, char *first, size_t firstlen);

#endif
