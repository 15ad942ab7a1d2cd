#include <stdio.h>
#include <string.h>

#include "posix.h"

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
  char from[ANYMMAP_PATH_MAX], to[ANYMMAP_PATH_MAX];
  int fromdir, todir, err = __anymmap_resolve(olddirfd, oldpath, &fromdir, from);
  if (!err) err = __anymmap_resolve(newdirfd, newpath, &todir, to);
  /* Linux's answers: "." or ".." as either name is EBUSY; a name ending in
   * "/" must be a directory, so a file moved to "name/" is ENOTDIR. */
  int old_tail = err ? 0 : __anymmap_path_tail(oldpath),
      new_tail = err ? 0 : __anymmap_path_tail(newpath);
  if (!err && (old_tail >= PATH_TAIL_DOT || new_tail >= PATH_TAIL_DOT)) err = EBUSY;
  if (!err && new_tail == PATH_TAIL_SLASH) err = __anymmap_is_dir(fromdir, from);
  if (!err) err = __wasi_path_rename(fromdir, from, strlen(from), todir, to, strlen(to));
  return __anymmap_ret(err);
}
