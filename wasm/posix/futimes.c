#include <sys/stat.h>
#include <sys/time.h>

#include "posix.h"

/* futimes(3) over anymmap's futimens (Emscripten's standalone library has
 * none). */
int futimes(int fd, const struct timeval tv[2]) {
  struct timespec times[2];
  int err = tv ? __anymmap_timeval_times(tv, times) : 0;
  return err ? __anymmap_ret(err) : futimens(fd, tv ? times : 0);
}
