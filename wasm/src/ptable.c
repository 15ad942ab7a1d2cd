#include <string.h>

#include "internal.h"

/* Page records sized by what is touched, not by what is mapped. A page's
 * owner and depth (the number of mappings of it) are kept per chunk of
 * CHUNK_PAGES while the chunk's pages agree, as they do inside a mapping,
 * and per page only in the chunks where a mapping or reservation begins or
 * ends. Page state and digests are per page, but written only for pages
 * that are or were resident, and chunk_stated counts them so that walks
 * skip the chunks of a mapping that were never touched. Mapping or
 * unmapping a range costs a few operations per chunk plus its resident
 * pages, and the records of an untouched range take no memory. */
static uint32_t owner_flat[NPAGES];
static uint32_t depth_flat[NPAGES];
struct lazy_pages page_owners = {owner_flat, {0}, {0}};
struct lazy_pages page_depths = {depth_flat, {0}, {0}};

uint16_t owner_free_top[NCHUNKS], owner_free_bottom[NCHUNKS], owner_free_max[NCHUNKS];

/* The free runs of a detailed chunk of page_owners (see internal.h). */
static void summarize_free(uint32_t c) {
  const uint32_t *f = owner_flat + ((size_t)c << CHUNK_SHIFT);
  uint32_t bottom = 0, run = 0, max = 0;
  while (bottom < CHUNK_PAGES && f[bottom] == 0) bottom++;
  for (uint32_t i = 0; i < CHUNK_PAGES; i++) {
    run = f[i] == 0 ? run + 1 : 0;
    if (run > max) max = run;
  }
  owner_free_bottom[c] = (uint16_t)bottom;
  owner_free_top[c] = (uint16_t)run;
  owner_free_max[c] = (uint16_t)max;
}

uint8_t page_state[NPAGES];
uint64_t page_hash[NPAGES];
uint16_t chunk_stated[NCHUNKS];

static void materialize(struct lazy_pages *t, uint32_t c) {
  if (t->detailed[c]) return;
  uint32_t *f = t->flat + ((size_t)c << CHUNK_SHIFT);
  for (uint32_t i = 0; i < CHUNK_PAGES; i++) f[i] = t->value[c];
  t->detailed[c] = 1;
}

/* A chunk whose pages agree again goes back to one value. */
static void collapse(struct lazy_pages *t, uint32_t c) {
  const uint32_t *f = t->flat + ((size_t)c << CHUNK_SHIFT);
  for (uint32_t i = 1; i < CHUNK_PAGES; i++)
    if (f[i] != f[0]) return;
  t->value[c] = f[0];
  t->detailed[c] = 0;
}

void lazy_set(struct lazy_pages *t, uint32_t start, uint32_t end, uint32_t v) {
  for (uint32_t p = start; p < end;) {
    uint32_t c = p >> CHUNK_SHIFT, cs = c << CHUNK_SHIFT, ce = cs + CHUNK_PAGES;
    uint32_t hi = ce < end ? ce : end;
    if (p == cs && hi == ce) {
      t->detailed[c] = 0;
      t->value[c] = v;
    } else if (t->detailed[c] || t->value[c] != v) {
      materialize(t, c);
      for (uint32_t q = p; q < hi; q++) t->flat[q] = v;
      collapse(t, c);
      if (t == &page_owners && t->detailed[c]) summarize_free(c);
    }
    p = hi;
  }
}

uint32_t lazy_add(struct lazy_pages *t, uint32_t start, uint32_t end, int32_t delta) {
  uint32_t were_zero = 0;
  for (uint32_t p = start; p < end;) {
    uint32_t c = p >> CHUNK_SHIFT, cs = c << CHUNK_SHIFT, ce = cs + CHUNK_PAGES;
    uint32_t hi = ce < end ? ce : end;
    if (p == cs && hi == ce && !t->detailed[c]) {
      if (t->value[c] == 0) were_zero += CHUNK_PAGES;
      t->value[c] += (uint32_t)delta;
    } else {
      materialize(t, c);
      for (uint32_t q = p; q < hi; q++) {
        were_zero += t->flat[q] == 0;
        t->flat[q] += (uint32_t)delta;
      }
      collapse(t, c);
    }
    p = hi;
  }
  return were_zero;
}

uint32_t lazy_run_end(const struct lazy_pages *t, uint32_t p, uint32_t end) {
  if (p >= end) return end;
  uint32_t v = lazy_get(t, p);
  while (p < end) {
    uint32_t c = p >> CHUNK_SHIFT, ce = (c + 1) << CHUNK_SHIFT;
    uint32_t hi = ce < end ? ce : end;
    if (!t->detailed[c]) {
      if (t->value[c] != v) return p;
    } else {
      for (; p < hi; p++)
        if (t->flat[p] != v) return p;
    }
    p = hi;
  }
  return end;
}

/* The lowest page >= p with a lazy value other than 0, or end. */
uint32_t lazy_next_set(const struct lazy_pages *t, uint32_t p, uint32_t end) {
  while (p < end) {
    uint32_t c = p >> CHUNK_SHIFT, ce = (c + 1) << CHUNK_SHIFT;
    uint32_t hi = ce < end ? ce : end;
    if (!t->detailed[c]) {
      if (t->value[c]) return p;
    } else {
      for (; p < hi; p++)
        if (t->flat[p]) return p;
    }
    p = hi;
  }
  return end;
}

uint32_t state_next(uint32_t p, uint32_t end) {
  while (p < end) {
    uint32_t c = p >> CHUNK_SHIFT, ce = (c + 1) << CHUNK_SHIFT;
    uint32_t hi = ce < end ? ce : end;
    if (chunk_stated[c]) {
      for (; p < hi; p++) {
        uint64_t eight;
        if (!(p & 7) && p + 8 <= hi && (memcpy(&eight, &page_state[p], 8), eight == 0)) {
          p += 7;
          continue;
        }
        if (page_state[p]) return p;
      }
    }
    p = hi;
  }
  return end;
}

#ifndef __wasm__
/* Natively only, for the fuzzer once everything is unmapped: stale pages
 * become zero pages, so that every input starts from the same memory. */
void ptable_reset(void) {
  for (uint32_t p = state_next(0, NPAGES); p < NPAGES; p = state_next(p + 1, NPAGES)) {
    memset(page_addr(p), 0, PAGE_SIZE);
    state_set(p, 0);
  }
}

/* Natively only, for the fuzzer: 0 when the count of pages with state of
 * every chunk that [start, end) meets is right and none of its stale pages
 * has a digest, else 1 + the first chunk where that fails. */
uint32_t anymmap_hosted_check_tables(uint32_t start, uint32_t end) {
  for (uint32_t c = start >> CHUNK_SHIFT; c < NCHUNKS && c << CHUNK_SHIFT < end; c++) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < CHUNK_PAGES; i++) {
      uint32_t p = (c << CHUNK_SHIFT) + i;
      n += page_state[p] != 0;
      if (page_state[p] == PG_STALE && page_hash[p]) return c + 1;
    }
    if (n != chunk_stated[c]) return c + 1;
    if (page_owners.detailed[c]) {
      uint16_t top = owner_free_top[c], bottom = owner_free_bottom[c], max = owner_free_max[c];
      summarize_free(c);
      if (top != owner_free_top[c] || bottom != owner_free_bottom[c] || max != owner_free_max[c])
        return c + 1;
    }
  }
  return 0;
}
#endif
