/* caseauditd's life cycle, callable from main() and from the HTTP tests (which run it in-process). */
#ifndef CASEAUDIT_DAEMON_H
#define CASEAUDIT_DAEMON_H

#include <stdbool.h>

#include "config.h"
#include "http.h"

/* Takes ownership of cfg. Reads and checks tls_cert and tls_key (an error names the key and the file), initialises
 * the database pool, refuses a stale schema (saying to run
 * `caseaudit migrate`), starts the HTTP server. Returns NULL with the reason in err. */
struct http_server *daemon_start(struct config *cfg, char *err, size_t errlen);

/* Loads the rule pack of cfg->rules_dir, registers it in the database and makes it current. On error returns -1
 * with every problem in err; the current pack stays. */
int daemon_load_rules(const struct config *cfg, char *err, size_t errlen);

/* On SIGHUP, before cfg replaces the settings in force: warns when a TLS file the server started with has changed
 * on disk under the same path (a changed path is reported as a fixed key). The served certificate stays. */
void daemon_tls_reload_check(const struct config *cfg);

/* Stops accepting, waits up to drain_timeout_s for requests in flight, then stops the server and frees every
 * module in reverse order. wait_abort(ms) pauses up to ms between checks and returns true to stop waiting at once
 * (caseauditd: a second SIGTERM); NULL just sleeps. */
void daemon_stop(struct http_server *s, bool (*wait_abort)(long ms));

#endif
