/* Serves the OpenAPI 3 document compiled in from daemon/openapi.json. */
#include "http_openapi.h"

#include "embedded.h"

void handle_openapi(struct request *r)
{
  static const char *const no_params[] = {NULL};
  if (req_only_params(r, no_params) != 0)
    return;
  const struct embedded_file *doc = &embedded_openapi[0];
  reply_text(r, 200, "application/json; charset=utf-8", doc->data, doc->len);
}
