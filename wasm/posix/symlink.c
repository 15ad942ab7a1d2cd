#include <fcntl.h>
#include <string.h>

#include "posix.h"

/* symlink(2) over WASI path_symlink: the target is stored as given; the
 * host refuses to follow it out of the preopened directories later. A host
 * without links answers EPERM, as Linux does for a file system without
 * them. */
long __syscall_symlinkat(long target, long newdirfd, long linkpath) {
  char rel[ANYMMAP_PATH_MAX];
  int dir, err = __anymmap_resolve((int)newdirfd, (const char *)linkpath, &dir, rel);
  if (err) return -err;
  const char *to = (const char *)target;
  if (!*to) return -ENOENT;
  err = __wasi_path_symlink(to, strlen(to), dir, rel, strlen(rel));
  if (err == __WASI_ERRNO_NOTSUP) return -EPERM;
  return -(err == __WASI_ERRNO_NOTCAPABLE ? EACCES : err);
}

long __syscall_symlink(long target, long linkpath) {
  return __syscall_symlinkat(target, AT_FDCWD, linkpath);
}
