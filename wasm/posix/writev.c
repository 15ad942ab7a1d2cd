#include <limits.h>
#include <sys/uio.h>

#include "posix.h"

ssize_t writev(int fd, const struct iovec *iov, int count) {
  if (count < 0 || count > IOV_MAX) return __anymmap_ret(EINVAL);
  size_t n;
  int err = __anymmap_writev(fd, (const __wasi_ciovec_t *)iov, (size_t)count, &n);
  return err ? __anymmap_ret(err) : (ssize_t)n;
}
