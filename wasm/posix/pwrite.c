#include <unistd.h>

#include "anymmap.h"

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset) {
  return anymmap_pwrite(fd, buf, count, offset);
}
