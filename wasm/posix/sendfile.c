#include <sys/sendfile.h>
#include <unistd.h>

#include "posix.h"

/* Emscripten has no sendfile: a copy through a buffer with the coherent
 * read/pread and write, so MAP_SHARED mappings of either file agree. */
ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count) {
  char buf[16384];
  size_t total = 0;
  if (offset && *offset < 0) return __anymmap_ret(EINVAL);
  while (total < count) {
    size_t want = count - total < sizeof buf ? count - total : sizeof buf;
    ssize_t r = offset ? pread(in_fd, buf, want, *offset + (off_t)total) : read(in_fd, buf, want);
    if (r < 0) return total ? (ssize_t)total : -1;
    if (r == 0) break;
    ssize_t w = write(out_fd, buf, (size_t)r);
    if (w < 0) {
      /* What was read but not written goes back to the input's position. */
      if (!offset) (void)lseek(in_fd, -(off_t)r, SEEK_CUR);
      return total ? (ssize_t)total : -1;
    }
    total += (size_t)w;
    if (w < r) {
      if (!offset) (void)lseek(in_fd, -(off_t)(r - w), SEEK_CUR);
      break;
    }
  }
  if (offset) *offset += (off_t)total;
  return (ssize_t)total;
}
