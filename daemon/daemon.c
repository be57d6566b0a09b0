/* Start-up and shutdown of caseauditd's modules, in one order and its reverse. */
#include "daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app.h"
#include "cursor.h"
#include "db.h"
#include "log.h"
#include "rules.h"

/* ---- TLS: the certificate and key, read once at start and kept (the key wiped on stop) ---- */

#define PEM_MAX ((size_t)1 << 20)

static struct {
  char *cert, *key;
  size_t cert_len, key_len;
  struct http_tls tls;
} tls_files;

static void wipe_free(char *p, size_t len)
{
  if (p != NULL)
    sodium_memzero(p, len);
  free(p);
}

/* Reads a whole PEM file of setting `key` (named in the error). Returns NULL with err set. */
static char *read_pem(const char *key, const char *path, size_t *len, char *err, size_t errlen)
{
  char *data = NULL;
  struct stat st;
  FILE *f = fopen(path, "rb");
  if (f == NULL || fstat(fileno(f), &st) != 0) {
    snprintf(err, errlen, "key '%s': cannot read %s: %s", key, path, strerror(errno));
    goto out;
  }
  if (!S_ISREG(st.st_mode) || st.st_size > (off_t)PEM_MAX) {
    snprintf(err, errlen, "key '%s': %s is not a PEM file (%s)", key, path,
             S_ISREG(st.st_mode) ? "larger than 1 MiB" : "not a regular file");
    goto out;
  }
  size_t size = (size_t)st.st_size;
  data = malloc(size + 1);
  if (data == NULL) {
    snprintf(err, errlen, "out of memory");
    goto out;
  }
  if (fread(data, 1, size, f) != size) {
    snprintf(err, errlen, "key '%s': cannot read %s: %s", key, path, ferror(f) ? strerror(errno) : "it shrank");
    wipe_free(data, size + 1);
    data = NULL;
    goto out;
  }
  data[size] = '\0';
  *len = size + 1;
out:
  if (f != NULL)
    fclose(f);
  return data;
}

static void format_time(time_t t, char *out, size_t outlen)
{
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, outlen, "%Y-%m-%d %H:%M UTC", &tm);
}

/* Checks the pair the way libmicrohttpd's GnuTLS will load it, so that every problem names its key. */
static int check_pair(const struct config *cfg, char *err, size_t errlen)
{
  int ret = -1, rc;
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_privkey_t pk = NULL;
  gnutls_certificate_credentials_t cred = NULL;
  gnutls_datum_t cert = {(unsigned char *)tls_files.cert, (unsigned)(tls_files.cert_len - 1)};
  gnutls_datum_t key = {(unsigned char *)tls_files.key, (unsigned)(tls_files.key_len - 1)};

  if (gnutls_x509_crt_init(&crt) < 0 || gnutls_x509_privkey_init(&pk) < 0 ||
      gnutls_certificate_allocate_credentials(&cred) < 0) {
    snprintf(err, errlen, "out of memory");
    goto out;
  }
  if ((rc = gnutls_x509_crt_import(crt, &cert, GNUTLS_X509_FMT_PEM)) < 0) {
    snprintf(err, errlen, "key 'tls_cert': %s holds no valid PEM certificate (%s)", cfg->tls_cert,
             gnutls_strerror(rc));
    goto out;
  }
  if ((rc = gnutls_x509_privkey_import2(pk, &key, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
    snprintf(err, errlen, "key 'tls_key': %s holds no valid unencrypted PEM private key (%s)", cfg->tls_key,
             gnutls_strerror(rc));
    goto out;
  }
  if ((rc = gnutls_certificate_set_x509_key_mem2(cred, &cert, &key, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
    if (rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH)
      snprintf(err, errlen, "key 'tls_key': the key in %s does not belong to the certificate in %s (tls_cert)",
               cfg->tls_key, cfg->tls_cert);
    else
      snprintf(err, errlen, "key 'tls_key': %s and %s (tls_cert) cannot be used together (%s)", cfg->tls_key,
               cfg->tls_cert, gnutls_strerror(rc));
    goto out;
  }
  time_t now = time(NULL), from = gnutls_x509_crt_get_activation_time(crt),
         until = gnutls_x509_crt_get_expiration_time(crt);
  char when[64];
  format_time(until, when, sizeof when);
  if (until != (time_t)-1 && until < now)
    log_warn("key 'tls_cert': the certificate in %s expired on %s: clients will refuse it", cfg->tls_cert, when);
  else if (from != (time_t)-1 && from > now)
    log_warn("key 'tls_cert': the certificate in %s is not valid before %s", cfg->tls_cert, when);
  log_info("TLS: serving HTTPS with the certificate in %s (valid until %s)", cfg->tls_cert, when);
  ret = 0;
out:
  if (cred != NULL)
    gnutls_certificate_free_credentials(cred);
  if (pk != NULL)
    gnutls_x509_privkey_deinit(pk);
  if (crt != NULL)
    gnutls_x509_crt_deinit(crt);
  return ret;
}

static void tls_unload(void)
{
  wipe_free(tls_files.key, tls_files.key_len);
  free(tls_files.cert);
  memset(&tls_files, 0, sizeof tls_files);
}

/* Returns 0 with tls_files filled (or empty: plain HTTP), or -1 with err naming the key. */
static int tls_load(const struct config *cfg, char *err, size_t errlen)
{
  if (config_check(cfg, err, errlen) != 0)
    return -1;
  if (cfg->tls_cert[0] == '\0')
    return 0;
  if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
    snprintf(err, errlen, "key 'tls_cert': this libmicrohttpd was built without TLS support");
    return -1;
  }
  tls_files.cert = read_pem("tls_cert", cfg->tls_cert, &tls_files.cert_len, err, errlen);
  if (tls_files.cert == NULL)
    goto fail;
  tls_files.key = read_pem("tls_key", cfg->tls_key, &tls_files.key_len, err, errlen);
  if (tls_files.key == NULL)
    goto fail;
  if (check_pair(cfg, err, errlen) != 0)
    goto fail;
  tls_files.tls = (struct http_tls){tls_files.cert, tls_files.key};
  return 0;
fail:
  tls_unload();
  return -1;
}

/* 127.0.0.0/8, ::1 and IPv4-mapped 127.x: the only addresses where plain HTTP stays on this machine. */
static bool listen_is_loopback(const char *listen)
{
  char host[256];
  unsigned port;
  if (config_listen_parts(listen, host, sizeof host, &port) != 0)
    return false;
  struct in_addr a4;
  struct in6_addr a6;
  if (inet_pton(AF_INET, host, &a4) == 1)
    return (ntohl(a4.s_addr) >> 24) == 127;
  if (inet_pton(AF_INET6, host, &a6) != 1)
    return false;
  if (IN6_IS_ADDR_LOOPBACK(&a6))
    return true;
  return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
}

void daemon_tls_reload_check(const struct config *cfg)
{
  const char *keys[] = {"tls_cert", "tls_key"};
  const char *paths[] = {cfg->tls_cert, cfg->tls_key};
  const char *served[] = {tls_files.cert, tls_files.key};
  const size_t lens[] = {tls_files.cert_len, tls_files.key_len};
  const struct config *cur = app_config();
  for (int i = 0; i < 2; i++) {
    if (served[i] == NULL || strcmp(paths[i], i == 0 ? cur->tls_cert : cur->tls_key) != 0)
      continue; /* not serving TLS, or the path changed: config_changed_fixed_keys says so */
    char err[512];
    size_t len = 0;
    char *now = read_pem(keys[i], paths[i], &len, err, sizeof err);
    if (now == NULL)
      log_warn("reload: %s (the server keeps the one it started with)", err);
    else if (len != lens[i] || memcmp(now, served[i], len) != 0)
      log_warn("reload: the file of '%s' (%s) changed but only takes effect after a restart", keys[i], paths[i]);
    wipe_free(now, len);
  }
}

int daemon_load_rules(const struct config *cfg, char *err, size_t errlen)
{
  char problems[8192];
  struct rule_pack *p = rules_load(cfg->rules_dir, problems, sizeof problems);
  if (p == NULL) {
    snprintf(err, errlen, "the rule pack in %s is invalid:\n%s", cfg->rules_dir, problems);
    return -1;
  }
  char cerr[512];
  struct db_conn *c = db_connect(cfg->db, "caseauditd", cfg->timezone, cfg->db_connect_timeout_s,
                                 cfg->db_statement_timeout_ms, cerr, sizeof cerr);
  if (c == NULL) {
    snprintf(err, errlen, "cannot connect to the database to register the rule pack: %s", cerr);
    rules_free(p);
    return -1;
  }
  enum db_status st = rules_register(c, p, problems, sizeof problems);
  db_close(c);
  if (st != DB_OK) {
    snprintf(err, errlen, "the rule pack in %s cannot be used: %s", cfg->rules_dir, problems);
    rules_free(p);
    return -1;
  }
  log_info("rule pack %s (%zu rules, id %.12s) loaded from %s", p->version, p->nrules, p->id, cfg->rules_dir);
  rules_swap(p);
  return 0;
}

struct http_server *daemon_start(struct config *cfg, char *err, size_t errlen)
{
  app_config_swap(cfg);
  log_set_level((enum log_level)log_level_parse(cfg->log_level));
  if (tls_load(cfg, err, errlen) != 0)
    goto fail;

  char cerr[512];
  struct db_conn *c = db_connect(cfg->db, "caseauditd", cfg->timezone, cfg->db_connect_timeout_s,
                                 cfg->db_statement_timeout_ms, cerr, sizeof cerr);
  if (c == NULL) {
    snprintf(err, errlen, "cannot connect to the database: %s", cerr);
    goto fail;
  }
  int have = 0, need = db_schema_required(), stale = 0;
  char first[128] = "";
  enum db_status st = db_schema_version(c, &have);
  if (st == DB_OK && have >= need)
    st = db_engine_stale(c, &stale, first, sizeof first);
  if (st == DB_OK && have >= need && stale == 0 && cursor_init(c) != DB_OK) {
    snprintf(err, errlen, "cannot read or create the cursor signing key");
    db_close(c);
    goto fail;
  }
  db_close(c);
  if (st != DB_OK) {
    snprintf(err, errlen, "cannot read the schema version");
    goto fail;
  }
  if (have < need) {
    snprintf(err, errlen, "the database schema is at version %d, this build needs %d: run 'caseaudit migrate'",
             have, need);
    goto fail;
  }
  if (stale > 0) {
    snprintf(err, errlen,
             "the database's engine functions differ from this build's (%d file%s, first %s): run 'caseaudit migrate'",
             stale, stale == 1 ? "" : "s", first);
    goto fail;
  }
  if (have > need)
    log_warn("the database schema (version %d) is newer than this build (%d)", have, need);
  if (daemon_load_rules(cfg, err, errlen) != 0)
    goto fail;

  if (db_pool_init(cfg->db, (int)cfg->db_pool_size, cfg->timezone, cfg->db_connect_timeout_s,
                   cfg->db_statement_timeout_ms) != 0) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  struct http_server *s = http_start(cfg, tls_files.cert ? &tls_files.tls : NULL, err, errlen);
  if (s == NULL) {
    db_pool_shutdown();
    goto fail;
  }
  if (tls_files.cert == NULL && !listen_is_loopback(cfg->listen))
    log_warn("serving plain HTTP on %s, which is not a loopback address: tokens and case data cross the network "
             "unencrypted; set tls_cert and tls_key, or listen on 127.0.0.1 behind a TLS proxy",
             cfg->listen);
  return s;
fail:
  tls_unload();
  rules_shutdown();
  app_shutdown();
  return NULL;
}

void daemon_stop(struct http_server *s, bool (*wait_abort)(long ms))
{
  app_set_draining();
  http_quiesce(s);
  const struct config *cfg = app_config();
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    unsigned left = http_inflight();
    if (left == 0)
      break;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - start.tv_sec >= cfg->drain_timeout_s) {
      log_warn("drain deadline of %lds passed with %u requests in flight: stopping anyway", cfg->drain_timeout_s,
               left);
      break;
    }
    if (wait_abort != NULL) {
      if (wait_abort(20)) {
        log_warn("second signal: stopping with %u requests in flight", left);
        break;
      }
    } else {
      struct timespec tick = {0, 20 * 1000 * 1000};
      nanosleep(&tick, NULL);
    }
  }
  http_stop(s);
  tls_unload();
  db_pool_shutdown();
  rules_shutdown();
  app_shutdown();
}
