#include <limits.h>

#include "../src/internal.h"
#include "anymmap.h"
#include "posix.h"

/* What is left of Linux's MAX_RW_COUNT for one piece of a vector. */
static size_t piece(size_t len, size_t total) {
  return len < MAX_RW_COUNT - total ? len : MAX_RW_COUNT - total;
}

/* The first pieces of iovs that MAX_RW_COUNT allows, into capped (IOV_MAX
 * entries at most, as Linux takes); returns how many. */
static size_t capped_vector(const __wasi_ciovec_t *iovs, size_t n, __wasi_ciovec_t *capped) {
  size_t total = 0, k = 0;
  for (; k < n && k < IOV_MAX && total < MAX_RW_COUNT; k++) {
    capped[k] = iovs[k];
    capped[k].buf_len = piece(iovs[k].buf_len, total);
    total += capped[k].buf_len;
  }
  return k;
}

int __anymmap_readv(int fd, const __wasi_iovec_t *iovs, size_t n, size_t *done) {
  __wasi_filesize_t at, moved;
  *done = 0;
  if (__wasi_fd_tell(fd, &at)) {
    __wasi_ciovec_t capped[IOV_MAX];
    size_t k = capped_vector((const __wasi_ciovec_t *)iovs, n, capped);
    __wasi_size_t got = 0;
    int err = __anymmap_host_fd_read(fd, (const __wasi_iovec_t *)capped, k, &got);
    *done = got;
    return err;
  }
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    if (iovs[i].buf_len == 0) continue;
    size_t len = piece(iovs[i].buf_len, total);
    if (len == 0) break;
    ssize_t r = anymmap_pread(fd, iovs[i].buf, len, (off_t)(at + total));
    if (r < 0) {
      if (total == 0) return errno;
      break;
    }
    total += (size_t)r;
    if ((size_t)r < iovs[i].buf_len) break; /* end of file, or MAX_RW_COUNT */
  }
  if (total) (void)__wasi_fd_seek(fd, (__wasi_filedelta_t)(at + total), __WASI_WHENCE_SET, &moved);
  *done = total;
  return 0;
}

int __anymmap_writev(int fd, const __wasi_ciovec_t *iovs, size_t n, size_t *done) {
  __wasi_filesize_t at, moved;
  __wasi_fdstat_t fs;
  *done = 0;
  if (__wasi_fd_tell(fd, &at)) {
    __wasi_ciovec_t capped[IOV_MAX];
    size_t k = capped_vector(iovs, n, capped);
    __wasi_size_t put = 0;
    int err = __anymmap_host_fd_write(fd, capped, k, &put);
    if (err == EPIPE) __anymmap_sigpipe();
    *done = put;
    return err;
  }
  int err = __wasi_fd_fdstat_get(fd, &fs);
  if (err) return err;
  int append = (fs.fs_flags & __WASI_FDFLAGS_APPEND) != 0;
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    if (iovs[i].buf_len == 0) continue;
    /* On an O_APPEND descriptor each piece goes to the end, right after the
     * previous one, as Linux's one append of the whole vector. */
    size_t len = piece(iovs[i].buf_len, total);
    if (len == 0) break;
    ssize_t w = anymmap_pwrite(fd, iovs[i].buf, len, (off_t)(at + total));
    if (w < 0) {
      if (total == 0) return errno;
      break;
    }
    total += (size_t)w;
    if ((size_t)w < iovs[i].buf_len) break;
  }
  if (append)
    (void)__wasi_fd_seek(fd, 0, __WASI_WHENCE_END, &moved);
  else if (total)
    (void)__wasi_fd_seek(fd, (__wasi_filedelta_t)(at + total), __WASI_WHENCE_SET, &moved);
  *done = total;
  return 0;
}
