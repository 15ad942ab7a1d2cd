#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "posix.h"

/* posix_fadvise(2) is advice, which Linux may ignore and so may we; only
 * its errors are Linux's: EBADF, ESPIPE for a pipe, EINVAL for a negative
 * length or unknown advice. Emscripten's standalone library answered
 * ENOSYS. Like Linux's, it returns the error rather than setting errno. */
int posix_fadvise(int fd, off_t offset, off_t len, int advice) {
  (void)offset;
  struct stat st;
  int saved = errno;
  int err = fstat(fd, &st) != 0 ? errno : 0;
  errno = saved;
  if (err) return err;
  if (S_ISFIFO(st.st_mode)) return ESPIPE;
  if (len < 0 || advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE) return EINVAL;
  return 0;
}
