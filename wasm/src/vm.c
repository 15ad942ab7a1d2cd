#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "internal.h"

uint32_t page_obj[NPAGES];
uint16_t page_refs[NPAGES];
uint8_t page_state[NPAGES];
uint64_t page_hash[NPAGES];
static uint64_t busy[NPAGES / 64];

struct vma vmas[MAX_VMAS];
uint32_t nvmas;
struct object objects[MAX_OBJECTS];
static uint32_t free_object_hint = 1;

/* Freed pages rest here before they can be mapped again, so that a view
 * kept past munmap reads zeros rather than the next mapping's bytes. The
 * bound keeps the memory this pins (never returned to the OS by
 * WebAssembly) small. */
#define QUARANTINE (MAX_OBJECTS - 1)
#define QUARANTINE_PAGES 16384u
#define QUARANTINE_RANGES 4096u
static struct { uint32_t start, end; } quarantine[QUARANTINE_RANGES];
static uint32_t q_first, q_count, q_pages;

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

static void set_busy(uint32_t p, int on) {
  if (on) busy[p >> 6] |= 1ull << (p & 63);
  else busy[p >> 6] &= ~(1ull << (p & 63));
}

/* set_busy over [start, end), a word at a time where whole words change. */
static void set_busy_range(uint32_t start, uint32_t end, int on) {
  uint32_t p = start;
  for (; p < end && (p & 63); p++) set_busy(p, on);
  for (; p + 64 <= end; p += 64) busy[p >> 6] = on ? ~0ull : 0;
  for (; p < end; p++) set_busy(p, on);
}

static void note_low(uint32_t p) {
  if (p < area_low) area_low = p;
}

int vma_find(uint32_t page) {
  uint32_t i = vma_lower_bound(page);
  if (i < nvmas && vmas[i].start <= page) return (int)i;
  return -1;
}

/* Index of the first vma whose end is above page. */
uint32_t vma_lower_bound(uint32_t page) {
  uint32_t lo = 0, hi = nvmas;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (vmas[mid].end <= page) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

int vma_insert(const struct vma *v) {
  if (nvmas >= MAX_VMAS) return ENOMEM;
  uint32_t i = vma_lower_bound(v->start);
  memmove(&vmas[i + 1], &vmas[i], (nvmas - i) * sizeof vmas[0]);
  vmas[i] = *v;
  nvmas++;
  return 0;
}

void vma_remove(uint32_t i) {
  memmove(&vmas[i], &vmas[i + 1], (nvmas - i - 1) * sizeof vmas[0]);
  nvmas--;
}

int vma_split(uint32_t i, uint32_t page) {
  if (page <= vmas[i].start || page >= vmas[i].end) return 0;
  if (nvmas >= MAX_VMAS) return ENOMEM;
  memmove(&vmas[i + 1], &vmas[i], (nvmas - i) * sizeof vmas[0]);
  nvmas++;
  vmas[i].end = page;
  vmas[i + 1].start = page;
  if (vmas[i + 1].shared && vmas[i + 1].prot & PROT_WRITE &&
      objects[vmas[i + 1].obj].kind == OBJ_FILE_SHARED)
    objects[vmas[i + 1].obj].writers++;
  return 0;
}

int range_fully_mapped(uint32_t start, uint32_t end) {
  uint32_t i = vma_lower_bound(start);
  uint32_t at = start;
  for (; i < nvmas && at < end; i++) {
    if (vmas[i].start > at) return 0;
    at = vmas[i].end;
  }
  return at >= end;
}

uint32_t object_new(int kind, int shared, int file, int64_t vbase) {
  for (uint32_t n = 1; n < MAX_OBJECTS; n++) {
    uint32_t id = free_object_hint;
    free_object_hint = id + 1 < MAX_OBJECTS ? id + 1 : 1;
    if (id == QUARANTINE || objects[id].kind != OBJ_FREE) continue;
    struct object *o = &objects[id];
    memset(o, 0, sizeof *o);
    o->kind = (uint8_t)kind;
    o->shared = (uint8_t)shared;
    o->file = file;
    o->vbase = vbase;
    o->first = AREA_END;
    o->end = 0;
    if (file >= 0) {
      files[file].objects++;
      if (kind == OBJ_FILE_SHARED) {
        o->next_in_file = files[file].shared_head;
        files[file].shared_head = id;
      }
    }
    return id;
  }
  return 0;
}

static void quarantine_evict(void) {
  uint32_t start = quarantine[q_first].start, end = quarantine[q_first].end;
  for (uint32_t p = start; p < end; p++) {
    if (page_obj[p] != QUARANTINE) continue;
    page_obj[p] = 0;
    set_busy(p, 0);
  }
  q_first = (q_first + 1) % QUARANTINE_RANGES;
  q_count--;
  q_pages -= end - start;
}

static void free_page(uint32_t p) {
  page_obj[p] = 0;
  set_busy(p, 0);
}

static void free_pages(uint32_t start, uint32_t end) {
  memset(&page_obj[start], 0, (size_t)(end - start) * sizeof page_obj[0]);
  set_busy_range(start, end, 0);
}

/* A release larger than the whole quarantine is freed at once: keeping only
 * its last part would push every later mapping of that size further down the
 * address space, onto memory never touched before. */
static uint32_t bypass_next = UINT32_MAX;

static void quarantine_page(uint32_t p) {
  if (p == bypass_next) {
    free_page(p);
    bypass_next++;
    return;
  }
  bypass_next = UINT32_MAX;
  page_obj[p] = QUARANTINE;
  uint32_t last = (q_first + q_count + QUARANTINE_RANGES - 1) % QUARANTINE_RANGES;
  if (q_count && quarantine[last].end == p) {
    if (++quarantine[last].end - quarantine[last].start > QUARANTINE_PAGES) {
      uint32_t start = quarantine[last].start;
      q_pages -= quarantine[last].end - start - 1;
      q_count--;
      for (uint32_t r = start; r <= p; r++)
        if (page_obj[r] == QUARANTINE) free_page(r);
      bypass_next = p + 1;
      return;
    }
  } else {
    if (q_count == QUARANTINE_RANGES) quarantine_evict();
    last = (q_first + q_count++) % QUARANTINE_RANGES;
    quarantine[last].start = p;
    quarantine[last].end = p + 1;
  }
  q_pages++;
  while (q_pages > QUARANTINE_PAGES) quarantine_evict();
}

/* quarantine_page over a run of pages, with the outcome for a run too large
 * to keep reached at once rather than page by page. */
static void quarantine_run(uint32_t start, uint32_t end) {
  if (end - start > QUARANTINE_PAGES) {
    free_pages(start, end);
    bypass_next = end;
    return;
  }
  for (uint32_t p = start; p < end; p++) quarantine_page(p);
}

static void object_release(uint32_t id) {
  struct object *o = &objects[id];
  for (uint32_t p = o->first; p < o->end;) {
    if (page_obj[p] != id) {
      p++;
      continue;
    }
    uint32_t q = p + 1;
    while (q < o->end && page_obj[q] == id) q++;
    quarantine_run(p, q);
    p = q;
  }
  if (o->file >= 0) {
    struct file *f = &files[o->file];
    if (o->kind == OBJ_FILE_SHARED) {
      uint32_t *link = &f->shared_head;
      while (*link && *link != id) link = &objects[*link].next_in_file;
      if (*link) *link = o->next_in_file;
    }
    file_put(o->file);
  }
  o->kind = OBJ_FREE;
  if (area_low >= o->first && area_low < o->end) {
    /* Recompute lazily: scanning from the old low mark upward is bounded by
     * the number of pages this object owned. */
    uint32_t p = area_low;
    while (p < AREA_END && !(busy[p >> 6] & (1ull << (p & 63)))) p = (p & 63) == 0 && busy[p >> 6] == 0 ? p + 64 : p + 1;
    area_low = p < AREA_END ? p : AREA_END;
  }
}

/* Undoes the read-in of pages [start, end) that were never mapped (a failed
 * eager mmap), and releases obj if none of its pages is mapped. */
void discard_unmapped(uint32_t start, uint32_t end, uint32_t obj) {
  for (uint32_t p = start; p < end; p++) {
    if (page_refs[p]) continue;
    memset(page_addr(p), 0, PAGE_SIZE);
    page_state[p] = 0;
    page_hash[p] = 0;
  }
  if (objects[obj].live == 0) object_release(obj);
}

/* Gives pages [start, end) to obj as reserved (refs stay 0). */
void claim(uint32_t start, uint32_t end, uint32_t obj) {
  struct object *o = &objects[obj];
  for (uint32_t p = start; p < end; p++) page_obj[p] = obj;
  set_busy_range(start, end, 1);
  if (start < o->first) o->first = start;
  if (end > o->end) o->end = end;
  note_low(start);
}

void pages_ref(uint32_t start, uint32_t end, uint32_t obj) {
  claim(start, end, obj);
  uint32_t first_refs = 0;
  for (uint32_t p = start; p < end; p++) first_refs += page_refs[p]++ == 0;
  objects[obj].live += first_refs;
}

/* Unreferenced pages of [start, end), all of one object, leave it. */
static void pages_free_run(uint32_t start, uint32_t end, uint32_t id) {
  struct object *o = &objects[id];
  uint32_t freed = end - start;
  if (o->kind != OBJ_FILE_SHARED) quarantine_run(start, end);
  o->live -= freed;
  if (o->live == 0) object_release(id);
}

/* Zeroes the resident pages of [start, end) and forgets their state. */
static void pages_clear(uint32_t start, uint32_t end) {
  for (uint32_t p = start; p < end; p++) {
    uint64_t eight;
    if (!(p & 7) && p + 8 <= end && (memcpy(&eight, &page_state[p], 8), eight == 0)) {
      p += 7;
      continue;
    }
    /* A stale view must never show another mapping's bytes. */
    if (page_state[p] & PG_RESIDENT) memset(page_addr(p), 0, PAGE_SIZE);
  }
  memset(&page_refs[start], 0, (size_t)(end - start) * sizeof page_refs[0]);
  memset(&page_state[start], 0, end - start);
  memset(&page_hash[start], 0, (size_t)(end - start) * sizeof page_hash[0]);
}

void pages_unref(uint32_t start, uint32_t end) {
  /* The usual case, one mapping of one object going, in one pass. */
  uint32_t owner = page_obj[start], once = 1;
  for (uint32_t p = start; p < end; p++) once &= (page_obj[p] == owner) & (page_refs[p] == 1);
  if (once) {
    pages_clear(start, end);
    pages_free_run(start, end, owner);
    return;
  }
  uint32_t run = start;
  for (uint32_t p = start; p <= end; p++) {
    if (p < end && page_obj[p] == page_obj[run] && page_refs[p] == 1) continue;
    if (run < p) {
      uint32_t id = page_obj[run];
      pages_clear(run, p);
      pages_free_run(run, p, id);
    }
    /* A page another layer still maps keeps its owner and its bytes. */
    if (p < end && page_refs[p] > 1) {
      page_refs[p]--;
      run = p + 1;
    } else {
      run = p;
    }
  }
}

/* 1 when every page is unowned or owned by obj without being mapped. */
int pages_free(uint32_t start, uint32_t end, uint32_t obj) {
  if (start < area_start() || end > AREA_END || start >= end) return 0;
  /* Quarantined pages are free for whoever asks for them by address. */
  for (uint32_t p = start; p < end; p++) {
    if (page_refs[p]) return 0;
    if (page_obj[p] && page_obj[p] != obj && page_obj[p] != QUARANTINE) return 0;
  }
  return 1;
}

static int64_t first_fit(uint32_t npages, uint32_t hint);

/* Top-down first fit, as Linux's default mmap layout; the quarantine gives
 * way when nothing else is left. */
int64_t area_alloc(uint32_t npages, uint32_t hint) {
  int64_t at = first_fit(npages, hint);
  if (at >= 0 || q_count == 0) return at;
  while (q_count) quarantine_evict();
  return first_fit(npages, hint);
}

static int64_t first_fit(uint32_t npages, uint32_t hint) {
  uint32_t low = area_start();
  if (hint && hint >= low && hint + npages <= AREA_END && hint + npages > hint &&
      pages_free(hint, hint + npages, 0))
    return hint;
  if (npages == 0 || npages > AREA_END - low) return -1;
  uint32_t run = 0;
  uint32_t p = AREA_END;
  while (p > low) {
    if ((p & 63) == 0 && p - 64 >= low && busy[(p - 64) >> 6] == 0) {
      run += 64;
      p -= 64;
    } else if ((p & 63) == 0 && p - 64 >= low && busy[(p - 64) >> 6] == ~0ull) {
      run = 0;
      p -= 64;
    } else {
      p--;
      if (busy[p >> 6] & (1ull << (p & 63))) run = 0;
      else run++;
    }
    if (run >= npages) return p;
  }
  return -1;
}

/* MAP_SHARED pages of one file live in one place: a second object over the
 * same live file pages would split the page cache in two. */
int shared_conflict(int file, int64_t fstart, int64_t fend, uint32_t except) {
  for (uint32_t id = files[file].shared_head; id; id = objects[id].next_in_file) {
    if (id == except) continue;
    struct object *o = &objects[id];
    int64_t lo = fstart + o->vbase, hi = fend + o->vbase;
    if (lo < o->first) lo = o->first;
    if (hi > o->end) hi = o->end;
    for (int64_t p = lo; p < hi; p++)
      if (page_obj[p] == id && page_refs[p]) return 1;
  }
  return 0;
}

/* The shared object that holds file page fpage resident, or 0. */
uint32_t shared_object_at(int file, int64_t fpage) {
  for (uint32_t id = files[file].shared_head; id; id = objects[id].next_in_file) {
    int64_t p = fpage + objects[id].vbase;
    if (p >= objects[id].first && p < objects[id].end && page_obj[p] == id &&
        (page_state[p] & PG_RESIDENT))
      return id;
  }
  return 0;
}

void vma_set_writable(struct vma *v, int writable) {
  struct object *o = &objects[v->obj];
  int was = (v->prot & PROT_WRITE) != 0;
  if (o->kind != OBJ_FILE_SHARED || was == writable) return;
  if (writable) {
    o->writers++;
    hash_resident(v->start, v->end);
  } else {
    o->writers--;
  }
}

static int writable_shared(const struct vma *v) {
  return v->shared && (v->prot & PROT_WRITE) && objects[v->obj].kind == OBJ_FILE_SHARED;
}

static int split_at(uint32_t page) {
  int i = vma_find(page);
  return i < 0 ? 0 : vma_split((uint32_t)i, page);
}

/* 1 when a MAP_SHARED mapping of obj can cover [start, end): every page is
 * free, reserved by obj, or already mapped by obj. */
int pages_joinable(uint32_t start, uint32_t end, uint32_t obj) {
  if (start < area_start() || end > AREA_END || start >= end) return 0;
  for (uint32_t p = start; p < end; p++)
    if (page_obj[p] && page_obj[p] != obj && page_obj[p] != QUARANTINE) return 0;
  return 1;
}

static int mergeable(const struct vma *a, const struct vma *b) {
  return a->end == b->start && a->obj == b->obj && a->depth == b->depth && a->prot == b->prot &&
         a->shared == b->shared && a->lazy == b->lazy && a->advice == b->advice &&
         a->maywrite == b->maywrite;
}

/* Joins neighbouring vmas that differ only in extent, as Linux does, so that
 * a range split by mprotect or grown by mremap is one mapping again. */
void vma_merge(uint32_t start, uint32_t end) {
  uint32_t i = vma_lower_bound(start);
  if (i > 0) i--;
  while (i + 1 < nvmas && vmas[i].start <= end) {
    if (!mergeable(&vmas[i], &vmas[i + 1])) {
      i++;
      continue;
    }
    if (writable_shared(&vmas[i + 1])) objects[vmas[i].obj].writers--;
    vmas[i].end = vmas[i + 1].end;
    vma_remove(i + 1);
  }
}

/* Adds one mapping of [start, end) with t's attributes: a layer on the vmas
 * of obj already there, new vmas in the gaps. */
int vma_map(uint32_t start, uint32_t end, const struct vma *t) {
  int err;
  if ((err = split_at(start)) || (err = split_at(end))) return err;
  uint32_t i = vma_lower_bound(start);
  uint32_t at = start;
  while (at < end) {
    struct vma *v;
    if (i < nvmas && vmas[i].start == at) {
      v = &vmas[i];
      int was = writable_shared(v);
      v->depth++;
      v->prot |= t->prot;
      v->maywrite |= t->maywrite;
      v->lazy &= t->lazy;
      if (!was && writable_shared(v)) objects[v->obj].writers++;
    } else {
      uint32_t gap_end = i < nvmas && vmas[i].start < end ? vmas[i].start : end;
      struct vma n = *t;
      n.start = at;
      n.end = gap_end;
      n.depth = 1;
      n.ra_next = at;
      if ((err = vma_insert(&n))) return err;
      v = &vmas[i];
      if (writable_shared(v)) objects[v->obj].writers++;
    }
    pages_ref(v->start, v->end, t->obj);
    if (writable_shared(v)) hash_resident(v->start, v->end);
    at = v->end;
    i++;
  }
  vma_merge(start, end);
  return 0;
}

/* Drops one mapping layer of [start, end), or all of them (MAP_FIXED),
 * writing dirty shared pages back first so that a failed write leaves
 * everything mapped. */
int unmap_range(uint32_t start, uint32_t end, int write_back, int all_layers) {
  int err = write_back ? writeback(start, end) : 0;
  if (err) return err;
  if ((err = split_at(start)) || (err = split_at(end))) return err;
  uint32_t i = vma_lower_bound(start);
  while (i < nvmas && vmas[i].start < end) {
    struct vma v = vmas[i];
    uint32_t drop = all_layers ? v.depth : 1;
    if (drop == v.depth) {
      if (writable_shared(&v)) objects[v.obj].writers--;
      vma_remove(i);
    } else {
      vmas[i].depth -= drop;
      i++;
    }
    for (uint32_t n = 0; n < drop; n++) pages_unref(v.start, v.end);
  }
  vma_merge(start, end);
  return 0;
}

#ifndef __wasm__
/* Natively only, for the fuzzer: once everything is unmapped, forgets the
 * quarantine and the allocation hints, so that every input starts from the
 * same state. Every static variable of this file must be reset here. */
void anymmap_hosted_reset_vm(void) {
  while (q_count) quarantine_evict();
  q_first = 0;
  bypass_next = UINT32_MAX;
  area_low = AREA_END;
  free_object_hint = 1;
}
#endif
