#include <errno.h>
#include <sys/mman.h>

#include "internal.h"

int mprotect(void *addr, size_t length, int prot) {
  uintptr_t a = linear_addr(addr);
  int err = 0;
  uint32_t start = (uint32_t)(a >> PAGE_SHIFT), end = start + pages_for(length);
  if ((a & (PAGE_SIZE - 1)) ||
      (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))) {
    err = EINVAL;
  } else if (length == 0) {
    return 0;
  } else if ((uint64_t)a + length > (uint64_t)NPAGES << PAGE_SHIFT ||
             !range_fully_mapped(start, end)) {
    err = ENOMEM;
  } else {
    prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
    for (uint32_t i = vma_lower_bound(start); i < nvmas && vmas[i].start < end; i++)
      if ((prot & PROT_WRITE) && !vmas[i].maywrite) err = EACCES;
    for (uint32_t i = vma_lower_bound(start); !err && i < nvmas && vmas[i].start < end; i++) {
      if (vmas[i].start < start) {
        err = vma_split(i, start);
        continue;
      }
      if (vmas[i].end > end && (err = vma_split(i, end))) break;
      vma_set_writable(&vmas[i], (prot & PROT_WRITE) != 0);
      vmas[i].prot = (uint8_t)prot;
    }
    vma_merge(start, end);
  }
  if (err) {
    errno = err;
    return -1;
  }
  return 0;
}
