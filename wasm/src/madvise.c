#include <errno.h>
#include <sys/mman.h>

#include "internal.h"

static int populate(uint32_t start, uint32_t end) {
  for (uint32_t i = vma_lower_bound(start); i < nvmas && vmas[i].start < end; i++) {
    uint32_t lo = vmas[i].start > start ? vmas[i].start : start;
    uint32_t hi = vmas[i].end < end ? vmas[i].end : end;
    /* Past the end of the file there is nothing to read ahead. */
    int err = load_vma_pages(&vmas[i], lo, hi, vmas[i].lazy ? LOAD_CLIP : LOAD_ALL);
    if (err) return err;
  }
  return 0;
}

static int set_advice(uint32_t start, uint32_t end, int advice) {
  for (uint32_t i = vma_lower_bound(start); i < nvmas && vmas[i].start < end; i++) {
    int err;
    if (vmas[i].start < start) {
      if ((err = vma_split(i, start))) return err;
      continue;
    }
    if (vmas[i].end > end && (err = vma_split(i, end))) return err;
    vmas[i].advice = (uint8_t)advice;
    vmas[i].ra_pages = 0;
    vmas[i].ra_end = 0;
  }
  vma_merge(start, end);
  return 0;
}

/* MADV_FREE is for private anonymous memory only (Linux: EINVAL elsewhere,
 * and nothing is dropped): on a private file mapping it would throw away the
 * program's own writes, which MADV_DONTNEED is the call for. */
static int private_anonymous(uint32_t start, uint32_t end) {
  for (uint32_t i = vma_lower_bound(start); i < nvmas && vmas[i].start < end; i++)
    if (vmas[i].shared || objects[vmas[i].obj].kind != OBJ_ANON) return 0;
  return 1;
}

/* MADV_REMOVE as Linux's madvise_remove checks each vma in address order:
 * private anonymous memory (no file behind it) is EINVAL, and a mapping
 * that is not shared and may-write (a private file mapping, or a shared one
 * of a read-only descriptor) is EACCES, whatever holes the range has. Where
 * Linux would then punch a hole (shared anonymous memory, shared writable
 * file mappings) the engine cannot: WASI has no call for it, and shared
 * anonymous memory would need every sharer's pages dropped. */
static int remove_check(uint32_t start, uint32_t end) {
  int any = 0;
  for (uint32_t i = vma_lower_bound(start); i < nvmas && vmas[i].start < end; i++) {
    if (!vmas[i].shared) return objects[vmas[i].obj].kind == OBJ_ANON ? EINVAL : EACCES;
    if (!vmas[i].maywrite) return EACCES;
    any = 1;
  }
  return any ? EOPNOTSUPP : 0;
}

int madvise(void *addr, size_t length, int advice) {
  uintptr_t a = linear_addr(addr);
  uint32_t start = (uint32_t)(a >> PAGE_SHIFT), end = start + pages_for(length);
  int err = 0;
  if (a & (PAGE_SIZE - 1)) {
    err = EINVAL;
  } else if ((uint64_t)a + length > (uint64_t)NPAGES << PAGE_SHIFT) {
    err = EINVAL;
  } else {
    switch (advice) {
      case MADV_NORMAL:
      case MADV_RANDOM:
      case MADV_SEQUENTIAL:
        err = set_advice(start, end, advice);
        break;
      case MADV_WILLNEED:
      case MADV_POPULATE_READ:
      case MADV_POPULATE_WRITE:
        err = populate(start, end);
        break;
      case MADV_DONTNEED:
        err = reload_pages(start, end, DISCARD_PRIVATE);
        break;
      case MADV_FREE:
        /* Freed pages may read as zeros at once. */
        err = private_anonymous(start, end) ? reload_pages(start, end, DISCARD_PRIVATE) : EINVAL;
        break;
      case MADV_REMOVE:
        err = remove_check(start, end);
        break;
      case MADV_DONTFORK:
      case MADV_DOFORK:
      case MADV_MERGEABLE:
      case MADV_UNMERGEABLE:
      case MADV_HUGEPAGE:
      case MADV_NOHUGEPAGE:
      case MADV_DONTDUMP:
      case MADV_DODUMP:
      case MADV_WIPEONFORK:
      case MADV_KEEPONFORK:
      case MADV_COLD:
      case MADV_PAGEOUT:
        break;
      default:
        err = EINVAL;
    }
    if (!err && length && !range_fully_mapped(start, end)) err = ENOMEM;
  }
  if (err) {
    errno = err;
    return -1;
  }
  return 0;
}

int posix_madvise(void *addr, size_t length, int advice) {
  /* POSIX_MADV_DONTNEED is advice only: glibc ignores it rather than
   * dropping data, and so does anymmap. */
  if (advice == POSIX_MADV_DONTNEED) {
    if (linear_addr(addr) & (PAGE_SIZE - 1)) return EINVAL;
    return 0;
  }
  if (advice < 0 || advice > POSIX_MADV_DONTNEED) return EINVAL;
  int saved = errno;
  int r = madvise(addr, length, advice);
  int err = r ? errno : 0;
  errno = saved;
  return err;
}
