/* fuzz_validate.c: the case validator as the daemon runs it on a body: strict parse, case_validate(), free.
 * Invariants: a parse failure is exactly one detail at ""; a result counts exactly the details recorded; every
 * path is a JSON pointer; validation is deterministic; a document that parses survives a dump and re-parse with
 * the same verdict. */
#include <string.h>

#include "fuzz.h"
#include "validate.h"

static void check_report(const struct vreport *r)
{
  FUZZ_CHECK(r->count <= VALIDATE_MAX_DETAILS);
  for (size_t i = 0; i < r->count; i++) {
    FUZZ_CHECK(r->items[i].path != NULL && r->items[i].message != NULL);
    FUZZ_CHECK(r->items[i].path[0] == '\0' || r->items[i].path[0] == '/');
    FUZZ_CHECK(r->items[i].message[0] != '\0');
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct vreport r, again;
  vreport_init(&r);
  vreport_init(&again);
  json_t *root = json_parse_strict((const char *)data, size, &r), *back = NULL;
  char *dumped = NULL;

  check_report(&r);
  if (root == NULL) {
    FUZZ_CHECK(vreport_total(&r) == 1);
    FUZZ_CHECK(r.count == 0 || r.items[0].path[0] == '\0');
    goto out;
  }
  FUZZ_CHECK(json_is_object(root));
  FUZZ_CHECK(vreport_total(&r) == 0);
  int n = case_validate(root, &r);
  check_report(&r);
  if (n < 0)
    goto out; /* out of memory: the daemon answers 500 */
  FUZZ_CHECK((size_t)n == vreport_total(&r));
  FUZZ_CHECK(case_validate(root, &again) == n);
  vreport_free(&again);

  /* What the daemon would store (jansson's dump) reads back strictly, with the same verdict. */
  dumped = json_dumps(root, JSON_COMPACT);
  if (dumped == NULL)
    goto out;
  back = json_parse_strict(dumped, strlen(dumped), &again);
  FUZZ_CHECK(back != NULL);
  FUZZ_CHECK(json_equal(root, back));
  int m = case_validate(back, &again);
  FUZZ_CHECK(m < 0 || m == n);
out:
  free(dumped);
  json_decref(back);
  json_decref(root);
  vreport_free(&again);
  vreport_free(&r);
  return 0;
}
