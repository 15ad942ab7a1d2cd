#include <stdio.h>
#include <string.h>

#include "posix.h"

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
  char from[ANYMMAP_PATH_MAX], to[ANYMMAP_PATH_MAX];
  int fromdir, todir, err = __anymmap_resolve(olddirfd, oldpath, &fromdir, from);
  if (!err) err = __anymmap_resolve(newdirfd, newpath, &todir, to);
  if (!err) err = __wasi_path_rename(fromdir, from, strlen(from), todir, to, strlen(to));
  return __anymmap_ret(err);
}
