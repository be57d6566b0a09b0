/* fuzz.h: what the libFuzzer harnesses share: the entry point and a check that survives NDEBUG. */
#ifndef CASEAUDIT_FUZZ_H
#define CASEAUDIT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* libFuzzer calls this once per input; tests/fuzz/replay.c calls it once per file. Returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a crash, so the fuzzer keeps the input and the replay test fails on it. */
#define FUZZ_CHECK(cond)                                                                                         \
  do {                                                                                                           \
    if (!(cond)) {                                                                                               \
      fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);                              \
      abort();                                                                                                   \
    }                                                                                                            \
  } while (0)

#endif
