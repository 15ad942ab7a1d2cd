#include <string.h>
#include <unistd.h>

#include "internal.h"

/* The address-space allocator: a page is taken when it has an owner (an
 * object that maps or reserves it, or the quarantine), and a new mapping
 * goes where the owners leave room. */

/* The lowest page any mapping occupies; sbrk may grow up to it. */
static uint32_t area_low = AREA_END;

#ifdef __wasm__
extern unsigned char __heap_base;

/* libc's sbrk grows the heap up to this size: mappings live above it. */
size_t emscripten_get_heap_size(void) {
  return (size_t)area_low << PAGE_SHIFT;
}

uint32_t area_start(void) {
  /* Keep 16 MiB between the heap and the lowest mapping for malloc. */
  uintptr_t brk = (uintptr_t)sbrk(0);
  if (brk == (uintptr_t)-1) brk = (uintptr_t)&__heap_base;
  return (uint32_t)((brk + (16u << 20) + PAGE_SIZE - 1) >> PAGE_SHIFT);
}
#else
/* Natively (wasm/native/) the C heap is not in linear memory. */
uint32_t area_start(void) {
  return ANYMMAP_NATIVE_AREA_START >> PAGE_SHIFT;
}
#endif

/* Pages [start, end) have just been given an owner. */
void area_take(uint32_t start, uint32_t end) {
  (void)end;
  if (start < area_low) area_low = start;
}

void area_give_back(uint32_t start, uint32_t end) {
  lazy_set(&page_owners, start, end, 0);
}

/* Pages [first, end) were given back: the lowest busy page may have moved
 * up. Scanning from the old low mark upward is bounded by what was freed. */
void area_recompute_low(uint32_t first, uint32_t end) {
  if (area_low < first || area_low >= end) return;
  area_low = lazy_next_set(&page_owners, area_low, AREA_END);
}

/* 1 when every page is unowned or owned by obj without being mapped. */
int pages_free(uint32_t start, uint32_t end, uint32_t obj) {
  if (start < area_start() || end > AREA_END || start >= end) return 0;
  /* Quarantined pages are free for whoever asks for them by address. */
  for (uint32_t p = start; p < end; p = lazy_run_end(&page_owners, p, end)) {
    uint32_t owner = page_owner(p);
    if (owner && owner != obj && owner != QUARANTINE) return 0;
  }
  for (uint32_t p = start; p < end; p = lazy_run_end(&page_depths, p, end))
    if (page_depth(p)) return 0;
  return 1;
}

/* 1 when a MAP_SHARED mapping of obj can cover [start, end): every page is
 * free, reserved by obj, or already mapped by obj. Quarantined pages count
 * as free only for a caller that asked for this address (MAP_FIXED, an
 * in-place mremap): a file page placed beside its object must never land
 * where a view of a freed mapping may still point. */
int pages_joinable(uint32_t start, uint32_t end, uint32_t obj, int asked) {
  if (start < area_start() || end > AREA_END || start >= end) return 0;
  for (uint32_t p = start; p < end; p = lazy_run_end(&page_owners, p, end)) {
    uint32_t owner = page_owner(p);
    if (owner && owner != obj && !(asked && owner == QUARANTINE)) return 0;
  }
  return 1;
}

static int64_t first_fit(uint32_t npages, uint32_t hint) {
  uint32_t low = area_start();
  if (hint && hint >= low && hint + npages <= AREA_END && hint + npages > hint &&
      pages_free(hint, hint + npages, 0))
    return hint;
  if (npages == 0 || npages > AREA_END - low) return -1;
  /* From the top down, a chunk at a time where its pages agree. */
  uint32_t run = 0;
  uint32_t p = AREA_END;
  while (p > low) {
    uint32_t c = (p - 1) >> CHUNK_SHIFT;
    uint32_t cs = c << CHUNK_SHIFT;
    if (!page_owners.detailed[c] && cs >= low) {
      uint32_t span = p - cs;
      run = page_owners.value[c] ? 0 : run + span;
      p = cs;
    } else if (cs >= low && p == cs + CHUNK_PAGES && run + owner_free_top[c] < npages &&
               owner_free_max[c] < npages) {
      /* A whole chunk of several owners without room for the mapping: only
       * the free pages at its bottom carry on into the next run. Without
       * this step 1,000 one-page file mappings walked every page of the
       * others at each mmap (68% of the time). */
      run = owner_free_bottom[c];
      p = cs;
    } else {
      p--;
      run = page_owner(p) ? 0 : run + 1;
    }
    /* Where the run first holds the mapping: after a whole free chunk, that
     * chunk's bottom, which leaves room above it. Programs that map at the
     * address an earlier process got (LMDB's MDB_FIXEDMAP) rely on such
     * slack, as they do on Linux's randomized layout: with tight packing a
     * lock file one page longer than in the earlier run covered that
     * address (EBUSY). */
    if (run >= npages) return p;
  }
  return -1;
}

/* Top-down first fit, as Linux's default mmap layout. When the address
 * space has no other room, the quarantine gives way, oldest range first and
 * no more than it takes. */
int64_t area_alloc(uint32_t npages, uint32_t hint) {
  int64_t at = first_fit(npages, hint);
  while (at < 0 && quarantine_pages()) {
    uint64_t evicted = 0;
    while (evicted < npages && quarantine_pages()) evicted += quarantine_evict();
    at = first_fit(npages, hint);
  }
  return at;
}

#ifndef __wasm__
/* Natively only, for the fuzzer: once everything is unmapped, forgets the
 * quarantine and the allocation hints, so that every input starts from the
 * same state. Every static variable of the vm files must be reset here. */
void anymmap_hosted_reset_vm(void) {
  quarantine_reset();
  objects_reset();
  ptable_reset();
  area_low = AREA_END;
}
#endif
