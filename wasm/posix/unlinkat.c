#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "posix.h"

int unlinkat(int dirfd, const char *path, int flags) {
  if (flags & ~AT_REMOVEDIR) return __anymmap_ret(EINVAL);
  char rel[ANYMMAP_PATH_MAX];
  int dir, err = __anymmap_resolve(dirfd, path, &dir, rel);
  if (err) return __anymmap_ret(err);
  /* Linux's answers for "dir/." and "dir/..": nothing is removed. */
  int tail = __anymmap_path_tail(path);
  if (tail == PATH_TAIL_DOT || tail == PATH_TAIL_DOTDOT)
    return __anymmap_ret(!(flags & AT_REMOVEDIR) ? EISDIR
                         : tail == PATH_TAIL_DOT ? EINVAL
                                                 : ENOTEMPTY);
  if (flags & AT_REMOVEDIR)
    err = __wasi_path_remove_directory(dir, rel, strlen(rel));
  else
    err = __wasi_path_unlink_file(dir, rel, strlen(rel));
  return __anymmap_ret(err);
}
