#include <unistd.h>

#include "anymmap.h"
#include "posix.h"

/* At the descriptor's position through anymmap_pread, which sees bytes
 * written through MAP_SHARED mappings; streams without a position (stdin,
 * pipes) read directly. */
ssize_t read(int fd, void *buf, size_t count) {
  __wasi_filesize_t at, moved;
  if (__wasi_fd_tell(fd, &at)) {
    __wasi_iovec_t iov = {buf, count};
    __wasi_size_t n;
    int err = __wasi_fd_read(fd, &iov, 1, &n);
    return err ? __anymmap_ret(err) : (ssize_t)n;
  }
  ssize_t n = anymmap_pread(fd, buf, count, (off_t)at);
  if (n > 0) (void)__wasi_fd_seek(fd, (__wasi_filedelta_t)(at + (size_t)n), __WASI_WHENCE_SET, &moved);
  return n;
}
