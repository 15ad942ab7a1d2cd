#include <fcntl.h>
#include <stdio.h>

int rename(const char *oldpath, const char *newpath) {
  return renameat(AT_FDCWD, oldpath, AT_FDCWD, newpath);
}
