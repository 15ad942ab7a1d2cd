#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "posix.h"

int fstatat(int dirfd, const char *path, struct stat *st, int flags) {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return __anymmap_ret(EINVAL);
  if ((flags & AT_EMPTY_PATH) && path && !path[0]) return fstat(dirfd, st);
  char rel[ANYMMAP_PATH_MAX];
  int dir, err = __anymmap_resolve(dirfd, path, &dir, rel);
  /* /dev/zero, /dev/null, /dev/stdout, /dev/fd/N...: unless a --dir provides them, as open finds
   * them. */
  if (err == ENOENT) {
    err = __anymmap_special_stat(dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), st);
    return err ? __anymmap_ret(err) : 0;
  }
  if (err) return __anymmap_ret(err);
  __wasi_filestat_t w;
  __wasi_lookupflags_t lookup =
      (flags & AT_SYMLINK_NOFOLLOW) ? 0 : __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  err = __wasi_path_filestat_get(dir, lookup, rel, strlen(rel), &w);
  if (err) return __anymmap_ret(err);
  __anymmap_stat_from_wasi(&w, st);
  return 0;
}
