/* Swappable daemon state. Old configs are kept until shutdown: a few hundred bytes per SIGHUP. */
#include "app.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(struct config *) current;
static struct config **retired;
static size_t nretired;
static atomic_bool draining;

const struct config *app_config(void) { return atomic_load(&current); }

void app_config_swap(struct config *c)
{
  pthread_mutex_lock(&lock);
  struct config *old = atomic_exchange(&current, c);
  if (old != NULL) {
    struct config **r = realloc(retired, (nretired + 1) * sizeof *r);
    if (r != NULL) {
      retired = r;
      retired[nretired++] = old;
    } /* else: leak the old config rather than free it under a reader */
  }
  pthread_mutex_unlock(&lock);
}

bool app_draining(void) { return atomic_load(&draining); }
void app_set_draining(void) { atomic_store(&draining, true); }

void app_shutdown(void)
{
  pthread_mutex_lock(&lock);
  config_free(atomic_exchange(&current, NULL));
  for (size_t i = 0; i < nretired; i++)
    config_free(retired[i]);
  free(retired);
  retired = NULL;
  nretired = 0;
  atomic_store(&draining, false);
  pthread_mutex_unlock(&lock);
}
