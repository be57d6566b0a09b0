/* caseaudit: the operators' command line (schema migrations, tokens; later import, audit, reports). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "db_calendar.h"
#include "db_audit.h"
#include "db_review.h"
#include "db_tokens.h"
#include "embedded.h"
#include "ingest.h"
#include "ndjson.h"
#include "report.h"
#include "rules.h"
#include "validate.h"
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
  "  calendar load FILE --year Y --notice-title T [--notice-no N] [--published-on DATE] [--source-url URL]\n"
  "                                           load (or replace) one year of the working-day calendar from a CSV\n"
  "                                           (date,kind,name) as published by the State Council General Office\n"
  "  audit [--agency CODE] [--as-of DATE] [--chunk N] [--jobs J] [--full]\n"
  "                                           the batch audit of every case (or one agency's) as of DATE (default\n"
  "                                           today), N cases per transaction (default 2000) on J connections at\n"
  "                                           once (default 1; up to the database server's cores): progress on\n"
  "                                           a terminal, a summary at the end. Unchanged cases get only the\n"
  "                                           date-dependent rules they need; --full: every rule for every case\n"
  "  report --agency CODE --from DATE --to DATE --format html|csv|json [--out FILE]\n"
  "                                           the audit report of one agency (cases filed in the period), compared\n"
  "                                           with the previous period of the same length\n"
  "  agencies                                 list the agency codes, one per line (for scripts)\n"
  "  log verify                               check the hash chain of the review log; names the first broken entry\n"
  "  rules check [DIR]                        validate a rule pack (default: rules_dir) without loading it\n"
  "  import FILE|-                            load NDJSON case records (one per line) through the same validation\n"
  "                                           and storage as the API; failures are listed per line\n"
  "  schema case                              print the case record's schema (OpenAPI 3.0 / JSON Schema), made\n"
  "                                           from the spec the validator uses\n"
  "\n"
  "Global options (before COMMAND):\n"
  "  --config FILE   settings file (default " CASEAUDIT_DEFAULT_CONFIG "; built-in defaults without it)\n"
  "  --db CONNINFO   libpq connection string; overrides the file and $CASEAUDIT_DB\n"
  "  --help, --version\n"
  "\n"
  "Exit status: 0 done, 1 failed (for import: any line rejected), 2 bad usage.\n";

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
  int applied = 0, engine = 0, version = 0;
  if (db_migrate(c->db, &applied, &engine, err, sizeof err) != DB_OK) {
    fprintf(stderr, "caseaudit: migrate failed: %s\n", err);
    return 1;
  }
  db_schema_version(c->db, &version);
  if (applied == 0 && engine == 0)
    printf("schema is up to date (version %d, %zu engine files)\n", version, embedded_engine_count);
  else
    printf("applied %d migration%s and %d of %zu engine files; schema is at version %d\n", applied,
           applied == 1 ? "" : "s", engine, embedded_engine_count, version);
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
  optind = 0; /* 0, not 1: re-initialises GNU getopt, which main() left in "+" (stop at the first word) mode */
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

/* Loads the rule pack of rules_dir (and registers it when asked); prints every problem and returns NULL. */
static struct rule_pack *load_pack(struct cli *c, bool register_it)
{
  char problems[16384];
  if (config_check_dir(c->cfg, "rules_dir", problems, sizeof problems) != 0) {
    fprintf(stderr, "caseaudit: %s\n", problems);
    return NULL;
  }
  struct rule_pack *p = rules_load(c->cfg->rules_dir, problems, sizeof problems);
  if (p == NULL) {
    fprintf(stderr, "caseaudit: the rule pack in %s is invalid:\n%s", c->cfg->rules_dir, problems);
    return NULL;
  }
  if (register_it && rules_register(c->db, p, problems, sizeof problems) != DB_OK) {
    fprintf(stderr, "caseaudit: the rule pack in %s cannot be used: %s\n", c->cfg->rules_dir, problems);
    rules_free(p);
    return NULL;
  }
  return p;
}

static int cmd_rules(struct cli *c, int argc, char **argv)
{
  if (argc < 2 || strcmp(argv[1], "check") != 0)
    return bad_usage("rules takes one subcommand: check [DIR]%s", "");
  if (argc > 3)
    return bad_usage("rules check takes at most one DIR, got '%s'", argv[3]);
  if (argc == 3) {
    char err[256];
    if (config_set(c->cfg, "rules_dir", argv[2], err, sizeof err) != 0)
      return bad_usage("%s", err);
  }
  struct rule_pack *p = load_pack(c, false);
  if (p == NULL)
    return 1;
  printf("%s: rule pack %s is valid: %zu rules (id %s)\n", c->cfg->rules_dir, p->version, p->nrules, p->id);
  rules_free(p);
  return 0;
}

struct import_state {
  struct ingest *g;
  struct db_conn *db;
  size_t created, updated, unchanged, rejected;
};

static void import_outcome(void *arg, const struct ingest_outcome *o)
{
  struct import_state *st = arg;
  switch (o->status) {
  case ING_CREATED: st->created++; return;
  case ING_UPDATED: st->updated++; return;
  case ING_UNCHANGED: st->unchanged++; return;
  case ING_REJECTED: break;
  }
  st->rejected++;
  const json_t *err = json_object_get(o->error, "error");
  printf("line %zu: %s: %s\n", o->line, json_string_value(json_object_get(err, "code")),
         json_string_value(json_object_get(err, "message")));
  size_t i;
  json_t *d;
  if (strcmp(json_string_value(json_object_get(err, "code")), "invalid_json") == 0)
    return; /* its one detail repeats the message */
  json_array_foreach(json_object_get(err, "details"), i, d)
    printf("line %zu:   %s: %s\n", o->line, json_string_value(json_object_get(d, "path")),
           json_string_value(json_object_get(d, "message")));
}

static int import_line(void *arg, size_t line_no, const char *data, size_t len)
{
  struct import_state *st = arg;
  if (ingest_add(st->g, line_no, data, len) != 0)
    return -1;
  if (ingest_full(st->g) && ingest_flush(st->g, st->db, DB_OK) == DB_UNAVAILABLE)
    return -1;
  return 0;
}

static int import_overlong(void *arg, size_t line_no, size_t len)
{
  struct import_state *st = arg;
  st->rejected++;
  printf("line %zu: body_too_large: the line is %zu bytes long; the limit is bulk_line_max_bytes\n", line_no, len);
  return 0;
}

static int cmd_import(struct cli *c, int argc, char **argv)
{
  if (argc != 2)
    return bad_usage("import takes one FILE (or - for standard input)%s", "");
  FILE *in = strcmp(argv[1], "-") == 0 ? stdin : fopen(argv[1], "rb");
  if (in == NULL) {
    fprintf(stderr, "caseaudit: cannot open %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  int rc = 1;
  struct rule_pack *pack = NULL;
  struct import_state st = {0};
  struct ndjson nd;
  ndjson_init(&nd, (size_t)c->cfg->bulk_line_max_bytes, import_line, import_overlong, &st);
  if (connect_db(c) != 0)
    goto out;
  st.db = c->db;
  if ((pack = load_pack(c, true)) == NULL)
    goto out;
  st.g = ingest_new(NULL, pack->id, (size_t)c->cfg->bulk_batch_size, 4u << 20, import_outcome, &st);
  if (st.g == NULL)
    goto out;
  char chunk[65536];
  size_t n;
  bool failed = false;
  while (!failed && (n = fread(chunk, 1, sizeof chunk, in)) > 0)
    failed = ndjson_feed(&nd, chunk, n) != 0;
  if (!failed)
    failed = ndjson_finish(&nd) != 0 || ingest_flush(st.g, st.db, DB_OK) == DB_UNAVAILABLE;
  if (ferror(in)) {
    fprintf(stderr, "caseaudit: reading %s failed\n", argv[1]);
    failed = true;
  }
  printf("%s: %zu created, %zu updated, %zu unchanged, %zu rejected%s\n", argv[1], st.created, st.updated,
         st.unchanged, st.rejected, failed ? "; stopped early: the database became unavailable" : "");
  rc = (failed || st.rejected > 0) ? 1 : 0;
out:
  ndjson_free(&nd);
  ingest_free(st.g);
  rules_free(pack);
  if (in != stdin)
    fclose(in);
  return rc;
}

/* Reads a holiday CSV (header "date,kind,name", one row per date, no quoting) into [{"date","kind","name"}]. */
static json_t *read_calendar_csv(const char *path, char *err, size_t errlen)
{
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return NULL;
  }
  json_t *rows = json_array();
  char line[1024];
  int no = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    no++;
    size_t n = strlen(line);
    if (n > 0 && line[n - 1] != '\n' && !feof(f)) {
      snprintf(err, errlen, "%s line %d: longer than %zu bytes", path, no, sizeof line - 2);
      goto fail;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
      line[--n] = '\0';
    if (no == 1) {
      if (strcmp(line, "date,kind,name") != 0 && strcmp(line, "\xEF\xBB\xBF" "date,kind,name") != 0) {
        snprintf(err, errlen, "%s line 1: the header must be 'date,kind,name'", path);
        goto fail;
      }
      continue;
    }
    if (n == 0)
      continue;
    char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
    if (c1 == NULL || c2 == NULL || strchr(c2 + 1, ',') != NULL) {
      snprintf(err, errlen, "%s line %d: expected three fields date,kind,name", path, no);
      goto fail;
    }
    *c1 = *c2 = '\0';
    json_array_append_new(rows, json_pack("{s:s, s:s, s:s}", "date", line, "kind", c1 + 1, "name", c2 + 1));
  }
  fclose(f);
  return rows;
fail:
  fclose(f);
  json_decref(rows);
  return NULL;
}

static int cmd_calendar(struct cli *c, int argc, char **argv)
{
  if (argc < 2 || strcmp(argv[1], "load") != 0)
    return bad_usage("calendar takes one subcommand: load FILE --year Y --notice-title T ...%s", "");
  static const struct option longopts[] = {{"year", required_argument, NULL, 'y'},
                                           {"notice-title", required_argument, NULL, 't'},
                                           {"notice-no", required_argument, NULL, 'n'},
                                           {"published-on", required_argument, NULL, 'p'},
                                           {"source-url", required_argument, NULL, 'u'},
                                           {NULL, 0, NULL, 0}};
  const char *year = NULL, *title = NULL, *notice_no = NULL, *published = NULL, *url = NULL;
  int opt;
  optind = 0; /* 0, not 1: re-initialises GNU getopt, which main() left in "+" (stop at the first word) mode */
  opterr = 0;
  argc--;
  argv++;
  while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    switch (opt) {
    case 'y': year = optarg; break;
    case 't': title = optarg; break;
    case 'n': notice_no = optarg; break;
    case 'p': published = optarg; break;
    case 'u': url = optarg; break;
    default: return bad_usage("calendar load: unknown or incomplete flag '%s'", argv[optind - 1]);
    }
  }
  if (optind != argc - 1)
    return bad_usage("calendar load takes exactly one FILE%s", "");
  if (year == NULL || title == NULL)
    return bad_usage("calendar load needs --year and --notice-title (the State Council notice it comes from)%s", "");
  char err[1024];
  json_t *rows = read_calendar_csv(argv[optind], err, sizeof err);
  if (rows == NULL) {
    fprintf(stderr, "caseaudit: %s\n", err);
    return 1;
  }
  char *text = json_dumps(rows, JSON_COMPACT);
  json_decref(rows);
  int rc = 1, stored = 0;
  if (text != NULL && connect_db(c) == 0) {
    if (db_calendar_load(c->db, year, title, notice_no, published, url, text, &stored, err, sizeof err) == DB_OK) {
      printf("calendar %s: %d rows loaded (%s)\n", year, stored, title);
      rc = 0;
    } else {
      fprintf(stderr, "caseaudit: calendar load refused, nothing changed: %s\n", err);
    }
  }
  free(text);
  return rc;
}

static int cmd_log(struct cli *c, int argc, char **argv)
{
  if (argc != 2 || strcmp(argv[1], "verify") != 0)
    return bad_usage("log takes one subcommand: verify%s", "");
  if (connect_db(c) != 0)
    return 1;
  long long entries = 0, broken = 0;
  char why[512] = "";
  if (db_review_log_verify(c->db, &entries, &broken, why, sizeof why) != DB_OK) {
    fprintf(stderr, "caseaudit: reading the review log failed\n");
    return 1;
  }
  if (broken != 0) {
    printf("review log BROKEN at entry %lld: %s (%lld entries read)\n", broken, why, entries);
    return 1;
  }
  printf("review log intact: %lld entries, every hash and link verified\n", entries);
  return 0;
}

struct progress_state {
  bool tty;
  double last_print;
};

static void audit_progress(void *arg, const struct audit_report *r)
{
  struct progress_state *ps = arg;
  double rate = r->seconds > 0 ? (double)r->done / r->seconds : 0;
  double eta = rate > 0 ? (double)(r->total - r->done) / rate : 0;
  if (ps->tty) {
    int width = 30, filled = r->total > 0 ? (int)((double)width * (double)r->done / (double)r->total) : width;
    char bar[64];
    for (int i = 0; i < width; i++)
      bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r[%s] %lld/%lld cases  %.0f cases/s  ETA %.0fs   ", bar, r->done, r->total, rate, eta);
    if (r->done >= r->total)
      fputc('\n', stderr);
  } else if (r->seconds - ps->last_print >= 5.0 || r->done >= r->total) {
    fprintf(stderr, "audit run %lld: %lld/%lld cases, %.0f cases/s, ETA %.0fs\n", r->run_id, r->done, r->total, rate,
            eta);
    ps->last_print = r->seconds;
  }
}

static int cmd_audit(struct cli *c, int argc, char **argv)
{
  static const struct option longopts[] = {{"agency", required_argument, NULL, 'a'},
                                           {"as-of", required_argument, NULL, 'd'},
                                           {"chunk", required_argument, NULL, 'c'},
                                           {"jobs", required_argument, NULL, 'j'},
                                           {"full", no_argument, NULL, 'f'},
                                           {NULL, 0, NULL, 0}};
  const char *agency = NULL, *as_of = NULL;
  bool full = false;
  int chunk = AUDIT_CHUNK_DEFAULT, jobs = 1;
  int opt;
  optind = 0; /* re-initialise GNU getopt (see token_create) */
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    switch (opt) {
    case 'a':
      if (!valid_agency_code(optarg))
        return bad_usage("--agency '%s' is not an agency code", optarg);
      agency = optarg;
      break;
    case 'd':
      if (!valid_date(optarg))
        return bad_usage("--as-of '%s' is not a date (YYYY-MM-DD)", optarg);
      as_of = optarg;
      break;
    case 'c': {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (*optarg == '\0' || *end != '\0' || n < 1 || n > 100000)
        return bad_usage("--chunk '%s' is not a number of cases from 1 to 100000", optarg);
      chunk = (int)n;
      break;
    }
    case 'j': {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (*optarg == '\0' || *end != '\0' || n < 1 || n > AUDIT_JOBS_MAX)
        return bad_usage("--jobs '%s' is not a number of connections from 1 to 16", optarg);
      jobs = (int)n;
      break;
    }
    case 'f': full = true; break;
    default: return bad_usage("audit: unknown or incomplete flag '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return bad_usage("audit: unexpected argument '%s'", argv[optind]);
  if (connect_db(c) != 0)
    return 1;
  struct rule_pack *pack = load_pack(c, true);
  if (pack == NULL)
    return 1;
  char host[256] = "?", holder[512], err[1024];
  gethostname(host, sizeof host);
  snprintf(holder, sizeof holder, "caseaudit on %s pid %d", host, (int)getpid());
  struct audit_report rep;
  enum audit_result ar = audit_begin(c->db, agency, as_of, full, pack, holder, &rep, err, sizeof err);
  if (ar != AUDIT_DONE) {
    fprintf(stderr, "caseaudit: %s\n", err);
    rules_free(pack);
    return 1;
  }
  fprintf(stderr, "audit run %lld: %lld cases of %s as of %s, rule pack %s\n", rep.run_id, rep.total,
          agency ? agency : "every agency", rep.as_of, pack->version);
  /* --jobs: more connections, each evaluating chunks in its own thread (the first holds the audit lock) */
  struct db_conn *conns[AUDIT_JOBS_MAX] = {c->db};
  int nconns = 1;
  for (; nconns < jobs; nconns++) {
    char cerr[512];
    conns[nconns] = db_connect(c->cfg->db, "caseaudit audit", c->cfg->timezone, c->cfg->db_connect_timeout_s, 0,
                               cerr, sizeof cerr);
    if (conns[nconns] == NULL) {
      fprintf(stderr, "caseaudit: --jobs %d: connection %d failed (%s); going on with %d\n", jobs, nconns + 1, cerr,
              nconns);
      break;
    }
  }
  struct progress_state ps = {.tty = isatty(STDERR_FILENO)};
  ar = audit_execute(conns, nconns, agency, pack, chunk, &rep, audit_progress, &ps, err, sizeof err);
  for (int i = 1; i < nconns; i++)
    db_close(conns[i]);
  printf("audit run %lld %s: %lld cases in %.1fs; findings: %lld opened, %lld resolved, %lld reopened, %lld updated, "
         "%lld unchanged; drift (changed by a new rule pack): %lld cases\n",
         rep.run_id, ar == AUDIT_DONE ? "completed" : "FAILED", rep.done, rep.seconds, rep.counts.opened,
         rep.counts.resolved, rep.counts.reopened, rep.counts.changed, rep.counts.unchanged, rep.counts.drift_cases);
  if (ar != AUDIT_DONE)
    fprintf(stderr, "caseaudit: %s\n", err);
  rules_free(pack);
  return ar == AUDIT_DONE ? 0 : 1;
}

static int cmd_report(struct cli *c, int argc, char **argv)
{
  static const struct option longopts[] = {{"agency", required_argument, NULL, 'a'},
                                           {"from", required_argument, NULL, 'f'},
                                           {"to", required_argument, NULL, 't'},
                                           {"format", required_argument, NULL, 'm'},
                                           {"out", required_argument, NULL, 'o'},
                                           {NULL, 0, NULL, 0}};
  const char *agency = NULL, *from = NULL, *to = NULL, *format = "html", *out_path = NULL;
  int opt;
  optind = 0; /* re-initialise GNU getopt (see token_create) */
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    switch (opt) {
    case 'a': agency = optarg; break;
    case 'f': from = optarg; break;
    case 't': to = optarg; break;
    case 'm': format = optarg; break;
    case 'o': out_path = optarg; break;
    default: return bad_usage("report: unknown or incomplete flag '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return bad_usage("report: unexpected argument '%s'", argv[optind]);
  if (agency == NULL || !valid_agency_code(agency))
    return bad_usage("report needs --agency CODE (an agency code)%s", "");
  if (from == NULL || !valid_date(from))
    return bad_usage("report needs --from DATE (YYYY-MM-DD)%s", "");
  if (to == NULL || !valid_date(to))
    return bad_usage("report needs --to DATE (YYYY-MM-DD)%s", "");
  if (strcmp(from, to) > 0)
    return bad_usage("report: --from %s is after --to", from);
  if (strcmp(format, "html") != 0 && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
    return bad_usage("--format '%s' is not html, csv or json", format);
  if (connect_db(c) != 0)
    return 1;
  struct rule_pack *pack = load_pack(c, true);
  if (pack == NULL)
    return 1;
  json_t *data = NULL;
  int rc = 1;
  FILE *out = NULL;
  if (db_report(c->db, pack->id, agency, from, to, &data) != DB_OK) {
    fprintf(stderr, "caseaudit: reading the report figures failed\n");
    goto done;
  }
  out = out_path ? fopen(out_path, "w") : stdout;
  if (out == NULL) {
    fprintf(stderr, "caseaudit: cannot write %s: %s\n", out_path, strerror(errno));
    goto done;
  }
  rc = report_write(data, format, out) == 0 ? 0 : 1;
  if (out != stdout && fclose(out) != 0)
    rc = 1;
  if (rc != 0)
    fprintf(stderr, "caseaudit: writing the report failed\n");
  else if (out_path)
    fprintf(stderr, "report written to %s\n", out_path);
done:
  json_decref(data);
  rules_free(pack);
  return rc;
}

static void print_agency(void *arg, const char *code)
{
  (void)arg;
  puts(code);
}

static int cmd_agencies(struct cli *c, int argc, char **argv)
{
  if (argc != 1)
    return bad_usage("agencies takes no arguments, got '%s'", argv[1]);
  if (connect_db(c) != 0)
    return 1;
  return db_agency_list(c->db, print_agency, NULL) == DB_OK ? 0 : 1;
}

static int cmd_schema(struct cli *c, int argc, char **argv)
{
  (void)c;
  if (argc != 2 || strcmp(argv[1], "case") != 0)
    return bad_usage("schema takes one argument, %s", "'case'");
  json_t *s = case_schema();
  int rc = s != NULL && json_dumpf(s, stdout, JSON_INDENT(1)) == 0 && putchar('\n') != EOF ? 0 : 1;
  json_decref(s);
  return rc;
}

static const struct command {
  const char *name;
  int (*run)(struct cli *c, int argc, char **argv);
} commands[] = {
  {"migrate", cmd_migrate},
  {"token", cmd_token},
  {"import", cmd_import},
  {"rules", cmd_rules},
  {"calendar", cmd_calendar},
  {"log", cmd_log},
  {"audit", cmd_audit},
  {"report", cmd_report},
  {"agencies", cmd_agencies},
  {"schema", cmd_schema},
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
