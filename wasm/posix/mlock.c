/*
 * mlock family. Nothing is ever paged out of WebAssembly memory, so a lock
 * changes no residency; but Linux's answers depend on what is mapped and
 * locked: ENOMEM for a range that is not all mapped, EINVAL for bad
 * mlockall flags, and EBUSY from msync(MS_INVALIDATE) over locked pages.
 * Emscripten's stubs answered 0 to all. Locked ranges are kept here;
 * munmap drops them (`anymmap cc` links with --wrap=msync --wrap=munmap).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096u

int __real_msync(void *addr, size_t length, int flags);
int __real_munmap(void *addr, size_t length);

struct range {
  uintptr_t start, end;
};
static struct range *ranges;
static size_t nranges, cap;
static int all_locked; /* mlockall(MCL_CURRENT) and nothing unlocked since */

/* Whether [start, end) is mapped: mincore answers ENOMEM where it is not. */
/* The first byte of the program's static data (wasm-ld's). anymmap cc puts
 * the stack below it (--stack-first), all of it above page 0, which is
 * nothing, as Linux's. */
extern char __global_base;
static uintptr_t lowest_mapped(void) {
  uintptr_t data = (uintptr_t)&__global_base;
  return data < PAGE ? data : PAGE;
}

/* Whether every page of [start, end) is mapped: the program's own stack,
 * data and heap (from page 1 to the break, all mapped memory on Linux too),
 * or the core's mappings (mincore). */
static int mapped(uintptr_t start, uintptr_t end) {
  static unsigned char vec[4096];
  uintptr_t brk = (uintptr_t)sbrk(0);
  if (start == end) return 1;
  if (start < brk) start = end < brk ? end : brk;
  for (uintptr_t at = start; at < end;) {
    uintptr_t chunk = end - at > sizeof vec * PAGE ? sizeof vec * PAGE : end - at;
    if (mincore((void *)at, chunk, vec) != 0) return 0;
    at += chunk;
  }
  return 1;
}

static void forget(uintptr_t start, uintptr_t end) {
  for (size_t i = 0; i < nranges;) {
    struct range r = ranges[i];
    if (r.end <= start || end <= r.start) {
      i++;
      continue;
    }
    ranges[i] = ranges[--nranges];
    if (r.start < start) ranges[nranges++] = (struct range){r.start, start};
    if (r.end > end) ranges[nranges++] = (struct range){end, r.end};
  }
}

static int page_range(const void *addr, size_t len, uintptr_t *start, uintptr_t *end) {
  if (len && (uintptr_t)addr < lowest_mapped()) return ENOMEM;
  *start = (uintptr_t)addr & ~(uintptr_t)(PAGE - 1);
  uint64_t e = ((uint64_t)(uintptr_t)addr + len + PAGE - 1) & ~(uint64_t)(PAGE - 1);
  if (e > UINTPTR_MAX) return ENOMEM;
  *end = (uintptr_t)e;
  return 0;
}

int mlock(const void *addr, size_t len) {
  uintptr_t start, end;
  if (page_range(addr, len, &start, &end) || !mapped(start, end)) {
    errno = ENOMEM;
    return -1;
  }
  if (start == end) return 0;
  forget(start, end);
  if (nranges + 2 > cap) {
    size_t n = cap ? cap * 2 : 16;
    struct range *p = realloc(ranges, n * sizeof *p);
    if (!p) {
      errno = ENOMEM;
      return -1;
    }
    ranges = p;
    cap = n;
  }
  ranges[nranges++] = (struct range){start, end};
  return 0;
}

int mlock2(const void *addr, size_t len, unsigned flags) {
  if (flags & ~1u) { /* MLOCK_ONFAULT */
    errno = EINVAL;
    return -1;
  }
  return mlock(addr, len);
}

int munlock(const void *addr, size_t len) {
  uintptr_t start, end;
  if (page_range(addr, len, &start, &end) || !mapped(start, end)) {
    errno = ENOMEM;
    return -1;
  }
  forget(start, end);
  all_locked = 0;
  return 0;
}

int mlockall(int flags) {
  if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT) {
    errno = EINVAL;
    return -1;
  }
  if (flags & MCL_CURRENT) all_locked = 1;
  return 0;
}

int munlockall(void) {
  nranges = 0;
  all_locked = 0;
  return 0;
}

static int locked(uintptr_t start, uintptr_t end) {
  if (all_locked) return 1;
  for (size_t i = 0; i < nranges; i++)
    if (ranges[i].start < end && start < ranges[i].end) return 1;
  return 0;
}

int __wrap_msync(void *addr, size_t length, int flags) {
  uintptr_t start, end;
  if ((flags & MS_INVALIDATE) && (uintptr_t)addr % PAGE == 0 &&
      !page_range(addr, length, &start, &end) && mapped(start, end) && locked(start, end)) {
    /* Checked after the core's own argument checks would pass: EBUSY only
     * for a call that would otherwise succeed. */
    if ((flags & MS_SYNC) && (flags & MS_ASYNC)) return __real_msync(addr, length, flags);
    errno = EBUSY;
    return -1;
  }
  return __real_msync(addr, length, flags);
}

int __wrap_munmap(void *addr, size_t length) {
  int r = __real_munmap(addr, length);
  uintptr_t start, end;
  if (r == 0 && !page_range(addr, length, &start, &end)) forget(start, end);
  return r;
}
