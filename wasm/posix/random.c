#include <errno.h>
#include <sys/random.h>
#include <unistd.h>

#include "posix.h"

/* getrandom(2) and getentropy(3) over WASI's random_get, the host's
 * cryptographic generator (they failed to link): Linux's checks, EINVAL for
 * an unknown flag, EIO for getentropy of more than 256 bytes. */
ssize_t getrandom(void *buf, size_t len, unsigned flags) {
  if (flags & ~(unsigned)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
    return __anymmap_ret(EINVAL);
  /* Linux returns at most 33554431 bytes per call. */
  if (len > 33554431) len = 33554431;
  int err = __wasi_random_get(buf, len);
  return err ? __anymmap_ret(err) : (ssize_t)len;
}

int getentropy(void *buf, size_t len) {
  if (len > 256) return __anymmap_ret(EIO);
  return __anymmap_ret(__wasi_random_get(buf, len));
}
