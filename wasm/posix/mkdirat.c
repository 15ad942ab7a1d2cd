#include <string.h>
#include <sys/stat.h>

#include "posix.h"

int mkdirat(int dirfd, const char *path, mode_t mode) {
  /* WASI has no modes: the host creates directories with its default. */
  (void)mode;
  char rel[ANYMMAP_PATH_MAX];
  int dir, err = __anymmap_resolve(dirfd, path, &dir, rel);
  if (!err) err = __wasi_path_create_directory(dir, rel, strlen(rel));
  return __anymmap_ret(err);
}
