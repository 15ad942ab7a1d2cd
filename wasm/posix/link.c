#include <fcntl.h>
#include <string.h>

#include "posix.h"

/* link(2) over WASI path_link. A host without hard links answers ENOTSUP:
 * EPERM, as Linux says for a file system that has none. */
long __syscall_linkat(long olddirfd, long oldpath, long newdirfd, long newpath, long flags) {
  if (flags & ~AT_SYMLINK_FOLLOW) return -EINVAL;
  char from[ANYMMAP_PATH_MAX], to[ANYMMAP_PATH_MAX];
  int fromdir, todir, err = __anymmap_resolve((int)olddirfd, (const char *)oldpath, &fromdir, from);
  if (!err) err = __anymmap_resolve((int)newdirfd, (const char *)newpath, &todir, to);
  if (!err)
    err = __wasi_path_link(fromdir,
                           (flags & AT_SYMLINK_FOLLOW) ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0,
                           from, strlen(from), todir, to, strlen(to));
  if (err == __WASI_ERRNO_NOTSUP) return -EPERM;
  return -(err == __WASI_ERRNO_NOTCAPABLE ? EACCES : err);
}

/* Emscripten's stub library defines __syscall_link (EMLINK, "no hardlinks"),
 * so libc's link() reaches this through -Wl,--wrap=__syscall_link. */
long __wrap___syscall_link(long oldpath, long newpath) {
  return __syscall_linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}
