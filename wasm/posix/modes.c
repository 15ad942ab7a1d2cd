/*
 * File modes and owners, which WASI does not have: stat reports 0644 for
 * files, 0755 for directories and owner 0, whatever is asked. chmod and
 * chown therefore change nothing, and succeed where Linux would for root:
 * on a file that exists (ENOENT, ENOTDIR, EACCES outside the directories as
 * for any path), on an open descriptor (EBADF otherwise). Programs that set
 * a mode after creating a file run on; one that checks the mode it set sees
 * the fixed one. umask starts at Linux's usual 022 (Emscripten's is 0777)
 * and only remembers what is set.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "posix.h"

static long exists(long dirfd, long path, int follow) {
  char rel[ANYMMAP_PATH_MAX];
  int dir, err = __anymmap_resolve((int)dirfd, (const char *)path, &dir, rel);
  if (err) return -err;
  __wasi_filestat_t st;
  err = __wasi_path_filestat_get(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, rel,
                                 strlen(rel), &st);
  return -(err == __WASI_ERRNO_NOTCAPABLE ? EACCES : err);
}

static long open_fd(long fd) {
  __wasi_fdstat_t fs;
  return __wasi_fd_fdstat_get((int)fd, &fs) ? -EBADF : 0;
}

long __syscall_chmod(long path, long mode) {
  (void)mode;
  return exists(AT_FDCWD, path, 1);
}

long __syscall_fchmodat(long dirfd, long path, long mode, ...) {
  (void)mode;
  return exists(dirfd, path, 1);
}

long __syscall_fchmod(long fd, long mode) {
  (void)mode;
  return open_fd(fd);
}

long __syscall_chown32(long path, long owner, long group) {
  (void)owner, (void)group;
  return exists(AT_FDCWD, path, 1);
}

long __syscall_lchown32(long path, long owner, long group) {
  (void)owner, (void)group;
  return exists(AT_FDCWD, path, 0);
}

long __syscall_fchownat(long dirfd, long path, long owner, long group, long flags) {
  (void)owner, (void)group;
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  if ((flags & AT_EMPTY_PATH) && !*(const char *)path) return open_fd(dirfd);
  return exists(dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW));
}

long __syscall_fchown32(long fd, long owner, long group) {
  (void)owner, (void)group;
  return open_fd(fd);
}

static long mask = 022;

/* Through -Wl,--wrap=__syscall_umask: Emscripten's stub library has one. */
long __wrap___syscall_umask(long new_mask) {
  long old = mask;
  mask = new_mask & 0777;
  return old;
}
