#include <unistd.h>

#include "posix.h"

/* As on Linux, what was written through MAP_SHARED mappings is flushed too. */
int fdatasync(int fd) {
  int err = __anymmap_writeback_fd(fd);
  if (!err) err = __wasi_fd_datasync(fd);
  return __anymmap_ret(err);
}
