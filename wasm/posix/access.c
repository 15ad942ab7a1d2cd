#include <fcntl.h>
#include <unistd.h>

int access(const char *path, int amode) {
  return faccessat(AT_FDCWD, path, amode, 0);
}
