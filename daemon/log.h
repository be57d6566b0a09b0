/* Leveled logging to stderr; every line carries the current thread's request id. */
#ifndef CASEAUDIT_LOG_H
#define CASEAUDIT_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Parses "error", "warn", "info", "debug"; returns -1 for anything else. */
int log_level_parse(const char *s);
const char *log_level_name(enum log_level level);

/* The level may change at any time (SIGHUP); reads and writes are atomic. */
void log_set_level(enum log_level level);

/* The request id shown on this thread's lines; NULL or "" shows "-". Copied. */
void log_set_request_id(const char *id);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
