#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "posix.h"

/* readahead(2) is advice, which anymmap may ignore as Linux may; only its
 * errors are Linux's: EBADF for a descriptor not open for reading, EINVAL
 * for anything but a regular file. Emscripten's standalone library has
 * none. */
ssize_t readahead(int fd, off_t offset, size_t count) {
  (void)offset;
  (void)count;
  struct stat st;
  if (fstat(fd, &st) != 0) return -1;
  int mode = fcntl(fd, F_GETFL);
  if (mode < 0) return -1;
  if ((mode & O_ACCMODE) == O_WRONLY) return __anymmap_ret(EBADF);
  if (!S_ISREG(st.st_mode)) return __anymmap_ret(EINVAL);
  return 0;
}
