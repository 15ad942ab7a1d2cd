#include <errno.h>
#include <sys/mman.h>

#include "internal.h"

int mincore(void *addr, size_t length, unsigned char *vec) {
  uintptr_t a = linear_addr(addr);
  int err = 0;
  uint32_t start = (uint32_t)(a >> PAGE_SHIFT), end = start + pages_for(length);
  if (a & (PAGE_SIZE - 1)) {
    err = EINVAL;
  } else if ((uint64_t)a + length > (uint64_t)NPAGES << PAGE_SHIFT ||
             !range_fully_mapped(start, end)) {
    err = ENOMEM;
  } else if (!vec && length) {
    err = EFAULT;
  } else {
    for (uint32_t p = start; p < end; p++) vec[p - start] = page_state[p] & PG_RESIDENT;
  }
  if (err) {
    errno = err;
    return -1;
  }
  return 0;
}
