/* Handler of /ui/: the reviewers' web page, static files served from ui_dir. */
#ifndef CASEAUDIT_HTTP_UI_H
#define CASEAUDIT_HTTP_UI_H

#include "http.h"

void handle_ui_index(struct request *r);
void handle_ui_file(struct request *r);
void handle_ui_redirect(struct request *r);

#endif
