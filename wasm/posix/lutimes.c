#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "posix.h"

/* lutimes(3): utimensat on the link itself (Emscripten's standalone
 * library has none). */
int lutimes(const char *path, const struct timeval tv[2]) {
  struct timespec times[2];
  int err = tv ? __anymmap_timeval_times(tv, times) : 0;
  return err ? __anymmap_ret(err) : utimensat(AT_FDCWD, path, tv ? times : 0, AT_SYMLINK_NOFOLLOW);
}
