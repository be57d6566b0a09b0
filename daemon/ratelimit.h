/* Failed-authentication limits per client address: brute-forcing tokens from one address is slowed to a crawl,
 * other addresses are not affected. */
#ifndef CASEAUDIT_RATELIMIT_H
#define CASEAUDIT_RATELIMIT_H

#include <stdbool.h>
#include <sys/socket.h>

/* Seconds until addr may try again (0: not blocked), given at most `limit` failures per `window_s`. */
unsigned ratelimit_blocked(const struct sockaddr *addr, unsigned limit, unsigned window_s);
/* Counts one failed authentication from addr. */
void ratelimit_failed(const struct sockaddr *addr, unsigned window_s);

#endif
