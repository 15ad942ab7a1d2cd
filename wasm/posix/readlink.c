#include <fcntl.h>
#include <string.h>

#include "posix.h"

/* readlink(2) over WASI path_readlink: the target as stored, cut to size
 * without a NUL, as Linux does. A host without links (a directory in
 * memory) answers ENOTSUP: then EINVAL for what is not a symbolic link (what
 * realpath asks of every component), ENOSYS for one it cannot read. */
long __syscall_readlinkat(long dirfd, long path, long buf, long size) {
  char rel[ANYMMAP_PATH_MAX];
  int dir, err = __anymmap_resolve((int)dirfd, (const char *)path, &dir, rel);
  if (err) return -err;
  if (size <= 0) return -EINVAL;
  __wasi_size_t used;
  err = __wasi_path_readlink(dir, rel, strlen(rel), (uint8_t *)buf, (__wasi_size_t)size, &used);
  if (!err) return (long)used;
  if (err != __WASI_ERRNO_NOTSUP) return -(err == __WASI_ERRNO_NOTCAPABLE ? EACCES : err);
  __wasi_filestat_t st;
  err = __wasi_path_filestat_get(dir, 0, rel, strlen(rel), &st);
  if (err) return -(err == __WASI_ERRNO_NOTCAPABLE ? EACCES : err);
  return st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK ? -ENOSYS : -EINVAL;
}

long __syscall_readlink(long path, long buf, long size) {
  return __syscall_readlinkat(AT_FDCWD, path, buf, size);
}
