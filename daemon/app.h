/* The daemon's shared state that signals may change: the current config and the draining flag. */
#ifndef CASEAUDIT_APP_H
#define CASEAUDIT_APP_H

#include <stdbool.h>

#include "config.h"

/* The config in force. The pointer stays valid until app_shutdown(): a reload swaps in a new one and keeps the
 * old alive, so a request that read it keeps a consistent view. */
const struct config *app_config(void);
/* Takes ownership of c and makes it current. */
void app_config_swap(struct config *c);

bool app_draining(void);
void app_set_draining(void);

void app_shutdown(void);

#endif
