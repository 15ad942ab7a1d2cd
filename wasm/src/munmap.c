#include <errno.h>
#include <sys/mman.h>

#include "internal.h"

int munmap(void *addr, size_t length) {
  uintptr_t a = linear_addr(addr);
  int err;
  if ((a & (PAGE_SIZE - 1)) || length == 0 ||
      (uint64_t)a + length > (uint64_t)NPAGES << PAGE_SHIFT) {
    err = EINVAL;
  } else {
    uint32_t start = (uint32_t)(a >> PAGE_SHIFT);
    err = unmap_range(start, start + pages_for(length), UNMAP_WRITE_BACK);
  }
  if (err) {
    errno = err;
    return -1;
  }
  return 0;
}
