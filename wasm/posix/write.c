#include <unistd.h>

#include "posix.h"

/* At the descriptor's position (its end with O_APPEND) through
 * anymmap_pwrite, so MAP_SHARED mappings see the bytes at once
 * (vectored.c). */
ssize_t write(int fd, const void *buf, size_t count) {
  __wasi_ciovec_t iov = {buf, count};
  size_t n;
  int err = __anymmap_writev(fd, &iov, 1, &n);
  return err ? __anymmap_ret(err) : (ssize_t)n;
}
