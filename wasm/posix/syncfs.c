#include <sys/stat.h>
#include <unistd.h>

#include "posix.h"

/* syncfs(2): WASI has no call for a whole file system, so every dirty
 * MAP_SHARED page of the program goes back to its file and fd's own file is
 * synced: at least what Linux's syncfs makes durable for this program.
 * EBADF for a descriptor that is not open (Emscripten's standalone library
 * has no syncfs). */
int syncfs(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return -1;
  int err = __anymmap_writeback_all();
  if (!err && S_ISREG(st.st_mode)) err = __wasi_fd_sync(fd);
  return __anymmap_ret(err);
}
