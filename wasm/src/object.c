#include <string.h>

#include "internal.h"

/* Objects: what backs pages (zeros or a file), and which pages each one
 * owns, mapped (depth > 0) or reserved. */
struct object objects[MAX_OBJECTS];
static uint32_t free_object_hint = 1;
uint32_t shared_file_objects;

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
        shared_file_objects++;
      }
    }
    return id;
  }
  return 0;
}

static void object_release(uint32_t id) {
  struct object *o = &objects[id];
  for (uint32_t p = o->first; p < o->end;) {
    uint32_t q = lazy_run_end(&page_owners, p, o->end);
    if (page_owner(p) == id) quarantine_run(p, q);
    p = q;
  }
  if (o->file >= 0) {
    struct file *f = &files[o->file];
    if (o->kind == OBJ_FILE_SHARED) {
      uint32_t *link = &f->shared_head;
      while (*link && *link != id) link = &objects[*link].next_in_file;
      if (*link) *link = o->next_in_file;
      shared_file_objects--;
    }
    file_put(o->file);
  }
  o->kind = OBJ_FREE;
}

/* Undoes the read-in of pages [start, end) that were never mapped (a failed
 * eager mmap), and releases obj if none of its pages is mapped. */
void discard_unmapped(uint32_t start, uint32_t end, uint32_t obj) {
  /* Pages with no state were not read into; the others are zeroed when
   * next made resident. */
  for (uint32_t p = state_next(start, end); p < end; p = state_next(p + 1, end)) {
    if (page_depth(p)) continue;
    state_set(p, PG_STALE);
    page_hash[p] = 0;
  }
  if (objects[obj].live == 0) object_release(obj);
}

/* Gives pages [start, end) to obj as reserved (refs stay 0). */
void claim(uint32_t start, uint32_t end, uint32_t obj) {
  struct object *o = &objects[obj];
  lazy_set(&page_owners, start, end, obj);
  area_take(start, end);
  if (start < o->first) o->first = start;
  if (end > o->end) o->end = end;
}

void pages_ref(uint32_t start, uint32_t end, uint32_t obj) {
  claim(start, end, obj);
  objects[obj].live += lazy_add(&page_depths, start, end, 1);
}

/* Unreferenced pages of [start, end), all of one object, leave it. */
static void pages_free_run(uint32_t start, uint32_t end, uint32_t id) {
  struct object *o = &objects[id];
  uint32_t freed = end - start;
  if (o->kind != OBJ_FILE_SHARED) quarantine_run(start, end);
  o->live -= freed;
  if (o->live == 0) object_release(id);
}

/* Drops one reference of every page of [start, end), run by run of one
 * owner and one depth. */
void pages_unref(uint32_t start, uint32_t end) {
  for (uint32_t p = start; p < end;) {
    uint32_t a = lazy_run_end(&page_owners, p, end), b = lazy_run_end(&page_depths, p, end);
    uint32_t q = a < b ? a : b;
    uint32_t depth = page_depth(p);
    if (depth > 1) {
      /* A page another layer still maps keeps its owner and its bytes. */
      lazy_add(&page_depths, p, q, -1);
    } else if (depth == 1) {
      uint32_t id = page_owner(p);
      pages_clear(p, q);
      pages_free_run(p, q, id);
    }
    p = q;
  }
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
    if (lo >= hi) continue;
    for (uint32_t p = (uint32_t)lo; (int64_t)p < hi;) {
      uint32_t a = lazy_run_end(&page_owners, p, (uint32_t)hi);
      uint32_t b = lazy_run_end(&page_depths, p, (uint32_t)hi);
      if (page_owner(p) == id && page_depth(p)) return 1;
      p = a < b ? a : b;
    }
  }
  return 0;
}

/* The shared object that holds file page fpage resident, or 0. */
uint32_t shared_object_at(int file, int64_t fpage) {
  for (uint32_t id = files[file].shared_head; id; id = objects[id].next_in_file) {
    int64_t p = fpage + objects[id].vbase;
    if (p >= objects[id].first && p < objects[id].end && page_owner((uint32_t)p) == id &&
        (page_state[p] & PG_RESIDENT))
      return id;
  }
  return 0;
}

#ifndef __wasm__
void objects_reset(void) {
  free_object_hint = 1;
  shared_file_objects = 0;
}
#endif
