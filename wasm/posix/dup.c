#include <fcntl.h>
#include <unistd.h>

#include "posix.h"

/* WASI has no dup: the host's anymmap.fd_dup puts the same file (one
 * position, as one open file description) under another number: the lowest
 * free one >= to, or exactly to. Returns the number or -errno (WASI). */
int __anymmap_host_fd_dup(int fd, int to, int exact)
    __attribute__((__import_module__("anymmap"), __import_name__("fd_dup")));

/* The lowest free descriptor >= lowest sharing fd's file: fcntl(F_DUPFD). */
int __anymmap_dup_from(int fd, int lowest, int cloexec) {
  if (lowest < 0) return __anymmap_ret(EINVAL);
  int r = __anymmap_host_fd_dup(fd, lowest, 0);
  if (r < 0) return __anymmap_ret(-r == __WASI_ERRNO_NOTSUP ? EINVAL : -r);
  __anymmap_ofd_share(r, fd);
  __anymmap_fd_path_share(r, fd);
  __anymmap_cloexec_set(r, cloexec);
  return r;
}

int dup(int fd) {
  return __anymmap_dup_from(fd, 0, 0);
}

int dup3(int fd, int to, int flags) {
  if (fd == to || (flags & ~O_CLOEXEC)) return __anymmap_ret(EINVAL);
  if (to < 0) return __anymmap_ret(EBADF);
  /* Check fd first: dup2 leaves to open when fd is bad. */
  __wasi_fdstat_t fs;
  int err = __wasi_fd_fdstat_get(fd, &fs);
  if (err) return __anymmap_ret(err);
  /* Through close(): a mapped file's descriptor is parked, locks released. */
  (void)close(to);
  int r = __anymmap_host_fd_dup(fd, to, 1);
  if (r < 0) return __anymmap_ret(-r == __WASI_ERRNO_NOTSUP ? EINVAL : -r);
  __anymmap_ofd_share(r, fd);
  __anymmap_fd_path_share(r, fd);
  __anymmap_cloexec_set(r, (flags & O_CLOEXEC) != 0);
  return r;
}

int dup2(int fd, int to) {
  if (fd == to) {
    __wasi_fdstat_t fs;
    int err = __wasi_fd_fdstat_get(fd, &fs);
    return err ? __anymmap_ret(err) : fd;
  }
  return dup3(fd, to, 0);
}

/* musl's freopen calls its internal name: without this one, libc's stub
 * (ENOSYS) was linked and freopen failed, closing the stream. */
int __dup3(int fd, int to, int flags) {
  return dup3(fd, to, flags);
}
