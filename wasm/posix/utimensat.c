#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "posix.h"

int utimensat(int dirfd, const char *path, const struct timespec times[2], int flags) {
  if (flags & ~AT_SYMLINK_NOFOLLOW) return __anymmap_ret(EINVAL);
  if (!path) return futimens(dirfd, times);
  __wasi_timestamp_t atim, mtim;
  __wasi_fstflags_t fst;
  char rel[ANYMMAP_PATH_MAX];
  int dir, err = __anymmap_timestamps(times, &atim, &mtim, &fst);
  if (!err) err = __anymmap_resolve(dirfd, path, &dir, rel);
  __wasi_lookupflags_t lookup =
      (flags & AT_SYMLINK_NOFOLLOW) ? 0 : __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  if (!err) err = __wasi_path_filestat_set_times(dir, lookup, rel, strlen(rel), atim, mtim, fst);
  return __anymmap_ret(err);
}
