#include <sys/stat.h>

#include "posix.h"

int fstat(int fd, struct stat *st) {
  __wasi_filestat_t w;
  int err = __wasi_fd_filestat_get(fd, &w);
  if (err) return __anymmap_ret(err);
  __anymmap_stat_from_wasi(&w, st);
  return 0;
}
