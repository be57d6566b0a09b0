/* caseaudit: the operators' command line (schema migrations, tokens; later import, audit, reports). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "db.h"
#include "db_tokens.h"
#include "log.h"

static const char usage[] =
  "usage: caseaudit [--config FILE] [--db CONNINFO] COMMAND [ARGS]\n"
  "\n"
  "Commands:\n"
  "  migrate                                  bring the database schema up to date (safe to run twice)\n"
  "  token create --role ROLE [--agency CODE]... --name NAME\n"
  "                                           create a token and print it alone on stdout\n"
  "                                           ROLE: ingest, reviewer, supervisor, admin\n"
  "  token list                               list tokens (never their secrets)\n"
  "  token revoke NAME                        revoke a token; effective on its next request\n"
  "\n"
  "Global options (before COMMAND):\n"
  "  --config FILE   settings file (default " CASEAUDIT_DEFAULT_CONFIG "; built-in defaults without it)\n"
  "  --db CONNINFO   libpq connection string; overrides the file and $CASEAUDIT_DB\n"
  "  --help, --version\n"
  "\n"
  "Exit status: 0 done, 1 failed, 2 bad usage.\n";

struct cli {
  struct config *cfg;
  struct db_conn *db;
};

static int bad_usage(const char *fmt, const char *arg)
{
  fputs("caseaudit: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\n(see caseaudit --help)\n", stderr);
  return 2;
}

static int connect_db(struct cli *c)
{
  char err[512];
  c->db = db_connect(c->cfg->db, "caseaudit", c->cfg->timezone, c->cfg->db_connect_timeout_s, 0, err, sizeof err);
  if (c->db == NULL) {
    fprintf(stderr, "caseaudit: cannot connect to the database: %s\n", err);
    return 1;
  }
  return 0;
}

static int cmd_migrate(struct cli *c, int argc, char **argv)
{
  (void)argv;
  if (argc > 1)
    return bad_usage("migrate takes no arguments, got '%s'", argv[1]);
  if (connect_db(c) != 0)
    return 1;
  char err[1024];
  int applied = 0, version = 0;
  if (db_migrate(c->db, &applied, err, sizeof err) != DB_OK) {
    fprintf(stderr, "caseaudit: migrate failed: %s\n", err);
    return 1;
  }
  db_schema_version(c->db, &version);
  if (applied == 0)
    printf("schema is up to date (version %d)\n", version);
  else
    printf("applied %d migration%s; schema is at version %d\n", applied, applied == 1 ? "" : "s", version);
  return 0;
}

static bool valid_agency_code(const char *code)
{
  size_t n = strlen(code);
  if (n == 0 || n > 64)
    return false;
  for (const char *p = code; *p; p++)
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
          *p == '_' || *p == '-'))
      return false;
  return true;
}

static int token_create(struct cli *c, int argc, char **argv)
{
  static const struct option longopts[] = {{"role", required_argument, NULL, 'r'},
                                           {"agency", required_argument, NULL, 'a'},
                                           {"name", required_argument, NULL, 'n'},
                                           {NULL, 0, NULL, 0}};
  const char *role = NULL, *name = NULL;
  char agencies[8192] = "{";
  int opt;
  optind = 1;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    switch (opt) {
    case 'r': role = optarg; break;
    case 'n': name = optarg; break;
    case 'a':
      if (!valid_agency_code(optarg))
        return bad_usage("--agency '%s' is not an agency code (letters, digits, . _ -; at most 64)", optarg);
      if (strlen(agencies) + strlen(optarg) + 3 > sizeof agencies)
        return bad_usage("too many --agency flags%s", "");
      if (agencies[1] != '\0')
        strcat(agencies, ",");
      strcat(agencies, optarg);
      break;
    default:
      return bad_usage("token create: unknown or incomplete flag '%s'", argv[optind - 1]);
    }
  }
  strcat(agencies, "}");
  if (optind < argc)
    return bad_usage("token create: unexpected argument '%s'", argv[optind]);
  if (role == NULL)
    return bad_usage("token create needs --role (ingest, reviewer, supervisor or admin)%s", "");
  if (role_parse(role) == 0)
    return bad_usage("--role '%s' is not one of ingest, reviewer, supervisor, admin", role);
  if (name == NULL || name[0] == '\0' || strlen(name) > 128)
    return bad_usage("token create needs --name NAME (1 to 128 bytes)%s", "");
  if (connect_db(c) != 0)
    return 1;
  char token[TOKEN_MAX], id[13], hash[65];
  if (token_new(token, id, hash) != 0) {
    fprintf(stderr, "caseaudit: no source of randomness\n");
    return 1;
  }
  enum db_status st = db_token_insert(c->db, id, name, role, agencies, hash);
  if (st != DB_OK) {
    fprintf(stderr, "caseaudit: cannot create token '%s' (is the name taken? is the schema migrated?)\n", name);
    return 1;
  }
  printf("%s\n", token);
  return 0;
}

static void print_token(void *arg, const char *name, const char *role, const char *agencies, const char *created,
                        const char *revoked)
{
  (void)arg;
  printf("%-24s %-10s %-24s %s%s%s\n", name, role, agencies[0] ? agencies : "*", created,
         revoked[0] ? "  revoked " : "", revoked);
}

static int cmd_token(struct cli *c, int argc, char **argv)
{
  if (argc < 2)
    return bad_usage("token needs a subcommand: create, list or revoke%s", "");
  const char *sub = argv[1];
  if (strcmp(sub, "create") == 0)
    return token_create(c, argc - 1, argv + 1);
  if (strcmp(sub, "list") == 0) {
    if (argc != 2)
      return bad_usage("token list takes no arguments, got '%s'", argv[2]);
    if (connect_db(c) != 0)
      return 1;
    printf("%-24s %-10s %-24s %s\n", "NAME", "ROLE", "AGENCIES", "CREATED");
    return db_token_list(c->db, print_token, NULL) == DB_OK ? 0 : 1;
  }
  if (strcmp(sub, "revoke") == 0) {
    if (argc != 3)
      return bad_usage("token revoke takes exactly one NAME%s", "");
    if (connect_db(c) != 0)
      return 1;
    enum db_status st = db_token_revoke(c->db, argv[2]);
    if (st == DB_NO_ROW) {
      fprintf(stderr, "caseaudit: no active token named '%s'\n", argv[2]);
      return 1;
    }
    if (st != DB_OK)
      return 1;
    printf("revoked %s\n", argv[2]);
    return 0;
  }
  return bad_usage("token: unknown subcommand '%s' (create, list, revoke)", sub);
}

static const struct command {
  const char *name;
  int (*run)(struct cli *c, int argc, char **argv);
} commands[] = {
  {"migrate", cmd_migrate},
  {"token", cmd_token},
};

int main(int argc, char **argv)
{
  static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                           {"db", required_argument, NULL, 'd'},
                                           {"help", no_argument, NULL, 'h'},
                                           {"version", no_argument, NULL, 'V'},
                                           {NULL, 0, NULL, 0}};
  const char *config_path = NULL, *db = NULL;
  int opt;
  /* '+': stop at the first non-option, the subcommand; its own flags are parsed by it. */
  while ((opt = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
    switch (opt) {
    case 'c': config_path = optarg; break;
    case 'd': db = optarg; break;
    case 'h': fputs(usage, stdout); return 0;
    case 'V': printf("caseaudit %s\n", CASEAUDIT_VERSION); return 0;
    default: fputs(usage, stderr); return 2;
    }
  }
  if (optind >= argc) {
    fputs("caseaudit: a COMMAND is needed\n\n", stderr);
    fputs(usage, stderr);
    return 2;
  }
  const struct command *cmd = NULL;
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(commands[i].name, argv[optind]) == 0)
      cmd = &commands[i];
  if (cmd == NULL)
    return bad_usage("unknown command '%s'", argv[optind]);

  char err[1024];
  struct cli c = {0};
  c.cfg = config_load(config_path, CASEAUDIT_DEFAULT_CONFIG, db, NULL, err, sizeof err);
  if (c.cfg == NULL) {
    fprintf(stderr, "caseaudit: %s\n", err);
    return 2;
  }
  log_set_level((enum log_level)log_level_parse(c.cfg->log_level));
  int rc = cmd->run(&c, argc - optind, argv + optind);
  db_close(c.db);
  config_free(c.cfg);
  return rc;
}
