#include <fcntl.h>
#include <string.h>

#include "posix.h"

/* readlink(2) as far as WASI hosts here go: EINVAL for what is not a
 * symbolic link (what realpath asks of every component), ENOENT... for
 * what does not exist; the target of a link itself is not provided
 * (ENOSYS: the host has no path_readlink). */
long __syscall_readlinkat(long dirfd, long path, long buf, long size) {
  (void)buf;
  char rel[ANYMMAP_PATH_MAX];
  int dir, err = __anymmap_resolve((int)dirfd, (const char *)path, &dir, rel);
  if (err) return -err;
  if (size <= 0) return -EINVAL;
  __wasi_filestat_t st;
  err = __wasi_path_filestat_get(dir, 0, rel, strlen(rel), &st);
  if (err) return -(err == __WASI_ERRNO_NOTCAPABLE ? EACCES : err);
  return st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK ? -ENOSYS : -EINVAL;
}

long __syscall_readlink(long path, long buf, long size) {
  return __syscall_readlinkat(AT_FDCWD, path, buf, size);
}
