#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

/* Moves pages [old, old+old_n) of vma i to a new place of new_n pages: dest
 * when fixed, else wherever there is room. A MAP_SHARED file page has one
 * address for all its mappings, so it can only move when no other mapping
 * shares it. */
static int move(uint32_t i, uint32_t old, uint32_t old_n, uint32_t new_n, int fixed, uint32_t dest,
                uint32_t *out) {
  struct vma v = vmas[i];
  struct object *o = &objects[v.obj];
  uint32_t keep = old_n < new_n ? old_n : new_n;
  int64_t fpage = (int64_t)old - o->vbase;
  int err;
  if (o->kind == OBJ_FILE_SHARED) {
    for (uint32_t p = old; p < old + old_n; p = lazy_run_end(&page_depths, p, old + old_n))
      if (page_depth(p) > 1) return ENOMEM;
    if (new_n > old_n && shared_conflict(o->file, fpage + old_n, fpage + new_n, 0)) return ENOMEM;
  }
  if ((err = writeback(old + keep, old + old_n))) return err;
  if (fixed) {
    if (dest < area_start() || dest + new_n > AREA_END || dest + new_n < dest) return ENOMEM;
    if ((err = unmap_range(dest, dest + new_n, UNMAP_WRITE_BACK | UNMAP_ALL_LAYERS))) return err;
  } else {
    int64_t at = area_alloc(new_n, 0);
    if (at < 0) return ENOMEM;
    dest = (uint32_t)at;
  }
  uint32_t obj = object_new(o->kind, o->shared, o->file, (int64_t)dest - fpage);
  if (!obj) return ENOMEM;
  pages_ref(dest, dest + new_n, obj);
  /* Only pages with state have bytes or a digest to carry; the others are
   * zero, as the pages they move to are. */
  for (uint32_t from = state_next(old, old + keep); from < old + keep;
       from = state_next(from + 1, old + keep)) {
    uint32_t to = dest + (from - old);
    if (page_state[from] & PG_RESIDENT) memcpy(page_addr(to), page_addr(from), PAGE_SIZE);
    state_set(to, page_state[from]);
    page_hash[to] = page_hash[from];
    clean_move(from, to);
  }
  struct vma moved = v;
  moved.obj = obj;
  moved.ra_end = moved.ra_pages = 0;
  if ((err = vma_map(dest, dest + new_n, &moved))) {
    pages_unref(dest, dest + new_n);
    return err;
  }
  pages_unref(dest, dest + new_n);
  /* Read in before the old pages go: a failure leaves them as they were. */
  if (!moved.lazy && (err = load_vma_pages(&moved, dest, dest + new_n, LOAD_ALL))) {
    unmap_range(dest, dest + new_n, UNMAP_ONE_LAYER);
    return err;
  }
  unmap_range(old, old + old_n, UNMAP_ONE_LAYER);
  *out = dest;
  return 0;
}

/* Whether pages [vmas[i].start, end) are one mapping: vma i, or MAP_SHARED
 * file pages of one object whose vmas meet where another mapping's layer
 * starts or ends (the depth changes there). A shared file page has one
 * address for all its mappings, so a mapping grown in place over another's
 * pages is such a run, and Linux would see one vma. Neighbours of one depth
 * that stayed apart differ in what Linux keeps per vma (protection, advice):
 * two mappings, as there. */
static int one_mapping(uint32_t i, uint32_t end) {
  for (; vmas[i].end < end; i++) {
    if (i + 1 >= nvmas) return 0;
    const struct vma *a = &vmas[i], *b = &vmas[i + 1];
    if (b->start != a->end || b->obj != a->obj || objects[a->obj].kind != OBJ_FILE_SHARED ||
        b->depth == a->depth)
      return 0;
  }
  return 1;
}

/* linux_shrink: a shrink needs a mapping only at the address and unmaps the
 * tail whatever it holds, as Linux's mremap does for C programs; the JS API
 * (and the fuzzer's model) asks that the old range be one mapping, as the
 * native backend does for a Mapping. */
static void *remap(void *old_address, size_t old_size, size_t new_size, int flags,
                   void *new_address, int linux_shrink) {
  uintptr_t a = linear_addr(old_address), na = linear_addr(new_address);
  uint32_t old = (uint32_t)(a >> PAGE_SHIFT), old_n = pages_for(old_size);
  uint32_t new_n = pages_for(new_size), dest = (uint32_t)(na >> PAGE_SHIFT);
  int err = 0;
  int i;
  if ((a & (PAGE_SIZE - 1)) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) ||
      ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) || new_n == 0 ||
      new_size > (size_t)AREA_END << PAGE_SHIFT) {
    err = EINVAL;
  } else if ((flags & MREMAP_DONTUNMAP) || old_n == 0) {
    /* Both would give two addresses to one page, which linear memory
     * cannot do. */
    err = EINVAL;
  } else if ((flags & MREMAP_FIXED) &&
             ((na & (PAGE_SIZE - 1)) || (dest < old + old_n && old < dest + new_n))) {
    err = EINVAL;
  } else if ((i = vma_find(old)) < 0 || (uint64_t)old + old_n > NPAGES ||
             (!linux_shrink && !one_mapping((uint32_t)i, old + old_n))) {
    err = EFAULT;
  } else if (!(flags & MREMAP_FIXED) && new_n <= old_n) {
    /* The tail goes (for C programs whatever it holds: see remap). Eager
     * mappings are read in before anything changes, so that a failed read
     * fails the call with the mapping as it was. */
    uint32_t head_end = old + new_n < vmas[i].end ? old + new_n : vmas[i].end;
    if (vmas[i].lazy || !(err = load_vma_pages(&vmas[i], old, head_end, LOAD_ALL)))
      err = unmap_range(old + new_n, old + old_n, UNMAP_WRITE_BACK);
    dest = old;
  } else if (!one_mapping((uint32_t)i, old + old_n)) {
    err = EFAULT;
  } else if (flags & MREMAP_FIXED) {
    err = move((uint32_t)i, old, old_n, new_n, 1, dest, &dest);
  } else {
    struct vma t = vmas[i];
    struct object *o = &objects[t.obj];
    uint32_t old_end = old + old_n, grow_end = old + new_n;
    /* Growing one of several mappings of the same file pages adds a layer
     * over the pages that follow, which may themselves be mapped already. */
    int in_place =
        grow_end > old &&
        (o->kind == OBJ_FILE_SHARED ? pages_joinable(old_end, grow_end, t.obj, 1) &&
                                          !shared_conflict(o->file, (int64_t)old_end - o->vbase,
                                                           (int64_t)grow_end - o->vbase, t.obj)
                                    : pages_free(old_end, grow_end, t.obj));
    if (in_place) {
      if (!t.lazy && (err = load_vma_pages(&t, old, grow_end, LOAD_ALL)))
        discard_unmapped(old_end, grow_end, t.obj);
      else
        err = vma_map(old_end, grow_end, &t);
      dest = old;
    } else if (flags & MREMAP_MAYMOVE) {
      err = move((uint32_t)i, old, old_n, new_n, 0, 0, &dest);
    } else {
      err = ENOMEM;
    }
  }
  /* Eager vmas that the result joined are resident too. The call has
   * succeeded by now: a read error here leaves pages that read as zeros. */
  for (uint32_t k = vma_lower_bound(dest); !err && k < nvmas && vmas[k].start < dest + new_n; k++)
    if (!vmas[k].lazy) (void)load_vma_pages(&vmas[k], vmas[k].start, vmas[k].end, LOAD_ALL);
  if (err) {
    errno = err;
    return MAP_FAILED;
  }
  return page_addr(dest);
}

void *anymmap_mremap(void *old_address, size_t old_size, size_t new_size, int flags,
                     void *new_address) {
  return remap(old_address, old_size, new_size, flags, new_address, 0);
}

void *mremap(void *old_address, size_t old_size, size_t new_size, int flags, ...) {
  void *new_address = 0;
  if (flags & MREMAP_FIXED) {
    va_list ap;
    va_start(ap, flags);
    new_address = va_arg(ap, void *);
    va_end(ap);
  }
  return remap(old_address, old_size, new_size, flags, new_address, 1);
}
