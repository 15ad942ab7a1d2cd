#include <errno.h>
#include <sys/mman.h>

#include "internal.h"

#define RA_MIN            32u
#define RA_MAX            512u
#define RA_MAX_SEQUENTIAL 2048u

/* Read-ahead as Linux does it: a window that doubles while accesses stay
 * sequential and is refilled when the reader is halfway through it. */
static void read_ahead(struct vma *v, uint32_t lo, uint32_t hi) {
  if (v->advice == MADV_RANDOM || !v->lazy) return;
  uint32_t max = v->advice == MADV_SEQUENTIAL ? RA_MAX_SEQUENTIAL : RA_MAX;
  if (lo != v->ra_next && v->advice != MADV_SEQUENTIAL) {
    v->ra_pages = 0;
    v->ra_end = 0;
    v->ra_next = hi;
    return;
  }
  v->ra_next = hi;
  if (v->ra_end > hi && v->ra_end - hi > v->ra_pages / 2) return;
  v->ra_pages = v->ra_pages ? v->ra_pages * 2 : (v->advice == MADV_SEQUENTIAL ? max : RA_MIN);
  if (v->ra_pages > max) v->ra_pages = max;
  uint32_t from = v->ra_end > hi ? v->ra_end : hi;
  uint32_t to = hi + v->ra_pages < v->end && hi + v->ra_pages > hi ? hi + v->ra_pages : v->end;
  if (from < to && load_vma_pages(v, from, to, LOAD_CLIP) == 0) v->ra_end = to;
}

int anymmap_touch(void *addr, size_t length, int access) {
  if (length == 0) return 0;
  uint64_t a = linear_addr(addr), e = a + length;
  if (e > (uint64_t)AREA_END << PAGE_SHIFT) return EFAULT;
  uint32_t start = (uint32_t)(a >> PAGE_SHIFT);
  uint32_t end = (uint32_t)((e + PAGE_SIZE - 1) >> PAGE_SHIFT);
  int need = access == ANYMMAP_ACCESS_WRITE ? PROT_WRITE : PROT_READ;
  uint32_t at = start;
  int resident = 1;
  for (uint32_t i = vma_lower_bound(start); i < nvmas && at < end; i++) {
    if (vmas[i].start > at) return EFAULT;
    if (!(vmas[i].prot & need)) return EACCES;
    at = vmas[i].end;
  }
  if (at < end) return EFAULT;
  for (uint32_t p = start; p < end && resident; p++) resident = page_state[p] & PG_RESIDENT;
  for (uint32_t i = vma_lower_bound(start); i < nvmas && vmas[i].start < end; i++) {
    struct vma *v = &vmas[i];
    uint32_t lo = v->start > start ? v->start : start;
    uint32_t hi = v->end < end ? v->end : end;
    if (!resident) {
      int err = load_vma_pages(v, lo, hi, v->lazy ? LOAD_STRICT : LOAD_ALL);
      if (err) return err;
    }
    read_ahead(v, lo, hi);
    if (access == ANYMMAP_ACCESS_WRITE && objects[v->obj].kind == OBJ_FILE_SHARED)
      for (uint32_t p = lo; p < hi; p++) state_set(p, page_state[p] | PG_DIRTY);
  }
  return 0;
}

size_t anymmap_resident_pages(void) {
  size_t n = 0;
  for (uint32_t i = 0; i < nvmas; i++)
    for (uint32_t p = state_next(vmas[i].start, vmas[i].end); p < vmas[i].end;
         p = state_next(p + 1, vmas[i].end))
      n += page_state[p] & PG_RESIDENT;
  return n;
}

size_t anymmap_mapping_count(void) {
  return nvmas;
}
