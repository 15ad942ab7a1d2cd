/*
 * Helpers for the differential corpus: every program prints only facts that
 * Linux and anymmap must agree on (return values, errno names, checksums),
 * never addresses or the raw page size.
 */
#ifndef FACTS_H
#define FACTS_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* Linux's page size; sysconf says 65536 under Emscripten. */
#define PAGE 4096

static inline const char *errname(int e) {
#define E(x) \
  case x:    \
    return #x;
  switch (e) {
    case 0:
      return "0";
    E(EPERM) E(ENOENT) E(EIO) E(EBADF) E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY)
    E(EEXIST) E(EXDEV) E(ENODEV) E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENFILE) E(EMFILE) E(EFBIG)
    E(ENOSPC) E(ESPIPE) E(EROFS) E(ENAMETOOLONG) E(ENOSYS) E(ENOTEMPTY) E(ELOOP) E(EOVERFLOW)
    E(EOPNOTSUPP) E(ENXIO) E(ERANGE) E(EPIPE) E(EDEADLK) E(ESRCH) E(EINTR) E(ENOTTY)
    default:
      return "E?";
  }
#undef E
}

/* "label: ok" or "label: -1 ERRNO" for calls returning 0 / -1. */
#define CALL(label, expr)                                              \
  do {                                                                 \
    errno = 0;                                                         \
    long long r_ = (long long)(expr);                                          \
    if (r_ < 0) printf("%s: %lld %s\n", label, r_, errname(errno));   \
    else printf("%s: %lld\n", label, r_);                             \
  } while (0)

/* For mmap and mremap: "label: mapped" or "label: MAP_FAILED ERRNO". */
#define MAP(label, var, expr)                                          \
  do {                                                                 \
    errno = 0;                                                         \
    var = (expr);                                                      \
    if (var == MAP_FAILED) printf("%s: MAP_FAILED %s\n", label, errname(errno)); \
    else printf("%s: mapped\n", label);                                \
  } while (0)

/* FNV-1a, for printing the state of a range in one number. */
static inline uint64_t sum(const void *p, size_t n) {
  const unsigned char *b = p;
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ull;
  return h;
}

static inline void fill(void *p, size_t n, unsigned seed) {
  unsigned char *b = p;
  for (size_t i = 0; i < n; i++) b[i] = (unsigned char)(seed + i * 31 + (i >> 8));
}

#define SUM(label, p, n) printf("%s: %016llx\n", label, (unsigned long long)sum(p, n))

#endif
