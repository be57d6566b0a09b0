/* /ui/: plain HTML, CSS and JavaScript files from ui_dir (no subfolders, no generated names), under a strict
 * Content-Security-Policy. The page talks to the public API only. */
#include "http_ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"

#define UI_FILE_MAX (4u << 20)

static const char csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                          "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
                          "frame-ancestors 'none'";

static const struct {
  const char *ext, *type;
} types[] = {
  {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
  {".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
  {".png", "image/png"},                 {".json", "application/json; charset=utf-8"},
  {".ico", "image/x-icon"},
};

static void serve(struct request *r, const char *name)
{
  static const char *const no_params[] = {NULL};
  if (req_only_params(r, no_params) != 0)
    return;
  /* only plain names: letters, digits, . _ - (so never a path outside ui_dir) */
  size_t n = strlen(name);
  bool ok = n > 0 && n <= 64 && name[0] != '.';
  for (const char *p = name; ok && *p; p++)
    ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
         *p == '_' || *p == '-';
  const char *type = NULL;
  for (size_t i = 0; ok && i < sizeof types / sizeof types[0]; i++) {
    size_t el = strlen(types[i].ext);
    if (n > el && strcmp(name + n - el, types[i].ext) == 0)
      type = types[i].type;
  }
  if (!ok || type == NULL) {
    reply_error(r, ERR_NOT_FOUND, "no such file in the web page");
    return;
  }
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", app_config()->ui_dir, name);
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    reply_error(r, ERR_NOT_FOUND, "no such file in the web page");
    return;
  }
  struct buf b = {0};
  char chunk[16384];
  size_t got;
  bool too_big = false;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && !too_big) {
    too_big = b.len + got > UI_FILE_MAX;
    if (!too_big)
      buf_append(&b, chunk, got);
  }
  fclose(f);
  if (too_big) {
    buf_free(&b);
    reply_error(r, ERR_INTERNAL, "web page file too large");
    return;
  }
  reply_text(r, 200, type, b.data ? b.data : "", b.len);
  reply_header(r, "Content-Security-Policy", csp);
  reply_header(r, "X-Frame-Options", "DENY");
  reply_header(r, "Referrer-Policy", "no-referrer");
  buf_free(&b);
}

void handle_ui_index(struct request *r) { serve(r, "index.html"); }
void handle_ui_file(struct request *r) { serve(r, req_param(r, 0)); }

void handle_ui_redirect(struct request *r)
{
  reply_text(r, 308, "text/plain; charset=utf-8", "see /ui/\n", 9);
  reply_header(r, "Location", "/ui/");
}
