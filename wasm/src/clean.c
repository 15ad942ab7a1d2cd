#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Clean copies of MAP_SHARED pages that may be written: the bytes a page had
 * when its digest was taken (page_hash), so that write-back writes only the
 * bytes this process changed and leaves the rest of the page to whoever else
 * writes the file, as separate processes writing different bytes of one page
 * both keep their writes on Linux.
 *
 * Writes through raw views cannot be seen, so every hashed page (a resident
 * page of a writable MAP_SHARED mapping) gets a copy when its digest is taken,
 * within a budget: the copies live in the C heap, below the mappings, and
 * WebAssembly never gives memory back. A page without a copy (over budget, or
 * out of memory) is written back whole, as before.
 *
 * A copy is used only while its digest is the page's page_hash, so a copy
 * left behind by a page that was unmapped, moved or re-read is never
 * mistaken for the baseline of what lives there now. */
#define CLEAN_PAGES 4096u
/* Open addressing, at most half full. */
#define SLOTS       (2 * CLEAN_PAGES)
#define EMPTY       UINT32_MAX

static struct {
  uint32_t page;
  uint8_t *bytes;
} slots[SLOTS];
static uint32_t copies;
/* Saves refused since the last sweep: a sweep (which frees stale copies) is
 * tried again only after this many, so a full table costs no scan per page. */
static uint32_t refused;
static int slots_ready;

static void slots_init(void) {
  for (uint32_t i = 0; i < SLOTS; i++) slots[i].page = EMPTY;
  slots_ready = 1;
}

static uint32_t slot_of(uint32_t p) {
  return (p * 2654435761u) & (SLOTS - 1);
}

static int find(uint32_t p) {
  if (!slots_ready) return -1;
  for (uint32_t i = slot_of(p), n = 0; n < SLOTS; i = (i + 1) & (SLOTS - 1), n++) {
    if (slots[i].page == p) return (int)i;
    if (slots[i].page == EMPTY) return -1;
  }
  return -1;
}

/* Backward-shift deletion keeps every probe chain unbroken. */
static void drop_slot(uint32_t i) {
  free(slots[i].bytes);
  copies--;
  for (uint32_t j = (i + 1) & (SLOTS - 1);; j = (j + 1) & (SLOTS - 1)) {
    if (slots[j].page == EMPTY) break;
    uint32_t home = slot_of(slots[j].page);
    /* j's entry may move to i when i lies on its probe path from home. */
    if (((j - home) & (SLOTS - 1)) >= ((j - i) & (SLOTS - 1))) {
      slots[i] = slots[j];
      i = j;
    }
  }
  slots[i].page = EMPTY;
  slots[i].bytes = NULL;
}

/* A copy is stale once its page is no longer hashed resident shared memory
 * or its digest moved on; page_hash is the cheap test, clean_valid the exact. */
static void sweep(void) {
  for (uint32_t i = 0; i < SLOTS;) {
    uint32_t p = slots[i].page;
    if (p != EMPTY && (page_state[p] & (PG_RESIDENT | PG_HASHED)) != (PG_RESIDENT | PG_HASHED)) {
      drop_slot(i); /* an entry may have moved into i: look at it again */
      continue;
    }
    i++;
  }
  refused = 0;
}

void clean_save(uint32_t p) {
  if (!slots_ready) slots_init();
  int i = find(p);
  if (i < 0) {
    if (copies == CLEAN_PAGES) {
      if (++refused < CLEAN_PAGES / 16) return;
      sweep();
      if (copies == CLEAN_PAGES) return;
    }
    uint8_t *bytes = malloc(PAGE_SIZE);
    if (!bytes) return;
    uint32_t j = slot_of(p);
    while (slots[j].page != EMPTY) j = (j + 1) & (SLOTS - 1);
    slots[j].page = p;
    slots[j].bytes = bytes;
    copies++;
    i = (int)j;
  }
  memcpy(slots[i].bytes, page_addr(p), PAGE_SIZE);
}

void clean_move(uint32_t from, uint32_t to) {
  int i = find(from);
  if (i < 0) return;
  uint8_t *bytes = slots[i].bytes;
  slots[i].bytes = NULL;
  drop_slot((uint32_t)i);
  int j = find(to);
  if (j >= 0) drop_slot((uint32_t)j);
  uint32_t k = slot_of(to);
  while (slots[k].page != EMPTY) k = (k + 1) & (SLOTS - 1);
  slots[k].page = to;
  slots[k].bytes = bytes;
  copies++;
}

const uint8_t *clean_copy(uint32_t p) {
  int i = find(p);
  if (i < 0) return NULL;
  if (!(page_state[p] & PG_HASHED) || page_digest(slots[i].bytes) != page_hash[p]) return NULL;
  return slots[i].bytes;
}

#ifndef __wasm__
/* Natively only, for the fuzzer (see anymmap_hosted_reset_vm). */
void anymmap_hosted_reset_clean(void) {
  for (uint32_t i = 0; i < SLOTS; i++) free(slots[i].bytes);
  memset(slots, 0, sizeof slots);
  copies = refused = 0;
  slots_ready = 0;
}
#endif
