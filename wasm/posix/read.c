#include <unistd.h>

#include "posix.h"

/* At the descriptor's position through anymmap_pread, which sees bytes
 * written through MAP_SHARED mappings (vectored.c). */
ssize_t read(int fd, void *buf, size_t count) {
  __wasi_iovec_t iov = {buf, count};
  size_t n;
  int err = __anymmap_readv(fd, &iov, 1, &n);
  return err ? __anymmap_ret(err) : (ssize_t)n;
}
