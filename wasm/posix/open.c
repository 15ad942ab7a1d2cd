#include <fcntl.h>
#include <stdarg.h>

int open(const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = (flags & O_CREAT) ? va_arg(ap, mode_t) : 0;
  va_end(ap);
  return openat(AT_FDCWD, path, flags, mode);
}
