#include <unistd.h>

#include "anymmap.h"

/* Cut bytes read as zeros in MAP_SHARED mappings when the file grows again. */
int ftruncate(int fd, off_t length) {
  return anymmap_ftruncate(fd, length);
}
