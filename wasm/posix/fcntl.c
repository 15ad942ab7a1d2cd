#include <fcntl.h>
#include <stdarg.h>

#include "posix.h"

int __anymmap_fcntl_lock(int fd, int cmd, struct flock *fl);

#define TRACKED_FDS 4096
static unsigned char cloexec[TRACKED_FDS];

void __anymmap_cloexec_set(int fd, int on) {
  if (fd >= 0 && fd < TRACKED_FDS) cloexec[fd] = (unsigned char)on;
}

void __anymmap_cloexec_forget(int fd) {
  __anymmap_cloexec_set(fd, 0);
}

/* Returns the result or -errno, as syscalls do. */
static long do_fcntl(int fd, int cmd, unsigned long arg) {
  __wasi_fdstat_t fs;
  int err;
  switch (cmd) {
    case F_GETFD:
    case F_SETFD:
    case F_GETFL:
    case F_SETFL:
      err = __wasi_fd_fdstat_get(fd, &fs);
      if (err) return -(err == __WASI_ERRNO_NOTCAPABLE ? EACCES : err);
      break;
    default:
      break;
  }
  switch (cmd) {
    case F_GETFD:
      return fd >= 0 && fd < TRACKED_FDS && cloexec[fd] ? FD_CLOEXEC : 0;
    case F_SETFD:
      __anymmap_cloexec_set(fd, (arg & FD_CLOEXEC) != 0);
      return 0;
    case F_GETFL: {
      int r = fs.fs_rights_base & __WASI_RIGHTS_FD_READ,
          w = fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE;
      long flags = r && w ? O_RDWR : w ? O_WRONLY : O_RDONLY;
      if (fs.fs_filetype == __WASI_FILETYPE_DIRECTORY) flags = O_RDONLY | O_DIRECTORY;
      if (fs.fs_flags & __WASI_FDFLAGS_APPEND) flags |= O_APPEND;
      if (fs.fs_flags & __WASI_FDFLAGS_NONBLOCK) flags |= O_NONBLOCK;
      if (fs.fs_flags & __WASI_FDFLAGS_DSYNC) flags |= O_DSYNC;
      if ((fs.fs_flags & __WASI_FDFLAGS_SYNC)) flags |= O_SYNC;
      return flags;
    }
    case F_SETFL: {
      /* Linux changes only O_APPEND, O_NONBLOCK, O_ASYNC, O_DIRECT and
       * O_NOATIME here and ignores the rest. Files never block, so
       * O_NONBLOCK changes nothing; O_APPEND goes to the host, which may
       * refuse (ENOTSUP: not provided). */
      int append = (arg & O_APPEND) != 0;
      if (append == ((fs.fs_flags & __WASI_FDFLAGS_APPEND) != 0)) return 0;
      __wasi_fdflags_t flags = (__wasi_fdflags_t)((fs.fs_flags & ~__WASI_FDFLAGS_APPEND) |
                                                  (append ? __WASI_FDFLAGS_APPEND : 0));
      err = __wasi_fd_fdstat_set_flags(fd, flags);
      return err ? -(err == __WASI_ERRNO_NOTSUP ? EINVAL : err) : 0;
    }
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      int r = __anymmap_dup_from(fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
      return r < 0 ? -errno : r;
    }
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
      err = __anymmap_fcntl_lock(fd, cmd, (struct flock *)arg);
      return err ? -(err == __WASI_ERRNO_NOTCAPABLE ? EACCES : err) : 0;
    default:
      err = __wasi_fd_fdstat_get(fd, &fs);
      return err ? -err : -EINVAL;
  }
}

/* What libc itself calls (fdopen, fopen's "e" mode...): Emscripten's
 * standalone library defines __syscall_fcntl64 (ENOSYS), so `anymmap cc`
 * links with --wrap=__syscall_fcntl64. */
long __wrap___syscall_fcntl64(long fd, long cmd, ...) {
  unsigned long arg = 0;
  va_list ap;
  va_start(ap, cmd);
  if (cmd != F_GETFL && cmd != F_GETFD) arg = va_arg(ap, unsigned long);
  va_end(ap);
  return do_fcntl((int)fd, (int)cmd, arg);
}

int fcntl(int fd, int cmd, ...) {
  unsigned long arg = 0;
  if (cmd != F_GETFL && cmd != F_GETFD) {
    va_list ap;
    va_start(ap, cmd);
    arg = va_arg(ap, unsigned long);
    va_end(ap);
  }
  long r = do_fcntl(fd, cmd, arg);
  if (r < 0) return __anymmap_ret((int)-r);
  return (int)r;
}
