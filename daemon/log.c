/* Leveled logging: one line per call, written with a single fputs so concurrent lines never interleave. */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static atomic_int current_level = LOG_INFO;
static _Thread_local char request_id[32];

static const char *const level_names[] = {"error", "warn", "info", "debug"};

int log_level_parse(const char *s)
{
  for (int i = 0; i < 4; i++)
    if (strcmp(s, level_names[i]) == 0)
      return i;
  return -1;
}

const char *log_level_name(enum log_level level)
{
  return (level >= LOG_ERROR && level <= LOG_DEBUG) ? level_names[level] : "?";
}

void log_set_level(enum log_level level) { atomic_store(&current_level, (int)level); }

void log_set_request_id(const char *id)
{
  if (id == NULL)
    id = "";
  snprintf(request_id, sizeof request_id, "%s", id);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
  if ((int)level > atomic_load(&current_level))
    return;

  char line[4096];
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s [%s] ", tm.tm_year + 1900,
                   tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
                   log_level_name(level), request_id[0] ? request_id : "-");
  va_list ap;
  va_start(ap, fmt);
  if (n > 0 && (size_t)n < sizeof line)
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
  va_end(ap);
  size_t len = strlen(line);
  /* Strip trailing newlines (libmicrohttpd and libpq end their messages with one), then add exactly one. */
  while (len > 0 && line[len - 1] == '\n')
    line[--len] = '\0';
  if (len + 1 < sizeof line) {
    line[len] = '\n';
    line[len + 1] = '\0';
  }
  fputs(line, stderr);
}
