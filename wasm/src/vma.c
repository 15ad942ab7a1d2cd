#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

/* The vma table: the mappings, sorted by address, as Linux's
 * vm_area_struct list. It sits in a store with free slots at both ends, and
 * an insertion or a removal moves whichever side of it is shorter: mmap
 * hands out addresses top-down, so a new mapping is nearly always the first
 * vma, and moving all the others made 60,000 mappings quadratic. */
#define VMA_SLACK 4096
static struct vma vma_store[MAX_VMAS + VMA_SLACK];
struct vma *vmas = vma_store + VMA_SLACK / 2;
uint32_t nvmas;

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
    if (vmas[mid].end <= page)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Makes room for one vma at index i: the vmas before i keep their indexes,
 * those from i on move up by one, as with a memmove of the tail (pointers
 * into the table do not stay valid either way). */
static int vma_open(uint32_t i) {
  if (nvmas >= MAX_VMAS) return ENOMEM;
  uint32_t front = (uint32_t)(vmas - vma_store);
  uint32_t back = MAX_VMAS + VMA_SLACK - front - nvmas;
  int forward = i < nvmas - i;
  if (forward ? front == 0 : back == 0) {
    /* The short side is against the store's end: centre the table, which
     * leaves at least VMA_SLACK / 2 free slots on either side. */
    struct vma *centred = vma_store + (front + back) / 2;
    memmove(centred, vmas, nvmas * sizeof vmas[0]);
    vmas = centred;
  }
  if (forward) {
    memmove(vmas - 1, vmas, i * sizeof vmas[0]);
    vmas--;
  } else {
    memmove(&vmas[i + 1], &vmas[i], (nvmas - i) * sizeof vmas[0]);
  }
  nvmas++;
  return 0;
}

int vma_insert(const struct vma *v) {
  uint32_t i = vma_lower_bound(v->start);
  int err = vma_open(i);
  if (!err) vmas[i] = *v;
  return err;
}

void vma_remove(uint32_t i) {
  if (i < nvmas - 1 - i) {
    memmove(vmas + 1, vmas, i * sizeof vmas[0]);
    vmas++;
  } else {
    memmove(&vmas[i], &vmas[i + 1], (nvmas - i - 1) * sizeof vmas[0]);
  }
  nvmas--;
}

int vma_split(uint32_t i, uint32_t page) {
  if (page <= vmas[i].start || page >= vmas[i].end) return 0;
  int err = vma_open(i + 1);
  if (err) return err;
  vmas[i + 1] = vmas[i];
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

void vma_set_writable(struct vma *v, int writable) {
  struct object *o = &objects[v->obj];
  int was = (v->prot & PROT_WRITE) != 0;
  if (o->kind != OBJ_FILE_SHARED || was == writable) return;
  if (writable) {
    o->writers++;
    if (v->depth == 1) pages_unseal(v->start, v->end, v->obj);
    hash_resident(v->start, v->end);
  } else {
    o->writers--;
    if (v->depth == 1) pages_seal(v->start, v->end);
  }
}

static int writable_shared(const struct vma *v) {
  return v->shared && (v->prot & PROT_WRITE) && objects[v->obj].kind == OBJ_FILE_SHARED;
}

static int split_at(uint32_t page) {
  int i = vma_find(page);
  return i < 0 ? 0 : vma_split((uint32_t)i, page);
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

/* Drops one mapping layer of [start, end), or all of them (UNMAP_ALL_LAYERS,
 * for MAP_FIXED), writing dirty shared pages back first (UNMAP_WRITE_BACK)
 * so that a failed write leaves everything mapped. */
int unmap_range(uint32_t start, uint32_t end, int flags) {
  int err = flags & UNMAP_WRITE_BACK ? writeback(start, end) : 0;
  if (err) return err;
  if ((err = split_at(start)) || (err = split_at(end))) return err;
  uint32_t i = vma_lower_bound(start);
  while (i < nvmas && vmas[i].start < end) {
    struct vma v = vmas[i];
    uint32_t drop = flags & UNMAP_ALL_LAYERS ? v.depth : 1;
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
