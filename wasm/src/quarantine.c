#include "internal.h"

/* Freed pages rest here before they can be mapped again, so that a view
 * kept past munmap never reaches the next mapping's bytes: a range leaves
 * only once QUARANTINE_PAGES (64 MiB) of other pages have been freed after
 * it, however many ranges that takes and however large the range is, or
 * when the address space has no other room (area_alloc). The bound is in
 * pages, never in ranges: the ring below can hold every range the budget
 * allows (ranges of one page each), plus the newest. */
#define QUARANTINE_PAGES  16384u
#define QUARANTINE_RANGES (QUARANTINE_PAGES + 2u)
static struct { uint32_t start, end; } ring[QUARANTINE_RANGES];
static uint32_t q_first, q_count;
static uint64_t q_pages;

uint64_t quarantine_pages(void) {
  return q_pages;
}

/* Releases the oldest range to the allocator; returns its page count. */
uint32_t quarantine_evict(void) {
  if (!q_count) return 0;
  uint32_t start = ring[q_first].start, end = ring[q_first].end;
  /* Pages taken by address since (MAP_FIXED, a hint, mremap) stay taken. */
  for (uint32_t p = start; p < end;) {
    uint32_t q = lazy_run_end(&page_owners, p, end);
    if (page_owner(p) == QUARANTINE) area_give_back(p, q);
    p = q;
  }
  q_first = (q_first + 1) % QUARANTINE_RANGES;
  q_count--;
  q_pages -= end - start;
  area_recompute_low(start, end);
  return end - start;
}

/* Pages [start, end), just unmapped and no longer owned, enter the
 * quarantine. */
void quarantine_run(uint32_t start, uint32_t end) {
  if (start >= end) return;
  lazy_set(&page_owners, start, end, QUARANTINE);
  /* Never merged with the newest range, even when adjacent: a merged range
   * would keep its older part past its time (a mapping freed again and
   * again beside its last place would never leave), and the ring has room
   * for every range anyway. */
  uint32_t last = (q_first + q_count++) % QUARANTINE_RANGES;
  ring[last].start = start;
  ring[last].end = end;
  q_pages += end - start;
  /* The oldest range goes once the pages freed after it fill the budget. */
  while (q_count > 1 && q_pages - (ring[q_first].end - ring[q_first].start) >= QUARANTINE_PAGES)
    quarantine_evict();
}

#ifndef __wasm__
void quarantine_reset(void) {
  while (q_count) quarantine_evict();
  q_first = 0;
}
#endif
