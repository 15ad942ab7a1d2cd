#include <sys/stat.h>

#include "posix.h"

int futimens(int fd, const struct timespec times[2]) {
  __wasi_timestamp_t atim, mtim;
  __wasi_fstflags_t flags;
  int err = __anymmap_timestamps(times, &atim, &mtim, &flags);
  if (!err) err = __wasi_fd_filestat_set_times(fd, atim, mtim, flags);
  return __anymmap_ret(err);
}
