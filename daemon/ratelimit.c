/* A fixed table of recent failures per address (fixed windows). Memory stays at TABLE entries whatever the number
 * of attackers: a colliding address takes over its slot, which can only make the limit more lenient for one of the
 * two, never block a valid client. */
#include "ratelimit.h"

#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#define TABLE 4096

struct slot {
  unsigned char addr[16];
  time_t window_start;
  unsigned fails;
};

static struct slot table[TABLE];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int key(const struct sockaddr *sa, unsigned char out[16])
{
  memset(out, 0, 16);
  if (sa == NULL)
    return -1;
  if (sa->sa_family == AF_INET) {
    memcpy(out + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    out[10] = out[11] = 0xff;
    return 0;
  }
  if (sa->sa_family == AF_INET6) {
    memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
    return 0;
  }
  return -1;
}

static struct slot *find(const unsigned char k[16])
{
  unsigned h = 2166136261u;
  for (int i = 0; i < 16; i++)
    h = (h ^ k[i]) * 16777619u;
  return &table[h % TABLE];
}

unsigned ratelimit_blocked(const struct sockaddr *addr, unsigned limit, unsigned window_s)
{
  unsigned char k[16];
  if (key(addr, k) != 0 || limit == 0)
    return 0;
  time_t now = time(NULL);
  unsigned wait = 0;
  pthread_mutex_lock(&lock);
  struct slot *s = find(k);
  if (memcmp(s->addr, k, 16) == 0 && now - s->window_start < (time_t)window_s && s->fails >= limit)
    wait = (unsigned)(window_s - (unsigned)(now - s->window_start));
  pthread_mutex_unlock(&lock);
  return wait;
}

void ratelimit_failed(const struct sockaddr *addr, unsigned window_s)
{
  unsigned char k[16];
  if (key(addr, k) != 0)
    return;
  time_t now = time(NULL);
  pthread_mutex_lock(&lock);
  struct slot *s = find(k);
  if (memcmp(s->addr, k, 16) != 0 || now - s->window_start >= (time_t)window_s) {
    memcpy(s->addr, k, 16);
    s->window_start = now;
    s->fails = 0;
  }
  s->fails++;
  pthread_mutex_unlock(&lock);
}
