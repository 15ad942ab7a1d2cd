#include <unistd.h>

#include "anymmap.h"

ssize_t pread(int fd, void *buf, size_t count, off_t offset) {
  return anymmap_pread(fd, buf, count, offset);
}
