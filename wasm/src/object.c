#include <string.h>

#include "internal.h"

/* Objects: what backs pages (zeros or a file), and which pages each one
 * owns, mapped (page_refs > 0) or reserved. */
struct object objects[MAX_OBJECTS];
static uint32_t free_object_hint = 1;

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
  area_take(start, end);
  if (start < o->first) o->first = start;
  if (end > o->end) o->end = end;
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

#ifndef __wasm__
void objects_reset(void) {
  free_object_hint = 1;
}
#endif
