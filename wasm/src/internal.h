#ifndef ANYMMAP_INTERNAL_H
#define ANYMMAP_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <wasi/api.h>

#include "anymmap.h"
/* After every system header: see namespace.h. */
#include "namespace.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ  22
#define MADV_POPULATE_WRITE 23
#endif

#define PAGE_SHIFT 12
/* A file that included <limits.h> first has libc's PAGE_SIZE (65536 or
 * 4096, see posix/include/limits.h); the core's is the same 4096, typed. */
#undef PAGE_SIZE
#define PAGE_SIZE    ((uint32_t)ANYMMAP_PAGE_SIZE)
#define NPAGES       (1u << 20)
/* The top 64 KiB stays unmapped so that no mapping can end at (void *)-1. */
#define AREA_END     (NPAGES - 16)
/* Linux's most bytes one read or write moves (INT_MAX rounded down to a
 * page), so that the count returned fits in a 32-bit ssize_t. */
#define MAX_RW_COUNT 0x7ffff000u
/* Linux's default vm.max_map_count. */
#define MAX_VMAS     65530
#define MAX_OBJECTS  65536

#define PG_RESIDENT 1
#define PG_DIRTY    2
#define PG_HASHED   4
/* Not resident, and may still hold the bytes of the mapping that last had
 * it resident: munmap leaves them (zeroing a freed GiB costs 44 ms), and
 * the page is zeroed, or overwritten by the file, when it next becomes
 * resident. A page once resident keeps a state (resident or stale), so the
 * pages a view was ever made of (views are only made of resident pages),
 * whatever a stale view wrote there since, are zeroed before another
 * mapping shows them; a page with no state was never resident, and is
 * zero. */
#define PG_STALE    8

enum obj_kind { OBJ_FREE = 0, OBJ_ANON, OBJ_FILE_PRIVATE, OBJ_FILE_SHARED };

/* A contiguous range of pages with one protection, as Linux's vm_area_struct.
 * MAP_SHARED mappings of the same file pages share addresses, so one vma
 * stands for depth mappings of its pages; its protection is their union. */
struct vma {
  uint32_t start, end; /* pages */
  uint32_t obj;
  uint32_t depth;
  uint8_t prot;
  uint8_t shared;
  uint8_t lazy;
  uint8_t advice;
  uint8_t maywrite;
  uint32_t ra_next, ra_end, ra_pages;
};

/* What backs pages: zeros, or a file. Page p holds file page p - vbase. */
struct object {
  uint8_t kind;
  uint8_t shared;
  int32_t file;
  int64_t vbase;
  uint32_t live;       /* pages with refs > 0 */
  uint32_t first, end; /* pages owned, live or reserved */
  uint32_t writers;    /* writable MAP_SHARED vmas */
  uint32_t next_in_file;
};

/* One per (dev, ino): the page cache identity of a file. */
struct file {
  uint8_t in_use;
  uint8_t rfd_owned, wfd_owned;
  uint64_t dev, ino;
  int32_t rfd, wfd;
  uint32_t objects;
  uint32_t shared_head;
  /* The size last seen, so that a page-in below it costs no fstat; reads
   * past a shrink come back short and correct it. */
  uint64_t size;
  uint8_t size_known;
};

/* ptable.c: page records (see there). A page's owner (an object, or
 * QUARANTINE) and depth (how many mappings map it) are lazy: one value per
 * chunk while its pages agree. */
#define CHUNK_SHIFT 9
#define CHUNK_PAGES (1u << CHUNK_SHIFT)
#define NCHUNKS     (NPAGES >> CHUNK_SHIFT)
struct lazy_pages {
  uint32_t *flat; /* per page, read only where detailed */
  uint32_t value[NCHUNKS];
  uint8_t detailed[NCHUNKS];
};
extern struct lazy_pages page_owners, page_depths;
/* For each chunk whose owners are detailed: how many free (owner 0) pages
 * its top and its bottom hold, and its longest run of them, so that the
 * allocator's first fit steps over a chunk without room in one step. */
extern uint16_t owner_free_top[NCHUNKS], owner_free_bottom[NCHUNKS], owner_free_max[NCHUNKS];
/* Per page, nonzero only for pages that are resident (or were, until
 * cleared); chunk_stated counts the nonzero ones of each chunk, so every
 * write goes through state_set. */
extern uint8_t page_state[NPAGES];
extern uint64_t page_hash[NPAGES];
extern uint16_t chunk_stated[NCHUNKS];

static inline uint32_t lazy_get(const struct lazy_pages *t, uint32_t p) {
  uint32_t c = p >> CHUNK_SHIFT;
  return t->detailed[c] ? t->flat[p] : t->value[c];
}
static inline uint32_t page_owner(uint32_t p) {
  return lazy_get(&page_owners, p);
}
static inline uint32_t page_depth(uint32_t p) {
  return lazy_get(&page_depths, p);
}
void lazy_set(struct lazy_pages *t, uint32_t start, uint32_t end, uint32_t v);
/* Adds delta to every page of [start, end); returns how many were 0. */
uint32_t lazy_add(struct lazy_pages *t, uint32_t start, uint32_t end, int32_t delta);
/* The end of the run of pages from p that have p's value, at most end. */
uint32_t lazy_run_end(const struct lazy_pages *t, uint32_t p, uint32_t end);
uint32_t lazy_next_set(const struct lazy_pages *t, uint32_t p, uint32_t end);
static inline void state_set(uint32_t p, uint8_t s) {
  uint8_t was = page_state[p];
  if (!was != !s) chunk_stated[p >> CHUNK_SHIFT] += s ? 1 : (uint16_t)-1;
  page_state[p] = s;
}
/* The lowest page >= p with state, or end. */
uint32_t state_next(uint32_t p, uint32_t end);
#ifndef __wasm__
uint32_t anymmap_hosted_check_tables(uint32_t start, uint32_t end);
void ptable_reset(void);
#endif

extern struct vma *vmas;
extern uint32_t nvmas;
extern struct object objects[MAX_OBJECTS];
/* Live objects of kind OBJ_FILE_SHARED. */
extern uint32_t shared_file_objects;
/* Grows as files are mapped (file.c): a record index stays valid, a
 * pointer into the table does not survive file_get. */
extern struct file *files;
/* Records at or above files_used are free: lookups stop there. */
extern uint32_t files_used;

/* Where linear memory starts. In WebAssembly a pointer is its linear-memory
 * address; the native build (wasm/native/, for fuzzing) reserves a 4 GiB
 * region and sets anymmap_base to it. Every conversion between pointers and
 * page numbers goes through the three helpers below. */
#ifdef __wasm__
#define anymmap_base ((uintptr_t)0)
#else
extern uintptr_t anymmap_base;
#endif

static inline uint8_t *page_addr(uint32_t p) {
  return (uint8_t *)(anymmap_base + ((uintptr_t)p << PAGE_SHIFT));
}

/* The linear-memory address of ptr. */
static inline uintptr_t linear_addr(const void *ptr) {
  return (uintptr_t)ptr - anymmap_base;
}

static inline uint32_t addr_page(const void *ptr) {
  return (uint32_t)(linear_addr(ptr) >> PAGE_SHIFT);
}

static inline int64_t file_page(uint32_t p) {
  return (int64_t)p - objects[page_owner(p)].vbase;
}

/* vma.c: the vma table */
int vma_find(uint32_t page);
uint32_t vma_lower_bound(uint32_t page);
int vma_insert(const struct vma *v);
void vma_remove(uint32_t i);
int vma_split(uint32_t i, uint32_t page);
int range_fully_mapped(uint32_t start, uint32_t end);
#define UNMAP_ONE_LAYER  0
#define UNMAP_WRITE_BACK 1
#define UNMAP_ALL_LAYERS 2
int unmap_range(uint32_t start, uint32_t end, int flags);
int vma_map(uint32_t start, uint32_t end, const struct vma *t);
void vma_merge(uint32_t start, uint32_t end);
void vma_set_writable(struct vma *v, int writable);

/* object.c: objects and the pages they own */
uint32_t object_new(int kind, int shared, int file, int64_t vbase);
void claim(uint32_t start, uint32_t end, uint32_t obj);
void pages_ref(uint32_t start, uint32_t end, uint32_t obj);
void pages_unref(uint32_t start, uint32_t end);
void discard_unmapped(uint32_t start, uint32_t end, uint32_t obj);
int shared_conflict(int file, int64_t fstart, int64_t fend, uint32_t except);
uint32_t shared_object_at(int file, int64_t fpage);

/* quarantine.c: freed pages waiting before reuse (owner QUARANTINE) */
#define QUARANTINE (MAX_OBJECTS - 1)
void quarantine_run(uint32_t start, uint32_t end);
uint32_t quarantine_evict(void);
uint64_t quarantine_pages(void);

/* alloc.c: the address-space allocator */
uint32_t area_start(void);
int64_t area_alloc(uint32_t npages, uint32_t hint);
void area_take(uint32_t start, uint32_t end);
void area_give_back(uint32_t start, uint32_t end);
void area_recompute_low(uint32_t first, uint32_t end);
int pages_free(uint32_t start, uint32_t end, uint32_t obj);
int pages_joinable(uint32_t start, uint32_t end, uint32_t obj, int asked);

#ifndef __wasm__
void quarantine_reset(void);
void objects_reset(void);
#endif

/* file.c */
struct fd_info {
  uint64_t dev, ino, size;
  uint8_t filetype;
  uint8_t readable, writable, append;
};
int fd_info(int fd, struct fd_info *out);
int file_get(const struct fd_info *info, int fd);
/* The record of the file with that identity, or -1. */
int file_find(uint64_t dev, uint64_t ino);
void file_retain_fd(int file, int fd, int writable);
void file_put(int file);
/* Frees a record no object holds (a failed mmap's). */
void file_free(int file);
/* The descriptor page-ins and size checks go through: the writable one where
 * the file has one, since a host may give up a read-only descriptor when
 * descriptors run short and can reopen it only by path, which a rename
 * defeats; a write-back must never depend on that. */
int file_read_fd(int file);
int file_size(int file, uint64_t *size);

/* page.c */
uint64_t page_digest(const uint8_t *page);
/* Takes page p's digest as its clean state (and its clean copy). */
void hash_page(uint32_t p);
int page_clean(uint32_t p);
void pages_clear(uint32_t start, uint32_t end);
#define LOAD_ALL    0
#define LOAD_CLIP   1
#define LOAD_STRICT 2
int load_vma_pages(const struct vma *v, uint32_t start, uint32_t end, int mode);
int writeback(uint32_t start, uint32_t end);
#define RELOAD_SHARED   1
#define DISCARD_PRIVATE 2
int reload_pages(uint32_t start, uint32_t end, int mode);
void hash_resident(uint32_t start, uint32_t end);
/* [start, end) lost write access: what changed in its pages until now is
 * written back (or, if that fails, stays to be), what changes from now on
 * is not (see dirty_under). */
void pages_seal(uint32_t start, uint32_t end);
void pages_unseal(uint32_t start, uint32_t end, uint32_t obj);

/* clean.c */
void clean_save(uint32_t p);
/* Page from's copy becomes page to's (mremap moved the page). */
void clean_move(uint32_t from, uint32_t to);
/* Page p's bytes as of its digest, or NULL when there is no such copy. */
const uint8_t *clean_copy(uint32_t p);
#ifndef __wasm__
void anymmap_hosted_reset_clean(void);
#endif

static inline uint32_t pages_for(size_t len) {
  return (uint32_t)(((uint64_t)len + PAGE_SIZE - 1) >> PAGE_SHIFT);
}

#endif
