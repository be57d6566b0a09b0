/* caseauditd: the HTTP daemon. Parses the command line, then waits for signals in the main thread. */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "config.h"
#include "daemon.h"
#include "log.h"

static const char usage[] =
  "usage: caseauditd [--config FILE] [--db CONNINFO] [--listen ADDR:PORT]\n"
  "       caseauditd --print-config | --print-example-config | --help | --version\n"
  "\n"
  "  --config FILE          settings file (default " CASEAUDIT_DEFAULT_CONFIG "; built-in defaults without it)\n"
  "  --db CONNINFO          libpq connection string; overrides the file and $CASEAUDIT_DB\n"
  "  --listen ADDR:PORT     address to serve HTTP on; overrides the file\n"
  "  --print-config         print the effective settings (secrets masked) and their origins, and exit\n"
  "  --print-example-config print the documented example config file and exit\n"
  "\n"
  "Signals: SIGHUP reloads the settings (an invalid file keeps the old ones); SIGTERM or SIGINT drains the\n"
  "requests in flight (up to drain_timeout_s) and exits 0; a second one exits at once.\n";

struct options {
  const char *config, *db, *listen;
  bool print_config, print_example;
};

static sigset_t handled;

static bool wait_abort(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  int sig = sigtimedwait(&handled, NULL, &ts);
  return sig == SIGTERM || sig == SIGINT;
}

/* The folders caseauditd serves from: a missing one is a settings error, at start and on reload alike. */
static int check_dirs(const struct config *c, char *err, size_t errlen)
{
  return config_check_dir(c, "rules_dir", err, errlen) != 0 || config_check_dir(c, "ui_dir", err, errlen) != 0 ? -1 : 0;
}

static void warn_fixed(const char *key) { log_warn("reload: '%s' changed but only takes effect after a restart", key); }

static void reload(const struct options *o)
{
  char err[1024];
  struct config *c = config_load(o->config, CASEAUDIT_DEFAULT_CONFIG, o->db, o->listen, err, sizeof err);
  if (c == NULL || check_dirs(c, err, sizeof err) != 0) {
    log_error("reload failed, keeping the current settings: %s", err);
    config_free(c);
    return;
  }
  config_changed_fixed_keys(app_config(), c, warn_fixed);
  daemon_tls_reload_check(c);
  log_set_level((enum log_level)log_level_parse(c->log_level));
  app_config_swap(c);
  log_info("settings reloaded");
  if (daemon_load_rules(c, err, sizeof err) != 0)
    log_error("rule pack reload failed, keeping the current pack: %s", err);
}

int main(int argc, char **argv)
{
  static const struct option longopts[] = {
    {"config", required_argument, NULL, 'c'}, {"db", required_argument, NULL, 'd'},
    {"listen", required_argument, NULL, 'l'}, {"print-config", no_argument, NULL, 'p'},
    {"print-example-config", no_argument, NULL, 'e'}, {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0}};
  struct options o = {0};
  int opt;
  while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    switch (opt) {
    case 'c': o.config = optarg; break;
    case 'd': o.db = optarg; break;
    case 'l': o.listen = optarg; break;
    case 'p': o.print_config = true; break;
    case 'e': o.print_example = true; break;
    case 'h': fputs(usage, stdout); return 0;
    case 'V': printf("caseauditd %s\n", CASEAUDIT_VERSION); return 0;
    default: fputs(usage, stderr); return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "caseauditd: unexpected argument '%s'\n%s", argv[optind], usage);
    return 2;
  }
  if (o.print_example) {
    config_write_example(stdout);
    return 0;
  }
  char err[1024];
  struct config *cfg = config_load(o.config, CASEAUDIT_DEFAULT_CONFIG, o.db, o.listen, err, sizeof err);
  if (cfg == NULL) {
    fprintf(stderr, "caseauditd: %s\n", err);
    return 2;
  }
  if (o.print_config) {
    config_print_origins(cfg, stdout);
    config_print(cfg, stdout);
    config_free(cfg);
    return 0;
  }
  if (check_dirs(cfg, err, sizeof err) != 0) {
    fprintf(stderr, "caseauditd: %s\n", err);
    config_free(cfg);
    return 2;
  }

  /* Signals are blocked before any thread starts, so every thread inherits the mask and only sigwait sees them. */
  signal(SIGPIPE, SIG_IGN);
  sigemptyset(&handled);
  sigaddset(&handled, SIGHUP);
  sigaddset(&handled, SIGTERM);
  sigaddset(&handled, SIGINT);
  pthread_sigmask(SIG_BLOCK, &handled, NULL);

  struct http_server *s = daemon_start(cfg, err, sizeof err);
  if (s == NULL) {
    fprintf(stderr, "caseauditd: %s\n", err);
    return 1;
  }
  log_info("caseauditd %s listening on %s (port %u)", CASEAUDIT_VERSION, app_config()->listen, http_port(s));

  for (;;) {
    int sig;
    if (sigwait(&handled, &sig) != 0)
      continue;
    if (sig == SIGHUP) {
      reload(&o);
      continue;
    }
    log_info("signal %d: draining", sig);
    break;
  }
  daemon_stop(s, wait_abort);
  log_info("stopped");
  return 0;
}
