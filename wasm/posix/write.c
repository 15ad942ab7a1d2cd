#include <unistd.h>

#include "anymmap.h"
#include "posix.h"

/* At the descriptor's position (or its end with O_APPEND) through
 * anymmap_pwrite, so MAP_SHARED mappings see the bytes at once; streams
 * without a position (stdout, pipes) write directly. */
ssize_t write(int fd, const void *buf, size_t count) {
  __wasi_filesize_t at, moved;
  __wasi_fdstat_t fs;
  if (__wasi_fd_tell(fd, &at)) {
    __wasi_ciovec_t iov = {buf, count};
    __wasi_size_t n;
    int err = __wasi_fd_write(fd, &iov, 1, &n);
    return err ? __anymmap_ret(err) : (ssize_t)n;
  }
  int err = __wasi_fd_fdstat_get(fd, &fs);
  if (err) return __anymmap_ret(err);
  int append = (fs.fs_flags & __WASI_FDFLAGS_APPEND) != 0;
  /* Linux appends whatever offset pwrite gets on an O_APPEND descriptor. */
  ssize_t n = anymmap_pwrite(fd, buf, count, (off_t)at);
  if (n < 0) return n;
  if (append) (void)__wasi_fd_seek(fd, 0, __WASI_WHENCE_END, &moved);
  else (void)__wasi_fd_seek(fd, (__wasi_filedelta_t)(at + (size_t)n), __WASI_WHENCE_SET, &moved);
  return n;
}
