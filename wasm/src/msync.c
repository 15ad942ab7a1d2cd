#include <errno.h>
#include <sys/mman.h>

#include "internal.h"

static int sync_files(uint32_t start, uint32_t end) {
  for (uint32_t i = vma_lower_bound(start); i < nvmas && vmas[i].start < end; i++) {
    const struct object *o = &objects[vmas[i].obj];
    if (o->kind != OBJ_FILE_SHARED) continue;
    const struct file *f = &files[o->file];
    int err = __wasi_fd_datasync(f->wfd >= 0 ? f->wfd : f->rfd);
    if (err) return err;
  }
  return 0;
}

int msync(void *addr, size_t length, int flags) {
  uintptr_t a = linear_addr(addr);
  int err = 0;
  if ((a & (PAGE_SIZE - 1)) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
      ((flags & MS_ASYNC) && (flags & MS_SYNC))) {
    err = EINVAL;
  } else if ((uint64_t)a + length > (uint64_t)NPAGES << PAGE_SHIFT) {
    err = ENOMEM;
  } else if (length) {
    uint32_t start = (uint32_t)(a >> PAGE_SHIFT), end = start + pages_for(length);
    /* Linux syncs what is mapped and reports the holes afterwards. */
    int holes = !range_fully_mapped(start, end);
    err = writeback(start, end);
    if (!err && (flags & MS_SYNC)) err = sync_files(start, end);
    if (!err && (flags & MS_INVALIDATE)) err = reload_pages(start, end, RELOAD_SHARED);
    if (!err && holes) err = ENOMEM;
  }
  if (err) {
    errno = err;
    return -1;
  }
  return 0;
}
