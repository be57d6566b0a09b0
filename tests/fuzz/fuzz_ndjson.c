/* fuzz_ndjson.c: the NDJSON line splitter fed in chunks whose sizes come from the input, checked against a plain
 * model (split the whole stream at "\n"): the same lines, in order, with the same numbers and bytes; over-long
 * lines reported with their length and never held; a callback's refusal stops the stream.
 *
 * Input: byte 0 picks max_line, byte 1 the line at which on_line refuses (0: never), bytes 2..3 seed the chunk
 * sizes; the rest is the stream. */
#include <string.h>

#include "fuzz.h"
#include "ndjson.h"

struct event {
  size_t line_no;
  bool overlong;
  const uint8_t *data; /* into the input (model) */
  size_t len;
};

struct run {
  const uint8_t *stream;
  size_t stream_len;
  size_t max_line;
  size_t refuse_at; /* on_line answers non-zero at this line number (0: never) */
  struct event *want;
  size_t nwant, seen;
  bool refused;
};

static int on_line(void *arg, size_t line_no, const char *data, size_t len)
{
  struct run *run = arg;
  FUZZ_CHECK(!run->refused);
  FUZZ_CHECK(run->seen < run->nwant);
  const struct event *e = &run->want[run->seen++];
  FUZZ_CHECK(!e->overlong);
  FUZZ_CHECK(e->line_no == line_no);
  FUZZ_CHECK(e->len == len && len <= run->max_line);
  FUZZ_CHECK(memcmp(e->data, data, len) == 0);
  FUZZ_CHECK(data[len] == '\0' || data[len] == '\r'); /* the buffer stays NUL-terminated */
  if (line_no == run->refuse_at) {
    run->refused = true;
    return 1;
  }
  return 0;
}

static int on_overlong(void *arg, size_t line_no, size_t len)
{
  struct run *run = arg;
  FUZZ_CHECK(!run->refused);
  FUZZ_CHECK(run->seen < run->nwant);
  const struct event *e = &run->want[run->seen++];
  FUZZ_CHECK(e->overlong);
  FUZZ_CHECK(e->line_no == line_no);
  FUZZ_CHECK(e->len == len && len > run->max_line);
  return 0;
}

static bool blank(const uint8_t *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
      return false;
  return true;
}

/* The model: what a correct splitter reports for the whole stream. */
static size_t model(struct run *run)
{
  const uint8_t *p = run->stream, *end = run->stream + run->stream_len;
  size_t line_no = 1, lines = 0;
  while (p < end) {
    const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
    size_t raw = nl ? (size_t)(nl - p) : (size_t)(end - p);
    struct event e = {.line_no = line_no, .data = p};
    if (raw > run->max_line) {
      e.overlong = true;
      e.len = raw;
      run->want[run->nwant++] = e;
    } else {
      e.len = raw > 0 && p[raw - 1] == '\r' ? raw - 1 : raw;
      if (e.len > 0 && !blank(p, e.len))
        run->want[run->nwant++] = e;
    }
    lines++;
    line_no++;
    p += raw + (nl ? 1 : 0);
  }
  return lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 4)
    return 0;
  struct run run = {
    .stream = data + 4,
    .stream_len = size - 4,
    .max_line = data[0] == 255 ? (size_t)1 << 20 : (size_t)data[0] % 80,
    .refuse_at = data[1] % 16,
  };
  uint32_t seed = (uint32_t)data[2] << 8 | data[3] | 1u;
  run.want = calloc(run.stream_len + 1, sizeof *run.want);
  if (run.want == NULL)
    return 0;
  size_t lines = model(&run);

  struct ndjson nd;
  ndjson_init(&nd, run.max_line, on_line, on_overlong, &run);
  const char *p = (const char *)run.stream;
  size_t left = run.stream_len;
  int rc = 0;
  while (left > 0 && rc == 0) {
    seed ^= seed << 13; /* xorshift32: chunk sizes 0..64, repeatable from the input */
    seed ^= seed >> 17;
    seed ^= seed << 5;
    size_t chunk = seed % 65;
    if (chunk > left)
      chunk = left;
    rc = ndjson_feed(&nd, p, chunk);
    p += chunk;
    left -= chunk;
    FUZZ_CHECK(nd.cur.len <= run.max_line); /* memory stays at one line */
  }
  if (rc == 0)
    rc = ndjson_finish(&nd);
  if (run.refused) {
    FUZZ_CHECK(rc == -1);
  } else {
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(run.seen == run.nwant); /* every line, none twice */
    FUZZ_CHECK(nd.line_no == lines + 1);
    FUZZ_CHECK(ndjson_finish(&nd) == 0); /* finishing again delivers nothing */
  }
  ndjson_free(&nd);
  free(run.want);
  return 0;
}
