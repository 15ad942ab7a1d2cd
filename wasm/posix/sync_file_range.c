#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "posix.h"

/* sync_file_range(2) with Linux's checks; the range's data is made durable
 * by fdatasync of the whole file (more than asked, never less), which also
 * writes back its dirty MAP_SHARED pages. Emscripten's standalone library
 * has none. */
int sync_file_range(int fd, off_t offset, off_t nbytes, unsigned flags) {
  const unsigned known =
      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER;
  if (flags & ~known || offset < 0 || nbytes < 0 || nbytes > INT64_MAX - offset)
    return __anymmap_ret(EINVAL);
  struct stat st;
  if (fstat(fd, &st) != 0) return -1;
  if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) return __anymmap_ret(ESPIPE);
  if (!S_ISREG(st.st_mode) || !(flags & SYNC_FILE_RANGE_WRITE)) return 0;
  return fdatasync(fd);
}
