#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>

/* What libc's fopen() and friends call: Emscripten's standalone one fails
 * with EPERM. Returns the descriptor or -errno, as syscalls do. */
long __syscall_open(const char *path, long flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = (flags & O_CREAT) ? va_arg(ap, mode_t) : 0;
  va_end(ap);
  int fd = openat(AT_FDCWD, path, (int)flags, mode);
  return fd < 0 ? -errno : fd;
}
