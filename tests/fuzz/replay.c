/* replay.c: feeds every file of the given directories to a fuzz target's LLVMFuzzerTestOneInput, one TAP line
 * each, so the seed corpus and every crash the fuzzer found stay regression tests in every build (gcc too). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* The whole file in a buffer of exactly its size (so the sanitizers see any read past the end). */
static int read_all(const char *path, uint8_t **out, size_t *len)
{
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  size_t cap = 0, n = 0;
  int rc = -1;

  if (f == NULL)
    return -1;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 4096;
      uint8_t *b = realloc(buf, cap);
      if (b == NULL)
        goto out;
      buf = b;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  if (ferror(f))
    goto out;
  *out = malloc(n ? n : 1);
  if (*out == NULL)
    goto out;
  memcpy(*out, buf, n);
  *len = n;
  rc = 0;
out:
  free(buf);
  fclose(f);
  return rc;
}

static int skip_hidden(const struct dirent *e) { return e->d_name[0] != '.'; }

int main(int argc, char **argv)
{
  int total = 0, failed = 0;

  if (argc < 2) {
    fprintf(stderr, "usage: %s DIR...  (feeds each file to the fuzz target)\n", argv[0]);
    return 2;
  }
  for (int a = 1; a < argc; a++) {
    struct dirent **names = NULL;
    int n = scandir(argv[a], &names, skip_hidden, alphasort);
    if (n < 0) {
      printf("not ok %d - %s: cannot list: %s\n", ++total, argv[a], strerror(errno));
      failed++;
      continue;
    }
    for (int i = 0; i < n; i++) {
      char path[4096];
      uint8_t *data = NULL;
      size_t len = 0;
      snprintf(path, sizeof path, "%s/%s", argv[a], names[i]->d_name);
      free(names[i]);
      if (read_all(path, &data, &len) != 0) {
        printf("not ok %d - %s: cannot read: %s\n", ++total, path, strerror(errno));
        failed++;
        continue;
      }
      /* a crash ends the program here; the line above it names the input */
      printf("# %s (%zu bytes)\n", path, len);
      fflush(stdout);
      LLVMFuzzerTestOneInput(data, len);
      free(data);
      printf("ok %d - %s\n", ++total, path);
    }
    free(names);
  }
  printf("1..%d\n", total);
  return failed ? 1 : 0;
}
