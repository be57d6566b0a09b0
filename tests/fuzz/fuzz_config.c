/* fuzz_config.c: the config file loader on arbitrary file contents (the file lives in a memfd, so the loader reads
 * it through its own path, as the daemon does on start and SIGHUP).
 * Invariants: an error names the file and is one line; a file that loads yields a config whose listen address
 * splits, which prints every key once, and which loads again from its own printed form to the same values. */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

static int fd = -1;
static char path[64];

static int write_file(int to, const uint8_t *data, size_t size)
{
  if (ftruncate(to, 0) != 0)
    return -1;
  size_t done = 0;
  while (done < size) {
    ssize_t n = pwrite(to, data + done, size - done, (off_t)done);
    if (n <= 0)
      return -1;
    done += (size_t)n;
  }
  return 0;
}

static void noop_warn(const char *key) { FUZZ_CHECK(key != NULL && key[0] != '\0'); }

static char *print(const struct config *c, size_t *len)
{
  char *text = NULL;
  FILE *out = open_memstream(&text, len);
  FUZZ_CHECK(out != NULL);
  config_print(c, out);
  FUZZ_CHECK(fclose(out) == 0);
  return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (fd < 0) {
    fd = memfd_create("fuzz-config", 0);
    FUZZ_CHECK(fd >= 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  }
  if (write_file(fd, data, size) != 0)
    return 0;

  struct config *c = config_new(), *defaults = config_new();
  char err[1024] = "";
  if (config_load_file(c, path, err, sizeof err) != 0) {
    FUZZ_CHECK(strncmp(err, path, strlen(path)) == 0);
    FUZZ_CHECK(strchr(err, '\n') == NULL);
    goto out;
  }
  FUZZ_CHECK(err[0] == '\0');
  char host[256];
  unsigned port;
  FUZZ_CHECK(config_listen_parts(c->listen, host, sizeof host, &port) == 0);
  config_changed_fixed_keys(defaults, c, noop_warn);

  /* The printed form (secrets masked) has one line per key; with the real db put back it loads to the same. */
  size_t len = 0;
  char *text = print(c, &len);
  size_t lines = 0;
  for (size_t i = 0; i < len; i++)
    lines += text[i] == '\n';
  size_t dlen = 0, dlines = 0;
  char *dtext = print(defaults, &dlen);
  for (size_t i = 0; i < dlen; i++)
    dlines += dtext[i] == '\n';
  free(dtext);
  FUZZ_CHECK(lines == dlines);
  struct config *d = config_new();
  FUZZ_CHECK(write_file(fd, (const uint8_t *)text, len) == 0);
  free(text);
  if (config_load_file(d, path, err, sizeof err) == 0) {
    FUZZ_CHECK(config_set(d, "db", c->db, err, sizeof err) == 0);
    char *a = print(c, &len), *b = print(d, &len);
    FUZZ_CHECK(strcmp(a, b) == 0);
    free(a);
    free(b);
  }
  /* A value with leading or trailing blanks does not survive the printed form (inih strips them): fine. */
  config_free(d);
out:
  config_free(defaults);
  config_free(c);
  return 0;
}
