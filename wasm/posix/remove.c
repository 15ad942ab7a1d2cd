#include <errno.h>
#include <stdio.h>
#include <unistd.h>

/* remove(3) as musl's, over anymmap's unlink and rmdir: musl's calls the
 * raw unlink and rmdir syscalls, which Emscripten's standalone library
 * answers with ENOSYS. */
int remove(const char *path) {
  int r = unlink(path);
  if (r != 0 && errno == EISDIR) r = rmdir(path);
  return r;
}
