#include <limits.h>
#include <sys/uio.h>
#include <unistd.h>

#include "anymmap.h"
#include "posix.h"

/* Piece by piece through anymmap_pwrite, so MAP_SHARED mappings see the
 * bytes at once (libc's pwritev goes to the host file directly). */
ssize_t pwritev(int fd, const struct iovec *iov, int count, off_t offset) {
  if (count < 0 || count > IOV_MAX || offset < 0) return __anymmap_ret(EINVAL);
  size_t total = 0;
  for (int i = 0; i < count; i++) {
    if (iov[i].iov_len == 0) continue;
    ssize_t w = anymmap_pwrite(fd, iov[i].iov_base, iov[i].iov_len, offset + (off_t)total);
    if (w < 0) return total ? (ssize_t)total : -1;
    total += (size_t)w;
    if ((size_t)w < iov[i].iov_len) break;
  }
  return (ssize_t)total;
}
