/*
 * libFuzzer target for the anymmap core (wasm/src/), compiled natively with
 * AddressSanitizer and UndefinedBehaviorSanitizer by scripts/fuzz.sh.
 *
 * The input is a program in a small operation language (see "Input format"
 * below): map files shared or private and anonymous memory (lazy or eager,
 * with hints, MAP_FIXED, offsets past the end of the file), write raw bytes
 * wherever anymmap_touch allows it, msync, munmap, mprotect, mremap,
 * madvise, mincore, anymmap_pread / anymmap_pwrite / anymmap_ftruncate /
 * anymmap_close, open descriptors, change files behind anymmap's back, and
 * make the file system fail reads or writes with EIO.
 *
 * Files live in the in-memory file system of wasm/native/memfs.c. Next to the
 * core, the fuzzer keeps a model of every mapped page (what maps it, its
 * protection, and the bytes it must hold) and after every operation checks:
 *  - every result and errno the model can predict (including ANYMMAP_SIGBUS
 *    from anymmap_touch on pages wholly past the end of the file in lazy
 *    mappings), and that ambiguous ones are among the allowed outcomes;
 *  - anonymous and private pages keep what was written to them;
 *  - shared pages show the file's bytes when they are read in, keep what was
 *    written, and once clean (written back) equal the file up to its end;
 *    anymmap_pread sees them; one file page has one address;
 *  - private pages read in show the file (or the resident shared page);
 *  - pages that are not resident, and pages that were unmapped, are zero,
 *    or stale (PG_STALE, zeroed when next made resident): an unmapped
 *    anonymous page then holds exactly what it held when it was unmapped;
 *  - an unmapped address is not handed out again (by mmap without MAP_FIXED
 *    or a hint, or by a moving mremap) before 64 MiB of other pages have
 *    been freed after it, so that a view kept past munmap never reaches
 *    another mapping; only the same file page of a MAP_SHARED mapping may
 *    come back at its old address (its object still reserves it);
 *  - the core's tables agree with the model (vmas sorted, reference counts,
 *    protection, object kinds, writer counts);
 *  - at the end, after unmapping everything and closing every descriptor,
 *    nothing is left: no vma, object, file record or host descriptor.
 * A failed check prints the operations so far and aborts.
 *
 * Input format. Bytes are read in order; one that is missing reads as 0.
 *  - 1 byte: how descriptors 3, 4, 5 are open on files 0, 1, 2, two bits
 *    each (0 read-only, 1 read-write, 2 write-only, 3 read-write append);
 *    then 3 x 2 bytes: the files' sizes (up to 24 pages, any byte count).
 *    File 3 is a directory.
 *  - then up to MAX_OPS operations: a byte chooses one (modulo 20: 0-2 mmap
 *    or anymmap_mmap_lazy, 3 munmap, 4 msync, 5 mprotect, 6 mremap, 7 madvise
 *    or posix_madvise, 8 mincore, 9-11 anymmap_touch and a raw write where it
 *    allowed one, 12 anymmap_pread, 13 anymmap_pwrite, 14 anymmap_ftruncate,
 *    15 open, 16 anymmap_close, 17 a change to a file behind anymmap's back,
 *    18 make reads and/or writes fail with EIO, 19 msync of everything) and
 *    its operands follow: flag and protection bytes, descriptors (one of
 *    the open ones, a stale number, or a bad one), addresses (2 bytes: near
 *    an earlier mapping, near the top or the bottom of the area, unaligned,
 *    0, or past the end), lengths (1-3 bytes: whole pages, a byte count, 0,
 *    or far too long) and offsets (past the end of the file and past 4 GiB
 *    included). See the op_* functions.
 * Calls that would map more than the model holds (MAX_MAP_PAGES per call,
 * MAX_LIVE in all) are only made when they must fail. Lengths stay below
 * 4 GiB, as they do in WebAssembly, where size_t has 32 bits.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define AREA_LOW      (ANYMMAP_NATIVE_AREA_START >> PAGE_SHIFT)
#define MAX_OPS       128
#define MAX_LIVE      384 /* model pages mapped at once */
#define MAX_MAP_PAGES 16  /* pages per mmap / mremap that can succeed */
#define NHANDLES      8
#define NSLOTS        6
#define NFILES        3 /* regular files; inode NFILES is a directory */
#define MAX_TOUCHED   16384
#define MAX_POST      128
#define MAX_IO        (3 * PAGE_SIZE)

#define KNOWN_FLAGS                                                                        \
  (MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_GROWSDOWN | \
   MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB |    \
   MAP_FIXED_NOREPLACE | MAP_SYNC)

/* ---- failure reporting ---- */

static char oplog[1 << 16];
static size_t oplog_len;
static int verbose, repeat;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (verbose) {
    va_list aq;
    va_copy(aq, ap);
    vfprintf(stderr, fmt, aq);
    va_end(aq);
  }
  if (oplog_len < sizeof oplog - 1) {
    int n = vsnprintf(oplog + oplog_len, sizeof oplog - oplog_len, fmt, ap);
    if (n > 0) oplog_len += (size_t)n;
    if (oplog_len > sizeof oplog - 1) oplog_len = sizeof oplog - 1;
  }
  va_end(ap);
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...) {
  if (!verbose) fprintf(stderr, "---- operations ----\n%s", oplog);
  fprintf(stderr, "---- check failed ----\n");
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  abort();
}

#define CHECK(cond, ...)            \
  do {                              \
    if (!(cond)) fail(__VA_ARGS__); \
  } while (0)

/* ---- input ---- */

static const uint8_t *in;
static size_t in_len, in_pos;

static uint32_t rd8(void) {
  return in_pos < in_len ? in[in_pos++] : 0;
}
static uint32_t rd16(void) {
  return rd8() | rd8() << 8;
}

/* ---- the model ---- */

enum { M_ANON = 1, M_PRIV, M_SHARED };

struct mp {
  uint8_t in_use, kind, anon_shared, prot, maywrite, lazy, depth, advice;
  uint8_t resident; /* as the core said after the last operation */
  uint8_t known;    /* M_PRIV: shadow holds the page, read in earlier */
  uint8_t ext;      /* M_SHARED: the file changed behind anymmap's back */
  uint8_t dropped;  /* must not be resident after this operation */
  uint8_t forced;   /* M_SHARED: dirty until written back, whatever it holds */
  int ino;
  int64_t fp;
  uint32_t obj; /* M_ANON / M_PRIV: which mmap made it (vmas never join two) */
  uint32_t page;
};

static struct mp pool[MAX_LIVE + 1];
static uint8_t shadow[MAX_LIVE + 1][PAGE_SIZE]; /* what the page holds */
static uint8_t synced[MAX_LIVE + 1][PAGE_SIZE]; /* M_SHARED: as last read or written back */
static uint16_t slot_of[NPAGES];
static int nlive;
static uint32_t next_obj;

static uint32_t touched[MAX_TOUCHED];
static uint32_t ntouched;
static uint64_t touched_bits[NPAGES / 64];
static uint32_t freed[MAX_TOUCHED];
static uint32_t nfreed;
/* The model of the quarantine: freed_seq[p] is the count of pages freed when
 * page p was freed (0: never freed this input), what it held in freed_ino
 * and freed_fp (-1 and 0 for anonymous and private pages). */
#define QUARANTINE_MODEL_PAGES 16384u
static uint64_t freed_total;
static uint64_t freed_seq[NPAGES];
static int16_t freed_ino[NPAGES];
static int64_t freed_fp[NPAGES];
/* A resident anonymous page's bytes when it was unmapped (the model knows
 * them). */
static uint64_t freed_digest[NPAGES];
static uint8_t freed_known[NPAGES];

struct post {
  int ino;
  int64_t fp;
  uint8_t bytes[PAGE_SIZE];
};
static struct post posts[MAX_POST];
static int nposts;

struct handle {
  uint32_t page, n;
};
static struct handle handles[NHANDLES];
static uint32_t next_handle;
static int32_t slots[NSLOTS];
static int nslots;
static int fail_reads, fail_writes;
static uint8_t tmp[PAGE_SIZE];
static const uint8_t zero_page[PAGE_SIZE];
static uint8_t io[MAX_IO];
static unsigned char vec[NPAGES];

static void *P(uint64_t lin) {
  return (void *)(anymmap_base + (uintptr_t)lin);
}

static struct mp *mget(uint32_t p) {
  return p < NPAGES && slot_of[p] ? &pool[slot_of[p]] : NULL;
}
static int mi(const struct mp *m) {
  return (int)(m - pool);
}

static void note_touched(uint32_t p) {
  if (touched_bits[p >> 6] & (1ull << (p & 63))) return;
  CHECK(ntouched < MAX_TOUCHED, "fuzzer: too many pages touched");
  touched_bits[p >> 6] |= 1ull << (p & 63);
  touched[ntouched++] = p;
}

static struct mp *mnew(uint32_t p) {
  CHECK(!slot_of[p], "fuzzer: page %#x mapped twice in the model", p);
  for (int i = 1; i <= MAX_LIVE; i++) {
    if (pool[i].in_use) continue;
    memset(&pool[i], 0, sizeof pool[i]);
    pool[i].in_use = 1;
    pool[i].page = p;
    pool[i].depth = 1;
    memset(shadow[i], 0, PAGE_SIZE);
    memset(synced[i], 0, PAGE_SIZE);
    slot_of[p] = (uint16_t)i;
    freed_seq[p] = 0;
    nlive++;
    note_touched(p);
    return &pool[i];
  }
  fail("fuzzer: model pool exhausted");
}

static void mfree(struct mp *m) {
  freed_seq[m->page] = ++freed_total;
  freed_ino[m->page] = (int16_t)(m->kind == M_SHARED ? m->ino : -1);
  freed_fp[m->page] = m->kind == M_SHARED ? m->fp : 0;
  /* A page never made resident may hold an older mapping's stale bytes. */
  freed_known[m->page] = m->kind == M_ANON && m->resident;
  freed_digest[m->page] = freed_known[m->page] ? page_digest(shadow[mi(m)]) : 0;
  slot_of[m->page] = 0;
  m->in_use = 0;
  nlive--;
  if (nfreed < MAX_TOUCHED) freed[nfreed++] = m->page;
}

/* Page p, freed earlier, is mapped again by a call that did not ask for its
 * address: it must have left the quarantine, unless it is the same file page
 * of a MAP_SHARED mapping (an object still reserving it puts it back there). */
static void check_not_reused(uint32_t p, int ino, int64_t fp, const char *call) {
  if (!freed_seq[p] || slot_of[p]) return;
  if (ino >= 0 && freed_ino[p] == ino && freed_fp[p] == fp) return;
  CHECK(freed_total - freed_seq[p] >= QUARANTINE_MODEL_PAGES,
        "%s handed out page %#x again after only %llu pages were freed after it (quarantine: %u)",
        call, p, (unsigned long long)(freed_total - freed_seq[p]), QUARANTINE_MODEL_PAGES);
}

static int dirty(const struct mp *m) {
  return m->forced || memcmp(shadow[mi(m)], synced[mi(m)], PAGE_SIZE) != 0;
}

/* Model pages in [start, end), in address order. */
static int collect(uint64_t start, uint64_t end, struct mp **out) {
  int n = 0;
  if (end > NPAGES) end = NPAGES;
  if (start >= end) return 0;
  if (end - start <= 4 * MAX_LIVE) {
    for (uint64_t p = start; p < end; p++)
      if (slot_of[p]) out[n++] = &pool[slot_of[p]];
    return n;
  }
  for (int i = 1; i <= MAX_LIVE; i++)
    if (pool[i].in_use && pool[i].page >= start && pool[i].page < end) out[n++] = &pool[i];
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && out[j - 1]->page > out[j]->page; j--) {
      struct mp *t = out[j];
      out[j] = out[j - 1];
      out[j - 1] = t;
    }
  return n;
}

static int fully_mapped(uint64_t start, uint64_t end) {
  if (end > NPAGES) return 0;
  for (uint64_t p = start; p < end; p++)
    if (!slot_of[p]) return 0;
  return 1;
}

static struct mp *shared_at(int ino, int64_t fp) {
  for (int i = 1; i <= MAX_LIVE; i++)
    if (pool[i].in_use && pool[i].kind == M_SHARED && pool[i].ino == ino && pool[i].fp == fp)
      return &pool[i];
  return NULL;
}

static uint64_t fsize(int ino) {
  return memfs_size(ino);
}

static int past_eof(int ino, int64_t fp) {
  return (uint64_t)fp << PAGE_SHIFT >= fsize(ino);
}

/* The file's bytes of page fp, zeros past the end. */
static void file_page_bytes(int ino, int64_t fp, uint8_t *out) {
  uint64_t size = fsize(ino), off = (uint64_t)fp << PAGE_SHIFT;
  memset(out, 0, PAGE_SIZE);
  if (off < size)
    memcpy(out, memfs_data(ino) + off, size - off < PAGE_SIZE ? size - off : PAGE_SIZE);
}

/* What a private page reads in: the resident shared page if there is one
 * (one page cache), else the file; zeros wholly past the end. */
static void private_bytes(int ino, int64_t fp, uint8_t *out) {
  if (past_eof(ino, fp)) {
    memset(out, 0, PAGE_SIZE);
    return;
  }
  struct mp *s = shared_at(ino, fp);
  if (s && s->resident)
    memcpy(out, shadow[mi(s)], PAGE_SIZE);
  else
    file_page_bytes(ino, fp, out);
}

/* A private reload needs a host read (which fails while reads fail). */
static int private_needs_read(const struct mp *m) {
  if (past_eof(m->ino, m->fp)) return 0;
  struct mp *s = shared_at(m->ino, m->fp);
  return !(s && s->resident);
}

/* ---- files and descriptors ---- */

struct fdi {
  int ok, ino, r, w, a;
};

static struct fdi fdinfo(int32_t fd) {
  struct fdi f = {0};
  f.ok = memfs_fd_info(fd, &f.ino, &f.r, &f.w, &f.a) == 0;
  return f;
}

static int32_t pick_fd(uint32_t b) {
  switch (b % 8) {
    /* Never one of the descriptors anymmap hides (from 0x40000000 up), which
     * users cannot know: passing one is using a descriptor one does not own. */
    case 6:
      return (int32_t)(b >> 3) % 3 == 0 ? -1 : (b >> 3) % 3 == 1 ? 99 : 0x3fffffff;
    case 7:
      return 3 + (int32_t)((b >> 3) % 8); /* maybe closed, maybe reused */
    default:
      return nslots ? slots[(b >> 3) % (uint32_t)nslots] : 3;
  }
}

static void fill_pattern(uint8_t *dst, size_t n, uint32_t seed) {
  for (size_t i = 0; i < n; i++) dst[i] = (uint8_t)((seed * 167 + i * 13 + (i >> 7)) | 1);
}

/* ---- addresses and lengths ---- */

/* A linear address below 4 GiB, as every WebAssembly pointer is. */
static uint64_t pick_addr_(uint32_t b, uint32_t aux) {
  struct handle *h = &handles[(b >> 3) % NHANDLES];
  uint32_t hp = h->n ? h->page : AREA_END - 64;
  switch (b % 8) {
    case 0:
      return (uint64_t)(hp + (int8_t)aux) << PAGE_SHIFT;
    case 1:
      return (uint64_t)(AREA_END - 1 - aux * 8) << PAGE_SHIFT;
    case 2:
      return ((uint64_t)hp << PAGE_SHIFT) + 1 + aux * 16;
    case 3:
      return 0;
    case 4:
      return (uint64_t)(AREA_LOW - 2 + aux) << PAGE_SHIFT;
    case 5:
      return (uint64_t)(AREA_END - 8 + aux % 24) << PAGE_SHIFT;
    default:
      return (uint64_t)hp << PAGE_SHIFT;
  }
}

static uint64_t pick_addr(void) {
  uint32_t b = rd8(), aux = rd8();
  return pick_addr_(b, aux) & UINT64_C(0xFFFFFFFF);
}

static uint64_t pick_len(void) {
  uint32_t b = rd8();
  switch (b % 8) {
    case 5:
      return 1 + (uint64_t)rd16() % (MAX_MAP_PAGES * PAGE_SIZE);
    case 6:
      return (b >> 3) & 1 ? 0 : (uint64_t)((b >> 4) + 17) << PAGE_SHIFT;
    case 7:
      return (b >> 3) & 1 ? UINT64_C(0xFFFFF000) : UINT64_C(0x40000000) + PAGE_SIZE * (b >> 4);
    default:
      return (uint64_t)(1 + (b >> 3) % MAX_MAP_PAGES) << PAGE_SHIFT;
  }
}

/* ---- model effects ---- */

/* Whether write-back of a dirty shared page writes anything: a page with a
 * clean copy (not forced) writes only its changed bytes below the end of the
 * file, which may be none. */
static int needs_write(const struct mp *m) {
  if (past_eof(m->ino, m->fp)) return 0;
  if (m->forced) return 1;
  uint64_t size = fsize(m->ino), off = (uint64_t)m->fp << PAGE_SHIFT;
  for (uint32_t b = 0; b < PAGE_SIZE && off + b < size; b++)
    if (shadow[mi(m)][b] != synced[mi(m)][b]) return 1;
  return 0;
}

/* Write-back of [start, end) as the core does it: dirty shared pages are
 * written and become clean. While writes fail, the first dirty page with
 * bytes to write fails it, after the pages before it were handled (pages
 * with nothing to write below the end of their file are cleaned without a
 * write). Returns 1 when the write-back fails. dry: predict only. */
static int writeback_model(uint64_t start, uint64_t end, int dry) {
  struct mp *sel[MAX_LIVE];
  int n = collect(start, end, sel);
  int failing = -1;
  if (fail_writes)
    for (int i = 0; i < n; i++)
      if (sel[i]->kind == M_SHARED && sel[i]->resident && dirty(sel[i]) && needs_write(sel[i])) {
        failing = i;
        break;
      }
  if (dry) return failing >= 0;
  for (int i = 0; i < (failing >= 0 ? failing : n); i++) {
    struct mp *m = sel[i];
    if (m->kind != M_SHARED || !m->resident || !dirty(m)) continue;
    if (m->forced) {
      /* No digest, so no clean copy: the page was written whole. */
      m->ext = 0;
    } else {
      /* Only the bytes that changed since the page was clean were written
       * (wasm/src/clean.c): the file has them, and keeps what others wrote
       * elsewhere in the page (ext stays). */
      uint64_t size = fsize(m->ino), off = (uint64_t)m->fp << PAGE_SHIFT;
      for (uint32_t b = 0; b < PAGE_SIZE && off + b < size; b++)
        if (shadow[mi(m)][b] != synced[mi(m)][b])
          CHECK(memfs_data(m->ino)[off + b] == shadow[mi(m)][b],
                "write-back of shared page %#x (file %d page %lld): changed byte %u is not in the "
                "file",
                m->page, m->ino, (long long)m->fp, b);
    }
    memcpy(synced[mi(m)], shadow[mi(m)], PAGE_SIZE);
    m->forced = 0;
  }
  return failing >= 0;
}

/* The file bytes a page that goes away must have left behind. */
static void post_check(const struct mp *m) {
  if (m->kind != M_SHARED || !m->resident || m->ext || dirty(m)) return;
  if (nposts == MAX_POST) return;
  posts[nposts].ino = m->ino;
  posts[nposts].fp = m->fp;
  memcpy(posts[nposts].bytes, shadow[mi(m)], PAGE_SIZE);
  nposts++;
}

/* Drops one layer (or all) of [start, end); write-back already modelled. */
static void unmap_model(uint64_t start, uint64_t end, int all_layers) {
  struct mp *sel[MAX_LIVE];
  int n = collect(start, end, sel);
  for (int i = 0; i < n; i++) {
    struct mp *m = sel[i];
    if (m->kind == M_SHARED && m->depth > 1 && !all_layers) {
      m->depth--;
      continue;
    }
    post_check(m);
    mfree(m);
  }
}

/* ---- checks ---- */

static void check_core(void) {
  uint64_t total = 0;
  for (uint32_t i = 0; i < nvmas; i++) {
    const struct vma *v = &vmas[i];
    CHECK(v->start < v->end && v->start >= AREA_LOW && v->end <= AREA_END,
          "core: vma %u [%#x, %#x) out of the area", i, v->start, v->end);
    CHECK(i == 0 || vmas[i - 1].end <= v->start, "core: vmas %u and %u overlap or are unsorted",
          i - 1, i);
    CHECK(v->depth >= 1, "core: vma %u depth 0", i);
    const struct object *o = &objects[v->obj];
    CHECK(o->kind != OBJ_FREE, "core: vma %u [%#x, %#x) uses free object %u", i, v->start, v->end,
          v->obj);
    uint32_t writers = 0;
    for (uint32_t j = 0; j < nvmas; j++)
      writers += vmas[j].obj == v->obj && vmas[j].shared && (vmas[j].prot & PROT_WRITE) &&
                 o->kind == OBJ_FILE_SHARED;
    CHECK(o->writers == writers, "core: object %u has writers=%u, its vmas say %u", v->obj,
          o->writers, writers);
    total += v->end - v->start;
    uint32_t bad_chunk = anymmap_hosted_check_tables(v->start, v->end);
    CHECK(bad_chunk == 0,
          "core: chunk %#x counts %u pages with state, it has others, or a stale page has a digest",
          bad_chunk - 1, bad_chunk ? chunk_stated[bad_chunk - 1] : 0);
    for (uint32_t p = v->start; p < v->end; p++) {
      struct mp *m = mget(p);
      CHECK(m, "core maps page %#x (vma [%#x, %#x)), the model does not", p, v->start, v->end);
      CHECK(page_owner(p) == v->obj, "core: page %#x owned by %u, its vma says %u", p,
            page_owner(p), v->obj);
      CHECK(page_depth(p) == v->depth, "core: page %#x refs %u, vma depth %u", p, page_depth(p),
            v->depth);
      CHECK(m->depth == v->depth, "page %#x: depth %u, model says %u", p, v->depth, m->depth);
      CHECK(m->prot == v->prot, "page %#x: prot %u, model says %u", p, v->prot, m->prot);
      CHECK(m->lazy == v->lazy, "page %#x: lazy %u, model says %u", p, v->lazy, m->lazy);
      CHECK(m->maywrite == v->maywrite, "page %#x: maywrite %u, model says %u", p, v->maywrite,
            m->maywrite);
      CHECK(m->advice == v->advice, "page %#x: advice %u, model says %u", p, v->advice, m->advice);
      int kind = o->kind == OBJ_ANON ? M_ANON : o->kind == OBJ_FILE_PRIVATE ? M_PRIV : M_SHARED;
      CHECK(m->kind == kind, "page %#x: kind %d, model says %d", p, kind, m->kind);
      if (kind != M_ANON) {
        CHECK(file_page(p) == m->fp, "page %#x: file page %lld, model says %lld", p,
              (long long)file_page(p), (long long)m->fp);
        CHECK(o->file >= 0 && files[o->file].ino == (uint64_t)m->ino + 1,
              "page %#x: file record of the wrong file", p);
      }
    }
  }
  CHECK(total == (uint64_t)nlive, "core maps %llu pages, the model %d", (unsigned long long)total,
        nlive);
}

static void check_page(struct mp *m) {
  int i = mi(m);
  unsigned char v = 0;
  CHECK(mincore(P((uint64_t)m->page << PAGE_SHIFT), PAGE_SIZE, &v) == 0,
        "page %#x is mapped in the model, mincore says errno %d", m->page, errno);
  int r = v & 1;
  const uint8_t *mem = page_addr(m->page);
  switch (m->kind) {
    case M_ANON:
      if (r || page_state[m->page] != PG_STALE)
        CHECK(memcmp(mem, shadow[i], PAGE_SIZE) == 0, "anonymous page %#x lost what was written",
              m->page);
      else
        CHECK(memcmp(shadow[i], zero_page, PAGE_SIZE) == 0,
              "anonymous page %#x was written, yet it is stale", m->page);
      m->resident = (uint8_t)r;
      break;
    case M_SHARED:
      CHECK(!(r && m->dropped),
            "shared page %#x (file %d page %lld) is past the end of the file in a lazy "
            "mapping and should have been dropped",
            m->page, m->ino, (long long)m->fp);
      m->dropped = 0;
      if (r && m->resident) {
        CHECK(memcmp(mem, shadow[i], PAGE_SIZE) == 0,
              "shared page %#x (file %d page %lld) does not hold what it should", m->page, m->ino,
              (long long)m->fp);
      } else if (r) {
        file_page_bytes(m->ino, m->fp, tmp);
        CHECK(memcmp(mem, tmp, PAGE_SIZE) == 0,
              "shared page %#x (file %d page %lld) read in differs from the file", m->page, m->ino,
              (long long)m->fp);
        memcpy(shadow[i], tmp, PAGE_SIZE);
        memcpy(synced[i], tmp, PAGE_SIZE);
        m->ext = m->forced = 0;
      } else {
        CHECK(memcmp(mem, zero_page, PAGE_SIZE) == 0 || page_state[m->page] == PG_STALE,
              "non-resident shared page %#x is neither zero nor stale", m->page);
      }
      m->resident = (uint8_t)r;
      if (r && !m->ext && !dirty(m)) {
        uint64_t size = fsize(m->ino), off = (uint64_t)m->fp << PAGE_SHIFT;
        if (off < size) {
          size_t n = size - off < PAGE_SIZE ? (size_t)(size - off) : PAGE_SIZE;
          CHECK(memcmp(memfs_data(m->ino) + off, shadow[i], n) == 0,
                "clean shared page %#x (file %d page %lld) differs from the file", m->page, m->ino,
                (long long)m->fp);
        }
      }
      break;
    case M_PRIV:
      if (r && m->known) {
        CHECK(memcmp(mem, shadow[i], PAGE_SIZE) == 0,
              "private page %#x (file %d page %lld) does not hold what it should", m->page, m->ino,
              (long long)m->fp);
      } else if (r) {
        private_bytes(m->ino, m->fp, tmp);
        CHECK(memcmp(mem, tmp, PAGE_SIZE) == 0,
              "private page %#x (file %d page %lld) read in differs from the file", m->page, m->ino,
              (long long)m->fp);
        memcpy(shadow[i], tmp, PAGE_SIZE);
        m->known = 1;
      } else {
        CHECK(memcmp(mem, zero_page, PAGE_SIZE) == 0 || page_state[m->page] == PG_STALE,
              "non-resident private page %#x is neither zero nor stale", m->page);
        m->known = 0;
      }
      m->resident = (uint8_t)r;
      break;
  }
}

static void check_all(void) {
  /* Shared pages first: private pages read in from them. */
  for (int pass = 0; pass < 2; pass++)
    for (int i = 1; i <= MAX_LIVE; i++)
      if (pool[i].in_use && (pool[i].kind == M_PRIV) == pass) check_page(&pool[i]);
  static struct mp *sh[MAX_LIVE];
  int nsh = 0;
  for (int i = 1; i <= MAX_LIVE; i++)
    if (pool[i].in_use && pool[i].kind == M_SHARED) sh[nsh++] = &pool[i];
  for (int i = 0; i < nsh; i++)
    for (int j = i + 1; j < nsh; j++)
      CHECK(!(sh[j]->ino == sh[i]->ino && sh[j]->fp == sh[i]->fp),
            "file %d page %lld mapped shared at two addresses, %#x and %#x", sh[i]->ino,
            (long long)sh[i]->fp, sh[i]->page, sh[j]->page);
  for (uint32_t k = 0; k < nfreed; k++) {
    uint32_t p = freed[k];
    if (slot_of[p]) continue;
    unsigned char v;
    CHECK(mincore(P((uint64_t)p << PAGE_SHIFT), PAGE_SIZE, &v) == -1 && errno == ENOMEM,
          "page %#x was unmapped, mincore still finds it", p);
    if (memcmp(page_addr(p), zero_page, PAGE_SIZE) == 0) continue;
    CHECK(page_state[p] == PG_STALE, "unmapped page %#x is neither zero nor stale (state %#x)", p,
          page_state[p]);
    CHECK(!freed_known[p] || page_digest(page_addr(p)) == freed_digest[p],
          "unmapped anonymous page %#x holds bytes it did not hold when it was unmapped", p);
  }
  nfreed = 0;
  for (int k = 0; k < nposts; k++) {
    uint64_t size = fsize(posts[k].ino), off = (uint64_t)posts[k].fp << PAGE_SHIFT;
    if (off >= size) continue;
    size_t n = size - off < PAGE_SIZE ? (size_t)(size - off) : PAGE_SIZE;
    CHECK(memcmp(memfs_data(posts[k].ino) + off, posts[k].bytes, n) == 0,
          "file %d page %lld: an unmapped shared page did not leave its bytes in the file",
          posts[k].ino, (long long)posts[k].fp);
  }
  nposts = 0;
  check_core();
}

static const char *ename(int e) {
  switch (e) {
    case 0:
      return "0";
    case EINVAL:
      return "EINVAL";
    case ENOMEM:
      return "ENOMEM";
    case EBADF:
      return "EBADF";
    case EACCES:
      return "EACCES";
    case EFAULT:
      return "EFAULT";
    case EEXIST:
      return "EEXIST";
    case EIO:
      return "EIO";
    case ENODEV:
      return "ENODEV";
    case EOVERFLOW:
      return "EOVERFLOW";
    case EOPNOTSUPP:
      return "EOPNOTSUPP";
    case EFBIG:
      return "EFBIG";
    case ANYMMAP_SIGBUS:
      return "SIGBUS";
    default:
      return "E?";
  }
}

static void remember(uint32_t page, uint32_t n) {
  handles[next_handle++ % NHANDLES] = (struct handle){page, n};
}

/* ---- operations ---- */

static void op_mmap(void) {
  uint32_t b = rd8(), b2 = rd8();
  int anon = b & 1;
  static const int types[4] = {MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE, 0};
  int type = types[(b >> 1) & 3];
  if (type == 0 && (b2 & 0x80)) type = MAP_TYPE;
  int lazy = (b >> 3) & 1;
  int fixmode = (b >> 4) & 3; /* 1: MAP_FIXED, 2: MAP_FIXED_NOREPLACE */
  int flags = type | (anon ? MAP_ANONYMOUS : 0) | (fixmode == 1 ? MAP_FIXED : 0) |
              (fixmode == 2 ? MAP_FIXED_NOREPLACE : 0) | ((b >> 6) & 1 ? MAP_POPULATE : 0) |
              ((b >> 7) & 1 ? 0x40 /* MAP_32BIT: unknown to anymmap */ : 0);
  int prot = (int)(b2 & 7);
  int32_t fd = pick_fd(rd8());
  uint64_t length = pick_len();
  uint32_t ob = rd8();
  int64_t offset;
  switch (ob % 8) {
    case 0:
    case 1:
    case 2:
      offset = 0;
      break;
    case 3:
      offset = (int64_t)(ob >> 3) << PAGE_SHIFT;
      break;
    case 4:
      offset = (int64_t)(ob >> 3) + 1;
      break;
    case 5:
      offset = ((int64_t)1 << 32) + ((int64_t)(ob >> 3) << PAGE_SHIFT);
      break;
    case 6:
      offset = (ob >> 3) & 1 ? -PAGE_SIZE : (int64_t)((UINT64_C(1) << 63) - PAGE_SIZE);
      break;
    default:
      offset = (int64_t)((ob >> 3) % 8) << PAGE_SHIFT;
      break;
  }
  uint64_t addr = pick_addr();

  struct fdi fi = fdinfo(fd);
  uint32_t n = pages_for(length);
  int fixed_flag = fixmode == 1 || fixmode == 2;
  uint32_t fixed = (uint32_t)(addr >> PAGE_SHIFT);
  int shared = type != MAP_PRIVATE;
  int exp = 0;
  if (offset & (PAGE_SIZE - 1))
    exp = EINVAL;
  else if (!anon && !fi.ok)
    exp = EBADF;
  else if (length == 0)
    exp = EINVAL;
  else if (length > (uint64_t)AREA_END << PAGE_SHIFT)
    exp = ENOMEM;
  else if (offset < 0 || (uint64_t)offset >> PAGE_SHIFT > (UINT64_C(1) << 51) - n)
    exp = EOVERFLOW;
  else if (type == MAP_SHARED_VALIDATE && (flags & ~KNOWN_FLAGS))
    exp = EOPNOTSUPP;
  else if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
    exp = EINVAL;
  else if (fixed_flag && (addr & (PAGE_SIZE - 1)))
    exp = EINVAL;
  else if (!anon && shared && (prot & PROT_WRITE) && (!fi.w || fi.a))
    exp = EACCES;
  else if (!anon && !fi.r)
    exp = EACCES;
  else if (!anon && fi.ino >= NFILES)
    exp = ENODEV;
  else if (fixed_flag && (fixed < AREA_LOW || fixed + n > AREA_END))
    exp = ENOMEM;
  else if (fixmode == 2) {
    struct mp *sel[MAX_LIVE];
    if (collect(fixed, fixed + n, sel)) exp = EEXIST;
  }
  if (!exp && fixed_flag && writeback_model(fixed, fixed + n, 1)) exp = EIO;
  /* Beyond what the model can hold: only calls that must fail are made. */
  if (!exp && (n > MAX_MAP_PAGES || nlive + n > MAX_LIVE)) return;

  int64_t fpage = (int64_t)((uint64_t)offset >> PAGE_SHIFT);
  void *ret =
      (lazy ? anymmap_mmap_lazy : mmap)(P(addr), (size_t)length, prot, flags, fd, (off_t)offset);
  int err = ret == MAP_FAILED ? errno : 0;
  uint64_t lin = ret == MAP_FAILED ? 0 : (uint64_t)linear_addr(ret);
  logf_("%s(%#llx, %#llx, prot=%d, flags=%#x, fd=%d, off=%#llx) = %#llx %s\n",
        lazy ? "mmap_lazy" : "mmap", (unsigned long long)addr, (unsigned long long)length, prot,
        flags, fd, (unsigned long long)offset, (unsigned long long)lin, ename(err));

  if (exp) {
    CHECK(ret == MAP_FAILED && err == exp, "mmap: expected %s, got %s", ename(exp), ename(err));
    if (exp == EIO) writeback_model(fixed, fixed + n, 0);
    return;
  }
  if (fixed_flag) {
    writeback_model(fixed, fixed + n, 0);
    unmap_model(fixed, fixed + n, 1);
  }
  int file_shared = !anon && shared;
  int live = 0, live_elsewhere = 0;
  if (file_shared)
    for (int i = 1; i <= MAX_LIVE; i++)
      if (pool[i].in_use && pool[i].kind == M_SHARED && pool[i].ino == fi.ino &&
          pool[i].fp >= fpage && pool[i].fp < fpage + n) {
        live = 1;
        if (!fixed_flag || pool[i].page != fixed + (pool[i].fp - fpage)) live_elsewhere = 1;
      }
  if (ret == MAP_FAILED) {
    int ok = (err == EIO && fail_reads && !lazy) ||
             (err == ENOMEM && file_shared && (fixed_flag ? live_elsewhere : live));
    CHECK(ok, "mmap: unexpected %s", ename(err));
    return;
  }
  CHECK(!(file_shared && fixed_flag && live_elsewhere),
        "mmap: MAP_FIXED shared mapping of file pages mapped shared elsewhere succeeded");
  uint32_t start = (uint32_t)(lin >> PAGE_SHIFT);
  CHECK((lin & (PAGE_SIZE - 1)) == 0 && start >= AREA_LOW && start + n <= AREA_END,
        "mmap returned %#llx for %u pages", (unsigned long long)lin, n);
  CHECK(!fixed_flag || start == fixed, "MAP_FIXED mmap at %#x returned %#x", fixed, start);
  uint32_t obj = ++next_obj;
  int mw = anon || !shared || (fi.w && !fi.a);
  /* A hint is an address asked for: it may take quarantined pages. */
  if (!fixed_flag && !(addr && start == fixed))
    for (uint32_t k = 0; k < n; k++)
      check_not_reused(start + k, file_shared ? fi.ino : -1, fpage + k, "mmap");
  for (uint32_t k = 0; k < n; k++) {
    uint32_t p = start + k;
    struct mp *m = mget(p);
    if (m) {
      CHECK(file_shared && m->kind == M_SHARED && m->ino == fi.ino && m->fp == fpage + k,
            "mmap returned page %#x, which is already mapped by something else", p);
      m->depth++;
      m->prot |= (uint8_t)prot;
      m->maywrite |= (uint8_t)mw;
      m->lazy &= (uint8_t)lazy;
      continue;
    }
    m = mnew(p);
    m->kind = (uint8_t)(anon ? M_ANON : shared ? M_SHARED : M_PRIV);
    m->anon_shared = (uint8_t)(anon && shared);
    m->prot = (uint8_t)prot;
    m->maywrite = (uint8_t)mw;
    m->lazy = (uint8_t)lazy;
    m->ino = anon ? -1 : fi.ino;
    m->fp = fpage + k;
    m->obj = file_shared ? 0 : obj;
  }
  if (file_shared)
    for (int i = 1; i <= MAX_LIVE; i++)
      if (pool[i].in_use && pool[i].kind == M_SHARED && pool[i].ino == fi.ino &&
          pool[i].fp >= fpage && pool[i].fp < fpage + n)
        CHECK(pool[i].page == start + (pool[i].fp - fpage),
              "mmap put file page %lld at %#x while it is mapped at %#x", (long long)pool[i].fp,
              start + (uint32_t)(pool[i].fp - fpage), pool[i].page);
  remember(start, n);
  check_all();
  if (!lazy)
    for (uint32_t k = 0; k < n; k++)
      CHECK(mget(start + k)->resident, "eager mmap left page %#x not resident", start + k);
}

static void op_munmap(void) {
  uint64_t addr = pick_addr(), length = pick_len();
  int exp = 0;
  if ((addr & (PAGE_SIZE - 1)) || length == 0 || addr + length > UINT64_C(1) << 32) exp = EINVAL;
  uint64_t start = addr >> PAGE_SHIFT, end = start + pages_for(length);
  if (!exp && writeback_model(start, end, 1)) exp = EIO;
  int r = munmap(P(addr), (size_t)length);
  int err = r ? errno : 0;
  logf_("munmap(%#llx, %#llx) = %s\n", (unsigned long long)addr, (unsigned long long)length,
        ename(err));
  CHECK(err == exp, "munmap: expected %s, got %s", ename(exp), ename(err));
  if (exp == EINVAL) return;
  writeback_model(start, end, 0);
  if (!exp) unmap_model(start, end, 0);
}

static void op_msync(void) {
  uint64_t addr = pick_addr(), length = pick_len();
  uint32_t b = rd8();
  static const int fl[8] = {MS_SYNC,
                            MS_ASYNC,
                            MS_INVALIDATE,
                            MS_SYNC | MS_INVALIDATE,
                            MS_ASYNC | MS_INVALIDATE,
                            0,
                            MS_ASYNC | MS_SYNC,
                            8};
  int flags = fl[b % 8];
  int exp = 0;
  uint64_t start = addr >> PAGE_SHIFT, end = start + pages_for(length);
  if ((addr & (PAGE_SIZE - 1)) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
      ((flags & MS_ASYNC) && (flags & MS_SYNC)))
    exp = EINVAL;
  else if (addr + length > UINT64_C(1) << 32)
    exp = ENOMEM;
  else if (length && writeback_model(start, end, 1))
    exp = EIO;
  int r = msync(P(addr), (size_t)length, flags);
  int err = r ? errno : 0;
  logf_("msync(%#llx, %#llx, %d) = %s\n", (unsigned long long)addr, (unsigned long long)length,
        flags, ename(err));
  if (exp == EINVAL || (exp == ENOMEM) || !length) {
    CHECK(err == exp, "msync: expected %s, got %s", ename(exp), ename(err));
    return;
  }
  writeback_model(start, end, 0);
  if (exp == EIO) {
    CHECK(err == EIO, "msync: expected EIO, got %s", ename(err));
    return;
  }
  int holes = !fully_mapped(start, end);
  int read_failed = 0;
  if (flags & MS_INVALIDATE) {
    struct mp *sel[MAX_LIVE];
    int n = collect(start, end, sel);
    for (int i = 0; i < n && !read_failed; i++) {
      struct mp *m = sel[i];
      if (m->kind != M_SHARED || !m->resident) continue;
      /* A page whose re-read fails keeps its bytes, still resident; the
       * engine stops there. */
      if (fail_reads && !past_eof(m->ino, m->fp))
        read_failed = 1;
      else
        m->resident = 0; /* read in again: the check expects the file */
    }
  }
  int want = read_failed ? EIO : holes ? ENOMEM : 0;
  CHECK(err == want, "msync: expected %s, got %s", ename(want), ename(err));
}

static void op_mprotect(void) {
  uint64_t addr = pick_addr(), length = pick_len();
  uint32_t b = rd8();
  int prot = (int)(b & 7);
  if (b & 0x80) prot |= (b & 0x40) ? PROT_GROWSDOWN : 0x10;
  uint64_t start = addr >> PAGE_SHIFT, end = start + pages_for(length);
  int exp = 0;
  if ((addr & (PAGE_SIZE - 1)) ||
      (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)))
    exp = EINVAL;
  else if (length == 0)
    exp = 0;
  else if (addr + length > UINT64_C(1) << 32 || !fully_mapped(start, end))
    exp = ENOMEM;
  else if (prot & PROT_WRITE)
    for (uint64_t p = start; p < end; p++)
      if (!mget((uint32_t)p)->maywrite) exp = EACCES;
  /* Taking write access from the only mapping of shared pages writes their
   * dirty pages back (pages_seal), one write-back per vma: a failed write
   * stops the rest of that vma only. The model keeps no vmas, so it takes
   * their bounds from the core. */
  static uint32_t piece_lo[MAX_LIVE], piece_hi[MAX_LIVE];
  uint32_t npieces = 0;
  if (!exp && length && !(prot & PROT_WRITE))
    for (uint32_t i = vma_lower_bound((uint32_t)start);
         i < nvmas && vmas[i].start < end && npieces < MAX_LIVE; i++) {
      piece_lo[npieces] = vmas[i].start > start ? vmas[i].start : (uint32_t)start;
      piece_hi[npieces++] = vmas[i].end < end ? vmas[i].end : (uint32_t)end;
    }
  int r = mprotect(P(addr), (size_t)length, prot);
  int err = r ? errno : 0;
  logf_("mprotect(%#llx, %#llx, %d) = %s\n", (unsigned long long)addr, (unsigned long long)length,
        prot, ename(err));
  CHECK(err == exp, "mprotect: expected %s, got %s", ename(exp), ename(err));
  if (exp || !length) return;
  for (uint32_t k = 0; k < npieces; k++) {
    const struct mp *m = mget(piece_lo[k]);
    if (m->kind != M_SHARED || !(m->prot & PROT_WRITE) || m->depth != 1) continue;
    writeback_model(piece_lo[k], piece_hi[k], 0);
    /* What could not be written stays dirty without its clean copy: the
     * next write-back writes it whole. */
    struct mp *sel[MAX_LIVE];
    int n = collect(piece_lo[k], piece_hi[k], sel);
    for (int i = 0; i < n; i++)
      if (sel[i]->resident && dirty(sel[i])) sel[i]->forced = 1;
  }
  for (uint64_t p = start; p < end; p++) mget((uint32_t)p)->prot = (uint8_t)(prot & 7);
}

/* MADV_REMOVE, as Linux's madvise_remove judges each vma in address order:
 * private anonymous memory is EINVAL, a page that is not shared and may-write
 * EACCES, holes or not; where Linux would punch a hole the core cannot
 * (EOPNOTSUPP); a range of holes only is madvise's ENOMEM (0 if empty). */
static int remove_expected(uint64_t start, uint64_t end) {
  struct mp *sel[MAX_LIVE];
  int n = collect(start, end, sel);
  for (int i = 0; i < n; i++) {
    if (sel[i]->kind == M_ANON && !sel[i]->anon_shared) return EINVAL;
    if (sel[i]->kind == M_PRIV || !sel[i]->maywrite) return EACCES;
  }
  if (n) return EOPNOTSUPP;
  return end > start ? ENOMEM : 0;
}

static void op_madvise(void) {
  uint64_t addr = pick_addr(), length = pick_len();
  uint32_t b = rd8();
  static const int adv[16] = {MADV_NORMAL,
                              MADV_RANDOM,
                              MADV_SEQUENTIAL,
                              MADV_WILLNEED,
                              MADV_DONTNEED,
                              MADV_DONTNEED,
                              MADV_FREE,
                              MADV_REMOVE,
                              MADV_POPULATE_READ,
                              MADV_POPULATE_WRITE,
                              MADV_COLD,
                              MADV_HUGEPAGE,
                              5,
                              99,
                              MADV_DONTNEED,
                              MADV_SEQUENTIAL};
  int advice = adv[b % 16];
  int posix = (b >> 4) & 1 && advice <= 4;
  uint64_t start = addr >> PAGE_SHIFT, end = start + pages_for(length);
  int exp = 0;
  if ((addr & (PAGE_SIZE - 1)) || addr + length > UINT64_C(1) << 32)
    exp = EINVAL;
  else if (advice == MADV_REMOVE)
    exp = remove_expected(start, end);
  else if (!(advice <= 4 || advice == MADV_FREE || advice == MADV_POPULATE_READ ||
             advice == MADV_POPULATE_WRITE || advice == MADV_COLD || advice == MADV_HUGEPAGE))
    exp = EINVAL;
  if (posix && advice == POSIX_MADV_DONTNEED) exp = (addr & (PAGE_SIZE - 1)) ? EINVAL : 0;
  int err;
  if (posix) {
    err = posix_madvise(P(addr), (size_t)length, advice);
  } else {
    int r = madvise(P(addr), (size_t)length, advice);
    err = r ? errno : 0;
  }
  logf_("%s(%#llx, %#llx, %d) = %s\n", posix ? "posix_madvise" : "madvise",
        (unsigned long long)addr, (unsigned long long)length, advice, ename(err));
  if (exp || (posix && advice == POSIX_MADV_DONTNEED)) {
    CHECK(err == exp, "madvise: expected %s, got %s", ename(exp), ename(err));
    return;
  }
  int holes = length && !fully_mapped(start, end);
  struct mp *sel[MAX_LIVE];
  int n = collect(start, end, sel);
  int want = holes ? ENOMEM : 0;
  /* MADV_FREE: private anonymous pages only, else EINVAL and nothing dropped. */
  for (int i = 0; advice == MADV_FREE && i < n; i++) {
    if (sel[i]->kind != M_ANON || sel[i]->anon_shared) {
      CHECK(err == EINVAL, "madvise(MADV_FREE) of a file or shared page: expected EINVAL, got %s",
            ename(err));
      return;
    }
  }
  if (advice == MADV_NORMAL || advice == MADV_RANDOM || advice == MADV_SEQUENTIAL) {
    for (int i = 0; i < n; i++) sel[i]->advice = (uint8_t)advice;
  } else if (advice == MADV_DONTNEED || advice == MADV_FREE) {
    for (int i = 0; i < n; i++) {
      struct mp *m = sel[i];
      if (m->kind == M_ANON && !m->anon_shared) {
        memset(shadow[mi(m)], 0, PAGE_SIZE);
      } else if (m->kind == M_PRIV && m->resident) {
        m->known = 0; /* read in again: the check expects the file */
        if (fail_reads && private_needs_read(m)) {
          want = EIO;
          break;
        }
      }
    }
  } else if (advice == MADV_WILLNEED || advice == MADV_POPULATE_READ ||
             advice == MADV_POPULATE_WRITE) {
    if (fail_reads && err == EIO) want = EIO; /* the check sees what was read */
  }
  CHECK(err == want, "madvise: expected %s, got %s", ename(want), ename(err));
}

static void op_mincore(void) {
  uint64_t addr = pick_addr(), length = pick_len();
  int null_vec = (rd8() & 7) == 0;
  uint64_t start = addr >> PAGE_SHIFT, end = start + pages_for(length);
  int exp = 0;
  if (addr & (PAGE_SIZE - 1))
    exp = EINVAL;
  else if (addr + length > UINT64_C(1) << 32 || !fully_mapped(start, end))
    exp = ENOMEM;
  else if (null_vec && length)
    exp = EFAULT;
  int r = mincore(P(addr), (size_t)length, null_vec ? NULL : vec);
  int err = r ? errno : 0;
  logf_("mincore(%#llx, %#llx) = %s\n", (unsigned long long)addr, (unsigned long long)length,
        ename(err));
  CHECK(err == exp, "mincore: expected %s, got %s", ename(exp), ename(err));
  if (exp || null_vec) return;
  for (uint64_t p = start; p < end; p++)
    CHECK(vec[p - start] == mget((uint32_t)p)->resident, "mincore: page %#llx says %u",
          (unsigned long long)p, vec[p - start]);
}

static void op_touch(void) {
  uint64_t addr = pick_addr();
  uint32_t b = rd8();
  uint64_t length = (b & 3) == 3   ? pick_len()
                    : (b & 3) == 2 ? 1 + rd16() % (3 * PAGE_SIZE)
                                   : (1 + (b >> 2) % 3) * PAGE_SIZE;
  int access = (b & 0x80) ? ANYMMAP_ACCESS_WRITE : ANYMMAP_ACCESS_READ;
  uint32_t seed = rd8();
  if (length > (uint64_t)MAX_LIVE * PAGE_SIZE) length = (uint64_t)MAX_LIVE * PAGE_SIZE;
  uint64_t e = addr + length;
  uint64_t start = addr >> PAGE_SHIFT, end = (e + PAGE_SIZE - 1) >> PAGE_SHIFT;
  int need = access == ANYMMAP_ACCESS_WRITE ? PROT_WRITE : PROT_READ;
  int exp = 0, all_resident = 1, sigbus = 0;
  if (length == 0)
    exp = 0;
  else if (e > (uint64_t)AREA_END << PAGE_SHIFT)
    exp = EFAULT;
  else {
    for (uint64_t p = start; p < end && !exp; p++) {
      struct mp *m = mget((uint32_t)p);
      if (!m)
        exp = EFAULT;
      else if (!(m->prot & need))
        exp = EACCES;
      else {
        all_resident &= m->resident;
        if (m->kind != M_ANON && m->lazy && past_eof(m->ino, m->fp)) sigbus = 1;
      }
    }
    if (!exp && !all_resident && sigbus) exp = ANYMMAP_SIGBUS;
  }
  int r = anymmap_touch(P(addr), (size_t)length, access);
  logf_("touch(%#llx, %#llx, %s) = %s\n", (unsigned long long)addr, (unsigned long long)length,
        access == ANYMMAP_ACCESS_WRITE ? "write" : "read", ename(r));
  int io_failure = r == EIO && fail_reads && !all_resident && (exp == 0 || exp == ANYMMAP_SIGBUS);
  CHECK(r == exp || io_failure, "touch: expected %s, got %s", ename(exp), ename(r));
  if (r || length == 0) return;
  check_all();
  for (uint64_t p = start; p < end; p++)
    CHECK(mget((uint32_t)p)->resident, "touch left page %#llx not resident", (unsigned long long)p);
  if (access != ANYMMAP_ACCESS_WRITE) return;
  /* Write where touch allowed it, raw, as a JavaScript view or C code would. */
  for (uint64_t at = addr; at < e;) {
    uint32_t p = (uint32_t)(at >> PAGE_SHIFT);
    uint64_t page_end = (uint64_t)(p + 1) << PAGE_SHIFT;
    uint64_t to = page_end < e ? page_end : e;
    struct mp *m = mget(p);
    uint8_t *dst = page_addr(p) + (at & (PAGE_SIZE - 1));
    for (uint64_t k = 0; k < to - at; k++) dst[k] = (uint8_t)(seed + k * 7 + p);
    memcpy(shadow[mi(m)] + (at & (PAGE_SIZE - 1)), dst, (size_t)(to - at));
    at = to;
  }
  logf_("  wrote %#llx bytes at %#llx\n", (unsigned long long)length, (unsigned long long)addr);
}

static void op_pread(void) {
  int32_t fd = pick_fd(rd8());
  uint32_t b = rd8();
  size_t count = 1 + rd16() % MAX_IO;
  int64_t offset = (b & 7) == 7   ? -1
                   : (b & 7) == 6 ? ((int64_t)1 << 32)
                                  : (int64_t)rd16() * (1 + (b >> 3) % 8);
  struct fdi fi = fdinfo(fd);
  int exp = offset < 0 ? EINVAL : !fi.ok || !fi.r ? EBADF : fail_reads ? EIO : 0;
  memset(io, 0xEE, sizeof io);
  ssize_t r = anymmap_pread(fd, io, count, (off_t)offset);
  int err = r < 0 ? errno : 0;
  logf_("pread(fd=%d, %#zx, off=%#llx) = %zd %s\n", fd, count, (long long)offset, r, ename(err));
  CHECK(err == exp, "pread: expected %s, got %s", ename(exp), ename(err));
  if (exp) return;
  uint64_t size = fsize(fi.ino);
  size_t want = (uint64_t)offset >= size          ? 0
                : size - (uint64_t)offset < count ? (size_t)(size - (uint64_t)offset)
                                                  : count;
  CHECK((size_t)r == want, "pread returned %zd bytes, expected %zu", r, want);
  for (size_t k = 0; k < want; k++) {
    uint64_t at = (uint64_t)offset + k;
    struct mp *s = shared_at(fi.ino, (int64_t)(at >> PAGE_SHIFT));
    uint8_t expect =
        s && s->resident ? shadow[mi(s)][at & (PAGE_SIZE - 1)] : memfs_data(fi.ino)[at];
    CHECK(io[k] == expect, "pread: byte %#llx of file %d is %#x, expected %#x",
          (unsigned long long)at, fi.ino, io[k], expect);
  }
}

/* Bytes [from, to) of file ino changed to src (NULL: zeros) in every resident
 * shared page; a clean page stays clean. */
static void overlay(int ino, uint64_t from, uint64_t to, const uint8_t *src, int rebase_all) {
  for (uint64_t at = from; at < to;) {
    int64_t fp = (int64_t)(at >> PAGE_SHIFT);
    uint64_t page_end = ((uint64_t)fp + 1) << PAGE_SHIFT;
    uint64_t chunk = (page_end < to ? page_end : to) - at;
    struct mp *s = shared_at(ino, fp);
    if (s && s->resident) {
      int i = mi(s);
      int clean = !dirty(s);
      if (src)
        memcpy(shadow[i] + (at & (PAGE_SIZE - 1)), src + (at - from), chunk);
      else
        memset(shadow[i] + (at & (PAGE_SIZE - 1)), 0, chunk);
      if (clean || rebase_all) memcpy(synced[i], shadow[i], PAGE_SIZE);
      /* The file's bytes under a dirty page changed: what it was read or
       * written as no longer tells whether it differs from the file. */
      if (rebase_all)
        s->forced = 0;
      else if (!clean)
        s->forced = 1;
    }
    at += chunk;
  }
}

static void op_pwrite(void) {
  int32_t fd = pick_fd(rd8());
  uint32_t b = rd8();
  size_t count = 1 + rd16() % MAX_IO;
  int64_t offset = (b & 7) == 7   ? -1
                   : (b & 7) == 6 ? ((int64_t)1 << 32)
                                  : (int64_t)rd16() * (1 + (b >> 3) % 8);
  fill_pattern(io, count, rd8());
  struct fdi fi = fdinfo(fd);
  uint64_t size = fi.ok ? fsize(fi.ino) : 0;
  uint64_t at = fi.ok && fi.a ? size : (uint64_t)offset;
  int exp = offset < 0                    ? EINVAL
            : !fi.ok || !fi.w             ? EBADF
            : fail_writes                 ? EIO
            : at + count > MEMFS_MAX_SIZE ? EFBIG
                                          : 0;
  ssize_t r = anymmap_pwrite(fd, io, count, (off_t)offset);
  int err = r < 0 ? errno : 0;
  logf_("pwrite(fd=%d, %#zx, off=%#llx) = %zd %s\n", fd, count, (long long)offset, r, ename(err));
  CHECK(err == exp, "pwrite: expected %s, got %s", ename(exp), ename(err));
  if (exp) return;
  CHECK((size_t)r == count, "pwrite wrote %zd of %zu bytes", r, count);
  /* POSIX: a file extended by a write reads zeros between its old end and the
   * data, whatever a raw view put in the last page. */
  if (at > size) overlay(fi.ino, size, at, NULL, 0);
  overlay(fi.ino, at, at + count, io, 0);
}

static void op_ftruncate(void) {
  int32_t fd = pick_fd(rd8());
  uint32_t b = rd8();
  int64_t length = (b & 7) == 7   ? -1
                   : (b & 7) == 6 ? (int64_t)MEMFS_MAX_SIZE + 1
                                  : (int64_t)rd16() * (1 + (b >> 3) % 4);
  struct fdi fi = fdinfo(fd);
  int exp = length < 0 ? EINVAL : !fi.ok ? EBADF : !fi.w ? EINVAL : 0;
  if (!exp) {
    /* The write-back of every shared page of the file comes first. */
    for (int i = 1; i <= MAX_LIVE && !exp; i++) {
      struct mp *m = &pool[i];
      if (m->in_use && m->kind == M_SHARED && m->ino == fi.ino && m->resident && dirty(m) &&
          fail_writes && needs_write(m))
        exp = EIO;
    }
  }
  uint64_t old = fi.ok ? fsize(fi.ino) : 0;
  int r = anymmap_ftruncate(fd, (off_t)length);
  int err = r ? errno : 0;
  logf_("ftruncate(fd=%d, %#llx) = %s\n", fd, (long long)length, ename(err));
  if (exp) {
    CHECK(err == exp, "ftruncate: expected %s, got %s", ename(exp), ename(err));
    return;
  }
  for (int i = 1; i <= MAX_LIVE; i++) {
    struct mp *m = &pool[i];
    if (m->in_use && m->kind == M_SHARED && m->ino == fi.ino && m->resident && dirty(m)) {
      /* As in writeback_model: only a page without a clean copy was written whole. */
      if (m->forced) m->ext = 0;
      memcpy(synced[i], shadow[i], PAGE_SIZE);
      m->forced = 0;
    }
  }
  int want = (uint64_t)length > MEMFS_MAX_SIZE ? EFBIG : 0;
  CHECK(err == want, "ftruncate: expected %s, got %s", ename(want), ename(err));
  if (want) return;
  uint64_t now = (uint64_t)length;
  if (now < old) {
    uint64_t tail_end = (old + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    overlay(fi.ino, now, tail_end, NULL, 1);
    int64_t first = (int64_t)((now + PAGE_SIZE - 1) >> PAGE_SHIFT),
            last = (int64_t)(tail_end >> PAGE_SHIFT);
    for (int i = 1; i <= MAX_LIVE; i++) {
      struct mp *m = &pool[i];
      if (m->in_use && m->kind == M_SHARED && m->ino == fi.ino && m->fp >= first && m->fp < last &&
          m->lazy)
        m->resident = 0, m->dropped = 1;
    }
  } else {
    overlay(fi.ino, old, now, NULL, 1);
  }
}

static void op_open(void) {
  uint32_t b = rd8();
  int ino = (int)(b % (NFILES + 1));
  static const uint8_t modes[6][3] = {{1, 0, 0}, {1, 1, 0}, {0, 1, 0},
                                      {1, 1, 1}, {0, 1, 1}, {1, 1, 0}};
  const uint8_t *m = modes[(b >> 2) % 6];
  if (nslots == NSLOTS || memfs_open_count() >= MEMFS_MAX_FDS - 8) return;
  int fd = memfs_open(ino, m[0], m[1], m[2]);
  CHECK(fd >= 3, "memfs_open failed");
  slots[nslots++] = fd;
  logf_("open(file %d, %s%s%s) = %d\n", ino, m[0] ? "r" : "", m[1] ? "w" : "", m[2] ? "a" : "", fd);
}

static void op_close(void) {
  uint32_t b = rd8();
  int32_t fd;
  if ((b & 7) < 6 && nslots) {
    fd = slots[(b >> 3) % (uint32_t)nslots];
  } else {
    fd = pick_fd(b >> 3);
  }
  int exp = fdinfo(fd).ok ? 0 : EBADF;
  int r = anymmap_close(fd);
  int err = r ? errno : 0;
  logf_("close(%d) = %s\n", fd, ename(err));
  CHECK(err == exp, "close: expected %s, got %s", ename(exp), ename(err));
  for (int i = 0; i < nslots; i++)
    if (slots[i] == fd) {
      slots[i] = slots[--nslots];
      i--;
    }
}

static void op_external(void) {
  uint32_t b = rd8();
  int ino = (int)(b % NFILES);
  uint64_t size = fsize(ino);
  if (b & 0x80) {
    /* Another process truncates the file (never grows it: see README). */
    uint64_t now = size ? rd16() % size : 0;
    CHECK(memfs_truncate(ino, now) == 0, "memfs_truncate failed");
    logf_("external truncate(file %d, %#llx)\n", ino, (unsigned long long)now);
    return;
  }
  if (!size) return;
  uint64_t off = rd16() % size;
  size_t len = 1 + rd16() % PAGE_SIZE;
  if (len > size - off) len = (size_t)(size - off);
  fill_pattern(io, len, rd8() + 101);
  CHECK(memfs_write(ino, io, len, off) == 0, "memfs_write failed");
  logf_("external write(file %d, %#zx bytes at %#llx)\n", ino, len, (unsigned long long)off);
  for (uint64_t at = off & ~(uint64_t)(PAGE_SIZE - 1); at < off + len; at += PAGE_SIZE) {
    struct mp *s = shared_at(ino, (int64_t)(at >> PAGE_SHIFT));
    if (s && s->resident) s->ext = 1;
  }
}

static void op_faults(void) {
  uint32_t b = rd8();
  fail_reads = b & 1;
  fail_writes = (b >> 1) & 1;
  memfs_fail_reads(fail_reads ? EIO : 0);
  memfs_fail_writes(fail_writes ? EIO : 0);
  logf_("faults(reads=%d, writes=%d)\n", fail_reads, fail_writes);
}

/* msync of the whole area: afterwards every clean shared page equals the file. */
static void sync_all(void) {
  uint64_t start = AREA_LOW, end = AREA_END;
  int exp = writeback_model(start, end, 1) ? EIO : fully_mapped(start, end) ? 0 : ENOMEM;
  int r = msync(page_addr(AREA_LOW), (size_t)(end - start) << PAGE_SHIFT, MS_SYNC);
  int err = r ? errno : 0;
  logf_("msync(all) = %s\n", ename(err));
  CHECK(err == exp, "msync(all): expected %s, got %s", ename(exp), ename(err));
  writeback_model(start, end, 0);
}

static void op_mremap(void) {
  uint64_t a = pick_addr(), old_size = pick_len(), new_size = pick_len();
  uint32_t b = rd8();
  static const int fl[8] = {0,
                            MREMAP_MAYMOVE,
                            MREMAP_MAYMOVE,
                            MREMAP_MAYMOVE | MREMAP_FIXED,
                            MREMAP_FIXED,
                            MREMAP_MAYMOVE | MREMAP_DONTUNMAP,
                            8,
                            MREMAP_MAYMOVE | MREMAP_FIXED};
  int flags = fl[b % 8];
  uint64_t na = (flags & MREMAP_FIXED) ? pick_addr() : 0;
  uint32_t old = (uint32_t)(a >> PAGE_SHIFT), old_n = pages_for(old_size);
  uint32_t new_n = pages_for(new_size), dest = (uint32_t)(na >> PAGE_SHIFT);
  int exp = 0, may_efault = 0;
  struct mp *first = NULL;
  if ((a & (PAGE_SIZE - 1)) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) ||
      ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) || new_n == 0 ||
      new_size > (uint64_t)AREA_END << PAGE_SHIFT)
    exp = EINVAL;
  else if ((flags & MREMAP_DONTUNMAP) || old_n == 0)
    exp = EINVAL;
  else if ((flags & MREMAP_FIXED) &&
           ((na & (PAGE_SIZE - 1)) || (dest < old + old_n && old < dest + new_n)))
    exp = EINVAL;
  else {
    /* One mapping must hold the old range: the same vma throughout, or
     * shared pages of one file whose depth changes where the attributes do
     * (a mapping grown in place over another mapping's pages). */
    first = mget(old);
    if (!first || old + old_n > NPAGES) exp = EFAULT;
    for (uint32_t k = 1; !exp && k < old_n; k++) {
      struct mp *m = mget(old + k), *prev = mget(old + k - 1);
      int layer_edge = m && first->kind == M_SHARED && m->depth != prev->depth;
      if (!m || m->kind != first->kind || m->anon_shared != first->anon_shared ||
          (!layer_edge &&
           (m->prot != prev->prot || m->maywrite != prev->maywrite || m->lazy != prev->lazy ||
            m->advice != prev->advice || m->depth != prev->depth)) ||
          (first->kind != M_SHARED && m->obj != first->obj) || m->ino != first->ino ||
          (first->kind != M_ANON && m->fp != first->fp + k))
        exp = EFAULT;
    }
    /* Shared pages of one file can belong to different objects. */
    if (!exp && first->kind == M_SHARED) may_efault = 1;
  }
  if (!exp && new_n > MAX_MAP_PAGES) exp = -1; /* too big for the model: skip */
  if (!exp && nlive + new_n > MAX_LIVE) exp = -1;
  if (exp == -1) return;

  void *ret = anymmap_mremap(P(a), (size_t)old_size, (size_t)new_size, flags, P(na));
  int err = ret == MAP_FAILED ? errno : 0;
  uint64_t lin = ret == MAP_FAILED ? 0 : (uint64_t)linear_addr(ret);
  logf_("mremap(%#llx, %#llx, %#llx, %d, %#llx) = %#llx %s\n", (unsigned long long)a,
        (unsigned long long)old_size, (unsigned long long)new_size, flags, (unsigned long long)na,
        (unsigned long long)lin, ename(err));
  if (exp) {
    CHECK(err == exp, "mremap: expected %s, got %s", ename(exp), ename(err));
    return;
  }
  if (err == EFAULT && may_efault) return;
  struct mp t = *first;
  uint32_t keep = old_n < new_n ? old_n : new_n;
  int shared = t.kind == M_SHARED;
  /* A shared page moves only if no other mapping shares it, and a moved
   * mapping grows only over file pages that are not mapped elsewhere. */
  int shared_block = 0;
  if (shared) {
    for (uint32_t k = 0; k < old_n; k++) shared_block |= mget(old + k)->depth > 1;
    for (uint32_t k = old_n; k < new_n; k++) shared_block |= shared_at(t.ino, t.fp + k) != NULL;
  }
  /* An eager mapping is read in before anything changes: while reads fail,
   * EIO may come instead of success, with nothing changed but what MREMAP_FIXED
   * unmapped at the destination (and pages written back). */
  int read_eio = fail_reads && !t.lazy && t.kind != M_ANON;
  if (flags & MREMAP_FIXED) {
    int want = shared_block                                  ? ENOMEM
               : writeback_model(old + keep, old + old_n, 1) ? EIO
               : dest < AREA_LOW || dest + new_n > AREA_END  ? ENOMEM
               : writeback_model(dest, dest + new_n, 1)      ? EIO
                                                             : 0;
    int late_eio = !want && err == EIO && read_eio;
    CHECK(err == want || late_eio, "mremap: expected %s, got %s", ename(want), ename(err));
    if (err == EIO) {
      if (!writeback_model(old + keep, old + old_n, 0)) writeback_model(dest, dest + new_n, 0);
    }
    if (late_eio) unmap_model(dest, dest + new_n, 1);
    if (err) return;
  } else if (new_n <= old_n) {
    int want = writeback_model(old + new_n, old + old_n, 1) ? EIO : 0;
    CHECK(err == want || (err == EIO && read_eio), "mremap: expected %s, got %s", ename(want),
          ename(err));
    if (err) {
      /* Either the read-in or the write-back failed; only the latter cleans
       * pages, and only pages past the end of the file, which the checks
       * cannot tell apart. */
      writeback_model(old + new_n, old + old_n, 0);
      return;
    }
  } else if (err) {
    /* Growing in place depends on who owns the pages after the mapping,
     * which the model cannot see; moving does not. */
    int may_enomem = !(flags & MREMAP_MAYMOVE) || shared_block;
    int may_eio = read_eio || ((flags & MREMAP_MAYMOVE) && !shared_block &&
                               writeback_model(old + keep, old + old_n, 1));
    CHECK((err == ENOMEM && may_enomem) || (err == EIO && may_eio), "mremap: unexpected %s",
          ename(err));
    if (err == EIO && (flags & MREMAP_MAYMOVE) && !shared_block)
      writeback_model(old + keep, old + old_n, 0);
    return;
  }
  uint32_t got = (uint32_t)(lin >> PAGE_SHIFT);
  CHECK((lin & (PAGE_SIZE - 1)) == 0 && got >= AREA_LOW && got + new_n <= AREA_END,
        "mremap returned %#llx", (unsigned long long)lin);
  if (!(flags & MREMAP_FIXED) && new_n <= old_n) {
    CHECK(got == old, "mremap shrink moved the mapping");
    writeback_model(old + new_n, old + old_n, 0);
    unmap_model(old + new_n, old + old_n, 0);
  } else if (!(flags & MREMAP_FIXED) && got == old) {
    /* Grown in place: the pages after it join, as another layer if shared. */
    for (uint32_t p = old + old_n; p < old + new_n; p++) {
      struct mp *m = mget(p);
      if (m) {
        CHECK(shared && m->kind == M_SHARED && m->ino == t.ino && m->fp == t.fp + (p - old),
              "mremap grew in place over page %#x, mapped by something else", p);
        m->depth++;
        m->prot |= t.prot;
        m->maywrite |= t.maywrite;
        m->lazy &= t.lazy;
        continue;
      }
      if (shared) {
        struct mp *s = shared_at(t.ino, t.fp + (p - old));
        CHECK(!s, "mremap grew in place over file page %lld, mapped at %#x",
              (long long)(t.fp + (p - old)), s ? s->page : 0);
      }
      m = mnew(p);
      *m = t;
      m->in_use = 1;
      m->page = p;
      m->depth = 1;
      m->resident = 0;
      m->known = 0;
      m->ext = m->forced = 0;
      m->fp = t.fp + (p - old);
      memset(shadow[mi(m)], 0, PAGE_SIZE);
      memset(synced[mi(m)], 0, PAGE_SIZE);
    }
  } else {
    /* Moved. */
    if (flags & MREMAP_FIXED)
      CHECK(got == dest, "mremap with MREMAP_FIXED to %#x returned %#x", dest, got);
    CHECK(flags & MREMAP_MAYMOVE, "mremap moved without MREMAP_MAYMOVE");
    if (shared) {
      for (uint32_t k = 0; k < old_n; k++)
        CHECK(mget(old + k)->depth == 1, "mremap moved shared page %#x that another mapping shares",
              old + k);
      for (uint32_t k = old_n; k < new_n; k++)
        CHECK(!shared_at(t.ino, t.fp + k),
              "mremap moved and grew over file page %lld, mapped elsewhere", (long long)(t.fp + k));
    }
    writeback_model(old + keep, old + old_n, 0);
    if (flags & MREMAP_FIXED) {
      writeback_model(dest, dest + new_n, 0);
      unmap_model(dest, dest + new_n, 1);
    }
    uint32_t obj = ++next_obj;
    static struct mp saved[MAX_MAP_PAGES];
    static uint8_t saved_shadow[MAX_MAP_PAGES][PAGE_SIZE], saved_synced[MAX_MAP_PAGES][PAGE_SIZE];
    for (uint32_t k = 0; k < keep; k++) {
      struct mp *m = mget(old + k);
      saved[k] = *m;
      memcpy(saved_shadow[k], shadow[mi(m)], PAGE_SIZE);
      memcpy(saved_synced[k], synced[mi(m)], PAGE_SIZE);
    }
    for (uint32_t k = 0; k < old_n; k++) {
      struct mp *m = mget(old + k);
      if (k >= keep) post_check(m);
      mfree(m);
    }
    if (!(flags & MREMAP_FIXED))
      for (uint32_t k = 0; k < new_n; k++)
        check_not_reused(got + k, shared ? t.ino : -1, t.fp + k, "mremap");
    for (uint32_t k = 0; k < new_n; k++) {
      struct mp *m = mnew(got + k);
      if (k < keep) {
        *m = saved[k];
        memcpy(shadow[mi(m)], saved_shadow[k], PAGE_SIZE);
        memcpy(synced[mi(m)], saved_synced[k], PAGE_SIZE);
      } else {
        *m = t;
        m->resident = 0;
        m->known = 0;
        m->ext = m->forced = 0;
        m->fp = t.fp + k;
        memset(shadow[mi(m)], 0, PAGE_SIZE);
        memset(synced[mi(m)], 0, PAGE_SIZE);
      }
      m->in_use = 1;
      m->page = got + k;
      m->depth = 1;
      if (!shared) m->obj = obj;
    }
  }
  remember(got, new_n);
  check_all();
  for (uint32_t k = 0; k < new_n; k++) {
    struct mp *m = mget(got + k);
    CHECK(m->lazy || m->resident, "mremap left page %#x of an eager mapping not resident", got + k);
  }
}

/* ---- driver ---- */

static void setup(void) {
  memfs_reset();
  uint32_t modes = rd8();
  for (int i = 0; i < NFILES; i++) {
    int ino = memfs_create(__WASI_FILETYPE_REGULAR_FILE);
    CHECK(ino == i, "memfs_create");
    uint64_t size = rd16() % (24 * PAGE_SIZE + 1);
    static uint8_t data[NFILES][24 * PAGE_SIZE];
    static int ready;
    if (!ready)
      for (int j = 0; j < NFILES; j++) fill_pattern(data[j], sizeof data[j], (uint32_t)j * 7 + 3);
    ready = 1;
    if (size) CHECK(memfs_write(ino, data[i], size, 0) == 0, "memfs_write");
  }
  CHECK(memfs_create(__WASI_FILETYPE_DIRECTORY) == NFILES, "memfs_create");
  nslots = 0;
  for (int i = 0; i < NFILES; i++) {
    uint32_t m = (modes >> (2 * i)) & 3;
    slots[nslots++] = memfs_open(i, m != 2, m != 0, m == 3);
  }
  logf_("setup: sizes %llu %llu %llu, fds %d %d %d (modes %#x)\n", (unsigned long long)fsize(0),
        (unsigned long long)fsize(1), (unsigned long long)fsize(2), slots[0], slots[1], slots[2],
        modes);
}

static void teardown(void) {
  fail_reads = fail_writes = 0;
  memfs_fail_reads(0);
  memfs_fail_writes(0);
  logf_("teardown\n");
  sync_all();
  check_all();
  /* munmap drops one layer of shared pages per call. */
  for (int round = 0; nlive && round < 300; round++) {
    uint64_t start = AREA_LOW, end = AREA_END;
    CHECK(munmap(page_addr(AREA_LOW), (size_t)(end - start) << PAGE_SHIFT) == 0,
          "munmap(all) failed: %d", errno);
    writeback_model(start, end, 0);
    unmap_model(start, end, 0);
    check_all();
  }
  CHECK(nlive == 0 && nvmas == 0, "pages still mapped after unmapping everything");
  while (nslots) {
    int32_t fd = slots[--nslots];
    CHECK(anymmap_close(fd) == 0, "close(%d) failed at teardown", fd);
  }
  CHECK(memfs_open_count() == 0,
        "%d host descriptors left open after closing and unmapping everything", memfs_open_count());
  /* An input creates at most a few objects per operation, numbered from 1,
   * and file records take the lowest free slot. */
  for (uint32_t i = 1; i < 4 * MAX_OPS + 16; i++)
    CHECK(objects[i].kind == OBJ_FREE, "object %u not released (kind %u)", i, objects[i].kind);
  for (uint32_t i = 0; i < 2 * NFILES + 8; i++)
    CHECK(!files[i].in_use, "file record %u not released", i);
  uint32_t low = AREA_END;
  for (uint32_t k = 0; k < ntouched; k++) {
    uint32_t p = touched[k];
    if (p < low) low = p;
    CHECK(memcmp(page_addr(p), zero_page, PAGE_SIZE) == 0 || page_state[p] == PG_STALE,
          "page %#x neither zero nor stale after unmapping everything", p);
    CHECK(page_depth(p) == 0 && (page_state[p] == 0 || page_state[p] == PG_STALE) &&
              page_hash[p] == 0,
          "page %#x: state left behind", p);
    freed_known[p] = 0;
    touched_bits[p >> 6] = 0;
    freed_seq[p] = 0;
  }
  ntouched = 0;
  freed_total = 0;
  uint32_t bad_chunk = anymmap_hosted_check_tables(0, NPAGES);
  CHECK(bad_chunk == 0, "chunk %#x counts %u pages with state after unmapping everything",
        bad_chunk - 1, bad_chunk ? chunk_stated[bad_chunk - 1] : 0);
  anymmap_hosted_reset_vm();
  anymmap_hosted_reset_files();
  /* Objects reserve up to a few hundred pages around what they map. */
  low = low > AREA_LOW + 2048 ? low - 2048 : AREA_LOW;
  for (uint32_t p = low; p < AREA_END; p++)
    if (page_owner(p)) fail("page %#x still owned by object %u after reset", p, page_owner(p));
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  verbose = getenv("FUZZ_VERBOSE") != NULL;
  repeat = getenv("FUZZ_REPEAT") != NULL;
  if (anymmap_hosted_init() != 0) {
    fprintf(stderr, "fuzz_mman: cannot reserve 4 GiB of address space\n");
    abort();
  }
  return 0;
}

static void run_input(const uint8_t *data, size_t size) {
  in = data;
  in_len = size;
  in_pos = 0;
  oplog_len = 0;
  oplog[0] = 0;
  memset(handles, 0, sizeof handles);
  next_handle = 0;
  next_obj = 0;
  nfreed = 0;
  nposts = 0;
  fail_reads = fail_writes = 0;
  setup();
  check_all();
  for (int ops = 0; ops < MAX_OPS && in_pos < in_len; ops++) {
    switch (rd8() % 20) {
      case 0:
      case 1:
      case 2:
        op_mmap();
        break;
      case 3:
        op_munmap();
        break;
      case 4:
        op_msync();
        break;
      case 5:
        op_mprotect();
        break;
      case 6:
        op_mremap();
        break;
      case 7:
        op_madvise();
        break;
      case 8:
        op_mincore();
        break;
      case 9:
      case 10:
      case 11:
        op_touch();
        break;
      case 12:
        op_pread();
        break;
      case 13:
        op_pwrite();
        break;
      case 14:
        op_ftruncate();
        break;
      case 15:
        op_open();
        break;
      case 16:
        op_close();
        break;
      case 17:
        op_external();
        break;
      case 18:
        op_faults();
        break;
      case 19:
        sync_all();
        break;
    }
    check_all();
  }
  teardown();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  run_input(data, size);
  if (repeat) {
    /* The same input must do the same again: the core keeps no state from
     * one input to the next (see anymmap_hosted_reset_vm). */
    static char first[sizeof oplog];
    memcpy(first, oplog, oplog_len + 1);
    run_input(data, size);
    CHECK(strcmp(first, oplog) == 0, "the input ran differently the second time:\n%s", first);
  }
  return 0;
}
