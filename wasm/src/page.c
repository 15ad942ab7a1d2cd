#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#include "internal.h"

/* xxh32 rounds on four lanes, done twice with independent primes so that a
 * changed page goes unnoticed with probability about 2^-64. */
#ifdef __wasm_simd128__
static inline v128_t round32(v128_t acc, v128_t w, v128_t p1, v128_t p2) {
  acc = wasm_i32x4_add(acc, wasm_i32x4_mul(w, p2));
  acc = wasm_v128_or(wasm_i32x4_shl(acc, 13), wasm_u32x4_shr(acc, 19));
  return wasm_i32x4_mul(acc, p1);
}
#else
/* One lane of the same round, for native builds (wasm/native/): the digest
 * must be the same, so that dirtiness is decided the same way. */
static inline uint32_t round32(uint32_t acc, uint32_t w, uint32_t p1, uint32_t p2) {
  acc += w * p2;
  acc = (acc << 13) | (acc >> 19);
  return acc * p1;
}

static inline uint32_t load_le32(const uint8_t *b) {
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
#endif

uint64_t page_digest(const uint8_t *page) {
  uint32_t lanes[16];
#ifdef __wasm_simd128__
  const v128_t a1 = wasm_i32x4_splat((int32_t)0x9E3779B1u);
  const v128_t a2 = wasm_i32x4_splat((int32_t)0x85EBCA77u);
  const v128_t b1 = wasm_i32x4_splat((int32_t)0xC2B2AE3Du);
  const v128_t b2 = wasm_i32x4_splat((int32_t)0x27D4EB2Fu);
  v128_t a = wasm_i32x4_make(1, 2, 3, 4), a_ = wasm_i32x4_make(5, 6, 7, 8);
  v128_t b = wasm_i32x4_make(9, 10, 11, 12), b_ = wasm_i32x4_make(13, 14, 15, 16);
  for (uint32_t i = 0; i < PAGE_SIZE; i += 32) {
    v128_t w = wasm_v128_load(page + i);
    v128_t w_ = wasm_v128_load(page + i + 16);
    a = round32(a, w, a1, a2);
    a_ = round32(a_, w_, a1, a2);
    b = round32(b, w, b1, b2);
    b_ = round32(b_, w_, b1, b2);
  }
  wasm_v128_store(lanes, a);
  wasm_v128_store(lanes + 4, a_);
  wasm_v128_store(lanes + 8, b);
  wasm_v128_store(lanes + 12, b_);
#else
  /* lanes[0..3] is a, [4..7] a_, [8..11] b, [12..15] b_ of the SIMD form. */
  for (uint32_t j = 0; j < 16; j++) lanes[j] = j + 1;
  for (uint32_t i = 0; i < PAGE_SIZE; i += 32) {
    for (uint32_t j = 0; j < 4; j++) {
      uint32_t w = load_le32(page + i + 4 * j), w_ = load_le32(page + i + 16 + 4 * j);
      lanes[j] = round32(lanes[j], w, 0x9E3779B1u, 0x85EBCA77u);
      lanes[4 + j] = round32(lanes[4 + j], w_, 0x9E3779B1u, 0x85EBCA77u);
      lanes[8 + j] = round32(lanes[8 + j], w, 0xC2B2AE3Du, 0x27D4EB2Fu);
      lanes[12 + j] = round32(lanes[12 + j], w_, 0xC2B2AE3Du, 0x27D4EB2Fu);
    }
  }
#endif
  uint64_t h = 0xcbf29ce484222325ull;
  for (int i = 0; i < 16; i += 2) {
    h ^= (uint64_t)lanes[i] | (uint64_t)lanes[i + 1] << 32;
    h *= 0x100000001b3ull;
    h = (h << 29) | (h >> 35);
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

void hash_page(uint32_t p) {
  page_hash[p] = page_digest(page_addr(p));
  state_set(p, page_state[p] | PG_HASHED);
  clean_save(p);
}

void hash_resident(uint32_t start, uint32_t end) {
  for (uint32_t p = state_next(start, end); p < end; p = state_next(p + 1, end))
    /* A dirty page without a digest must stay dirty (file_bytes_changed). */
    if ((page_state[p] & (PG_RESIDENT | PG_HASHED | PG_DIRTY)) == PG_RESIDENT) hash_page(p);
}

/* Reads up to len bytes; *got < len only at the end of the file. */
static int read_file(int fd, uint8_t *dst, uint32_t len, uint64_t offset, uint32_t *got) {
  *got = 0;
  while (*got < len) {
    __wasi_iovec_t iov = {dst + *got, len - *got};
    __wasi_size_t n = 0;
    int err = __wasi_fd_pread(fd, &iov, 1, offset + *got, &n);
    if (err) return err;
    if (n == 0) break;
    *got += n;
  }
  return 0;
}

static int write_file(int fd, const uint8_t *src, uint32_t len, uint64_t offset) {
  while (len) {
    __wasi_ciovec_t iov = {src, len};
    __wasi_size_t n = 0;
    int err = __wasi_fd_pwrite(fd, &iov, 1, offset, &n);
    if (err) return err;
    if (n == 0) return EIO;
    src += n;
    len -= n;
    offset += n;
  }
  return 0;
}

/* Writes the bytes of a page that differ from its clean copy, run by run:
 * the bytes between runs may have been changed by others since. */
static int write_changed(int fd, const uint8_t *now, const uint8_t *was, uint32_t len,
                         uint64_t offset) {
  uint32_t i = 0;
  while (i < len) {
    uint64_t a, b;
    if (!(i & 7) && i + 8 <= len && (memcpy(&a, now + i, 8), memcpy(&b, was + i, 8), a == b)) {
      i += 8;
      continue;
    }
    if (now[i] == was[i]) {
      i++;
      continue;
    }
    uint32_t j = i + 1;
    while (j < len && now[j] != was[j]) j++;
    int err = write_file(fd, now + i, j - i, offset + i);
    if (err) return err;
    i = j;
  }
  return 0;
}

/* What the reads of a page-in learned about the end of the file, so that
 * a page-in costs one pread and no fstat: a short read says exactly where
 * the file ends, a whole one that it reaches at least that far. */
struct eof_probe {
  uint64_t size;
  int exact;
  /* An empty read only bounds the size from above. */
  int bound_only;
  /* A page copied from a shared one says nothing about the file. */
  int copied;
};

/* Reads file pages [start, end) of the object into memory. A private page
 * takes the bytes of a resident MAP_SHARED page of the same file, which may
 * be newer than the file, as Linux's page cache would give it. */
static int fill(uint32_t obj, uint32_t start, uint32_t end, struct eof_probe *eof) {
  struct object *o = &objects[obj];
  int fd = file_read_fd(o->file);
  uint32_t run = start;
  for (uint32_t p = start; p <= end; p++) {
    uint32_t src = 0;
    if (p < end && o->kind == OBJ_FILE_PRIVATE) {
      uint32_t id = shared_object_at(o->file, (int64_t)p - o->vbase);
      if (id) src = (uint32_t)((int64_t)p - o->vbase + objects[id].vbase);
    }
    if (p == end || src) {
      uint64_t from = (uint64_t)((int64_t)run - o->vbase) << PAGE_SHIFT;
      uint32_t want = (p - run) << PAGE_SHIFT;
      /* Past a known end there is nothing to read. */
      if (eof->exact)
        want =
            from >= eof->size ? 0 : (uint32_t)(eof->size - from < want ? eof->size - from : want);
      uint32_t got = 0;
      if (want) {
        int err = read_file(fd, page_addr(run), want, from, &got);
        if (err) return err;
        if (got < want) {
          eof->exact = 1;
          eof->size = from + got;
          eof->bound_only = got == 0;
        }
      }
      /* Past what was read, a stale page must read zeros. */
      for (uint32_t r = run + (got >> PAGE_SHIFT); r < p; r++) {
        if (!(page_state[r] & PG_STALE)) continue;
        uint32_t skip = r == run + (got >> PAGE_SHIFT) ? got & (PAGE_SIZE - 1) : 0;
        memset(page_addr(r) + skip, 0, PAGE_SIZE - skip);
      }
      if (src) {
        memcpy(page_addr(p), page_addr(src), PAGE_SIZE);
        eof->copied = 1;
      }
      run = p + 1;
    }
  }
  return 0;
}

/* Shared file pages get a digest when a mapping may write them: now, or
 * later through mprotect if the file is open for writing (pages_unseal
 * then tells a stale store from the file's bytes). */
static void make_resident(const struct object *o, uint32_t p) {
  state_set(p, (uint8_t)((page_state[p] & ~PG_STALE) | PG_RESIDENT));
  if (o->kind == OBJ_FILE_SHARED && (o->writers || files[o->file].wfd >= 0)) hash_page(p);
}

/* Pages wholly past the end of the file: LOAD_ALL makes them resident zeros
 * (C code must be able to touch them), LOAD_CLIP leaves them out (a lazy
 * mapping reads them when the file has grown), LOAD_STRICT fails with
 * Linux's SIGBUS. */
int load_vma_pages(const struct vma *v, uint32_t start, uint32_t end, int mode) {
  struct object *o = &objects[v->obj];
  if (o->kind == OBJ_ANON) {
    for (uint32_t p = start; p < end; p++)
      if (!(page_state[p] & PG_RESIDENT)) {
        if (page_state[p] & PG_STALE) memset(page_addr(p), 0, PAGE_SIZE);
        make_resident(o, p);
      }
    return 0;
  }
  struct file *f = &files[o->file];
  uint64_t end_byte = (uint64_t)((int64_t)end - o->vbase) << PAGE_SHIFT;
  struct eof_probe eof = {0, 0, 0, 0};
  if (!f->size_known || f->size < end_byte) {
    int err = file_size(o->file, &eof.size);
    if (err) return err;
    eof.exact = 1;
  }
  for (uint32_t p = start; p < end;) {
    if (page_state[p] & PG_RESIDENT) {
      p++;
      continue;
    }
    uint32_t q = p;
    while (q < end && !(page_state[q] & PG_RESIDENT)) q++;
    int err = fill(v->obj, p, q, &eof);
    if (err) {
      /* Pages read before the failure are not resident, so must be zero
       * again, as every page that is not resident is. */
      for (uint32_t r = start; r < q; r++)
        if (!(page_state[r] & PG_RESIDENT)) memset(page_addr(r), 0, PAGE_SIZE);
      return err;
    }
    p = q;
  }
  if (eof.exact && eof.size < f->size) {
    /* The file shrank behind our back: the cached size is wrong. */
    f->size = eof.size;
    f->size_known = !eof.bound_only;
  }
  /* A copied page says nothing of where the file ends, and a short read
   * after it only bounds the end from above. */
  if (eof.copied) {
    int err = file_size(o->file, &eof.size);
    if (err) return err;
    eof.exact = 1;
  }
  int64_t eof_page =
      eof.exact ? (int64_t)((eof.size + PAGE_SIZE - 1) >> PAGE_SHIFT) + o->vbase : (int64_t)end;
  for (uint32_t p = start; p < end; p++) {
    if (page_state[p] & PG_RESIDENT) continue;
    if ((int64_t)p < eof_page) {
      make_resident(o, p);
      continue;
    }
    /* Reads stop at the end; only a page copied from a shared one can hold
     * bytes here, and past the end every page reads as zeros. */
    if (o->kind == OBJ_FILE_PRIVATE && shared_object_at(o->file, (int64_t)p - o->vbase))
      memset(page_addr(p), 0, PAGE_SIZE);
    if (mode == LOAD_ALL) make_resident(o, p);
  }
  return mode == LOAD_STRICT && (int64_t)end > eof_page ? ANYMMAP_SIGBUS : 0;
}

/* The digest decides where there is one, so that a page written with the
 * bytes it already had, or only viewed for writing, is not written back. */
static int page_dirty(uint32_t p) {
  uint8_t s = page_state[p];
  if (!(s & PG_RESIDENT)) return 0;
  if (s & PG_HASHED) return page_digest(page_addr(p)) != page_hash[p];
  return (s & PG_DIRTY) != 0;
}

/* Under a writable shared mapping, whatever changed in a page is written
 * back. Under one that lost write access (mprotect), only what pages_seal
 * could not write back then: a store through a view held from before
 * changes the memory, which WebAssembly cannot protect, but never the file.
 * Pages that several mappings share (depth > 1) have one protection for all
 * of them, so one mapping's mprotect must not drop another's writes: there
 * whatever changed is written back. */
static int sealed(const struct vma *v) {
  return !(v->prot & PROT_WRITE) && v->depth == 1;
}

static int dirty_under(const struct vma *v, uint32_t p) {
  if (!sealed(v)) return page_dirty(p);
  return (page_state[p] & (PG_RESIDENT | PG_HASHED | PG_DIRTY)) == (PG_RESIDENT | PG_DIRTY);
}

void pages_seal(uint32_t start, uint32_t end) {
  /* Written now, the pages keep their digest and clean copy (later
   * write-backs write only changed bytes); what fails stays dirty, without
   * a digest, for the next msync or munmap to retry. */
  (void)writeback(start, end);
  for (uint32_t p = state_next(start, end); p < end; p = state_next(p + 1, end)) {
    uint8_t s = page_state[p];
    if (!(s & PG_RESIDENT)) continue;
    if (page_dirty(p))
      state_set(p, (uint8_t)((s & ~PG_HASHED) | PG_DIRTY));
    else
      state_set(p, (uint8_t)(s & ~PG_DIRTY));
  }
}

/* The digest decides, as in page_dirty: a page only viewed for writing
 * (PG_DIRTY) but unchanged is clean; so does the mapping's protection, as
 * in dirty_under: a stale store into a read-only range is no change. */
int page_clean(uint32_t p) {
  int i = vma_find(p);
  if (i >= 0 && sealed(&vmas[i])) {
    if (dirty_under(&vmas[i], p)) return 0;
    if (page_state[p] & PG_HASHED) return 1;
  }
  return (page_state[p] & PG_HASHED) && page_digest(page_addr(p)) == page_hash[p];
}

/* Forgets the state of the pages of [start, end) and drops their
 * references. Resident pages keep their bytes as PG_STALE, zeroed when the
 * page is next made resident; pages never touched have nothing to clear. */
void pages_clear(uint32_t start, uint32_t end) {
  for (uint32_t p = state_next(start, end); p < end; p = state_next(p + 1, end)) {
    /* A stale page has no digest (every page made stale loses it). */
    if (page_state[p] == PG_STALE) continue;
    state_set(p, PG_STALE);
    page_hash[p] = 0;
  }
  lazy_set(&page_depths, start, end, 0);
}

/* Writes the dirty MAP_SHARED pages of [start, end) to their files, never
 * past the current end of a file: a page with a clean copy only the bytes
 * that changed (clean.c), runs of pages without one whole. */
int writeback(uint32_t start, uint32_t end) {
  for (uint32_t i = vma_lower_bound(start); i < nvmas && vmas[i].start < end; i++) {
    const struct vma *v = &vmas[i];
    struct object *o = &objects[v->obj];
    if (o->kind != OBJ_FILE_SHARED) continue;
    struct file *f = &files[o->file];
    uint32_t lo = v->start > start ? v->start : start;
    uint32_t hi = v->end < end ? v->end : end;
    uint64_t size = 0;
    int have_size = 0;
    /* Most pages of a large mapping were never touched. */
    uint32_t p = state_next(lo, hi);
    while (p < hi) {
      if (!dirty_under(v, p)) {
        p = state_next(p + 1, hi);
        continue;
      }
      const uint8_t *copy = clean_copy(p);
      uint32_t q = p + 1;
      if (!copy)
        while (q < hi && dirty_under(v, q) && !clean_copy(q)) q++;
      if (!have_size) {
        int err = file_size(o->file, &size);
        if (err) return err;
        have_size = 1;
      }
      uint64_t from = (uint64_t)((int64_t)p - o->vbase) << PAGE_SHIFT;
      uint64_t to = (uint64_t)((int64_t)q - o->vbase) << PAGE_SHIFT;
      if (to > size) to = size;
      if (from < to) {
        if (f->wfd < 0) return EACCES;
        int err = copy ? write_changed(f->wfd, page_addr(p), copy, (uint32_t)(to - from), from)
                       : write_file(f->wfd, page_addr(p), (uint32_t)(to - from), from);
        if (err) {
          for (uint32_t r = p; r < q; r++) state_set(r, page_state[r] | PG_DIRTY);
          return err;
        }
      }
      for (uint32_t r = p; r < q; r++) {
        state_set(r, page_state[r] & (uint8_t)~PG_DIRTY);
        hash_page(r);
      }
      p = state_next(q, hi);
    }
  }
  return 0;
}

/* Every dirty MAP_SHARED page of every mapping, as the kernel's page cache
 * outlives a process: hosts call it when the runtime exits. A failed file
 * does not stop the others; the first error is returned. */
int anymmap_writeback_all(void) {
  int first = 0;
  for (uint32_t i = 0; i < nvmas; i++) {
    if (objects[vmas[i].obj].kind != OBJ_FILE_SHARED) continue;
    int err = writeback(vmas[i].start, vmas[i].end);
    if (err && !first) first = err;
  }
  return first;
}

/* Reads shared file page p again, into a side buffer first: a failed read
 * leaves the page as it was, still resident (an eager mapping's pages must
 * stay so). size is the file's, just taken. */
static int reread_page(const struct object *o, uint32_t p, uint64_t size) {
  static uint8_t fresh[PAGE_SIZE];
  uint64_t from = (uint64_t)((int64_t)p - o->vbase) << PAGE_SHIFT;
  uint32_t want = size - from < PAGE_SIZE ? (uint32_t)(size - from) : PAGE_SIZE;
  uint32_t got;
  int err = read_file(file_read_fd(o->file), fresh, want, from, &got);
  if (err) return err;
  memset(fresh + got, 0, PAGE_SIZE - got);
  memcpy(page_addr(p), fresh, PAGE_SIZE);
  state_set(p, page_state[p] & (uint8_t)~PG_HASHED);
  if (o->writers) hash_page(p);
  return 0;
}

/* Write access comes back to pages one mapping sealed (pages_seal): what
 * stale views stored into them while they were read-only never happened
 * (Linux would have raised SIGSEGV), so a page that no longer matches its
 * digest gets its clean bytes back, from the clean copy or the file, as the
 * native backend's pages do. A page that cannot be read again keeps what
 * it holds, as before. */
void pages_unseal(uint32_t start, uint32_t end, uint32_t obj) {
  const struct object *o = &objects[obj];
  uint64_t size = 0;
  int have_size = 0;
  for (uint32_t p = state_next(start, end); p < end; p = state_next(p + 1, end)) {
    if ((page_state[p] & (PG_RESIDENT | PG_HASHED | PG_DIRTY)) != (PG_RESIDENT | PG_HASHED))
      continue;
    if (page_digest(page_addr(p)) == page_hash[p]) continue;
    const uint8_t *clean = clean_copy(p);
    if (clean) {
      memcpy(page_addr(p), clean, PAGE_SIZE);
      continue;
    }
    if (!have_size && file_size(o->file, &size)) continue;
    have_size = 1;
    (void)reread_page(o, p, size);
  }
}

/* Memory is rewritten in place, never dropped, because views of it may be
 * held. RELOAD_SHARED (MS_INVALIDATE) re-reads clean MAP_SHARED pages, to
 * pick up changes made to the file by others; DISCARD_PRIVATE
 * (MADV_DONTNEED) drops private changes: anonymous pages become zeros and
 * private file pages the file's bytes again. */
int reload_pages(uint32_t start, uint32_t end, int mode) {
  for (uint32_t i = vma_lower_bound(start); i < nvmas && vmas[i].start < end; i++) {
    const struct vma *v = &vmas[i];
    struct object *o = &objects[v->obj];
    int shared = o->kind == OBJ_FILE_SHARED;
    if (o->shared && !shared) continue;
    if ((mode == RELOAD_SHARED) != shared) continue;
    uint32_t lo = v->start > start ? v->start : start;
    uint32_t hi = v->end < end ? v->end : end;
    /* Others may have truncated the file too: pages now past its end are
     * dropped as a page-in past the end would leave them, never read with
     * a stale size. */
    uint64_t size = 0;
    int have_size = 0;
    for (uint32_t p = state_next(lo, hi); p < hi; p = state_next(p + 1, hi)) {
      if (!(page_state[p] & PG_RESIDENT)) continue;
      if (shared && dirty_under(v, p)) continue;
      if (shared && !have_size) {
        int err = file_size(o->file, &size);
        if (err) return err;
        have_size = 1;
      }
      if (shared && ((uint64_t)((int64_t)p - o->vbase) << PAGE_SHIFT) < size) {
        int err = reread_page(o, p, size);
        if (err) return err;
        continue;
      }
      memset(page_addr(p), 0, PAGE_SIZE);
      if (o->kind == OBJ_ANON) continue;
      state_set(p, PG_STALE);
      page_hash[p] = 0;
      int err = load_vma_pages(v, p, p + 1, v->lazy ? LOAD_CLIP : LOAD_ALL);
      if (err) return err;
    }
  }
  return 0;
}
