#include <stdlib.h>

extern char **__environ;

/* clearenv(3) as musl's, without its bookkeeping of strings setenv
 * allocated (they stay allocated). Emscripten's standalone library has
 * none. */
int clearenv(void) {
  __environ = 0;
  return 0;
}
