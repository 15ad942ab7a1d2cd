/* anymmap's native mman calls: results or -errno, 64-bit lengths and offsets. */
#ifndef ANYMMAP_NATIVE_H
#define ANYMMAP_NATIVE_H

#include <stdint.h>

int64_t anymmap_native_mmap(uint64_t addr, uint64_t len, int32_t prot, int32_t flags, int32_t fd,
                            int64_t off);
int32_t anymmap_native_munmap(uint64_t addr, uint64_t len);
int32_t anymmap_native_msync(uint64_t addr, uint64_t len, int32_t flags);
int32_t anymmap_native_madvise(uint64_t addr, uint64_t len, int32_t advice);
int32_t anymmap_native_mincore(uint64_t addr, uint64_t len, uint8_t *vec);
int32_t anymmap_native_open(const char *path, int32_t flags, int32_t mode, uint8_t *info);
int32_t anymmap_native_close(int32_t fd);
int32_t anymmap_native_memfd(void);
int32_t anymmap_native_dup(int32_t fd);
int32_t anymmap_native_dup_memfd(int32_t fd);
int32_t anymmap_native_access_mode(int32_t fd);
int64_t anymmap_native_pread(int32_t fd, uint8_t *buf, uint64_t count, int64_t off);
int64_t anymmap_native_pwrite(int32_t fd, const uint8_t *buf, uint64_t count, int64_t off);
int32_t anymmap_native_ftruncate(int32_t fd, int64_t len);
int32_t anymmap_native_punch_hole(int32_t fd, int64_t off, int64_t len);
int32_t anymmap_native_fsync(int32_t fd);
int64_t anymmap_native_fsize(int32_t fd);
int32_t anymmap_native_page_size(void);
int32_t anymmap_native_identity(int32_t fd, uint8_t *out);
int64_t anymmap_native_fd_limit(void);
int32_t anymmap_native_lock(int32_t fd, int32_t kind, int32_t type, int64_t start, int64_t len,
                            int32_t wait);
int32_t anymmap_native_getlk(int32_t fd, int32_t type, int64_t start, int64_t len, uint8_t *out);

/*
 * The SIGBUS guard (guard.c): installs the process's handler once and
 * returns the address of the count of faults it absorbed (a uint32), or
 * -errno. track() registers a range anymmap keeps mapped and returns its
 * slot; take_fault() returns the lowest page zero-filled in it since the
 * last call (and forgets it), or 0.
 */
int64_t anymmap_native_guard(void);
int32_t anymmap_native_track(uint64_t addr, uint64_t len);
int32_t anymmap_native_retrack(int32_t slot, uint64_t addr, uint64_t len);
int32_t anymmap_native_untrack(int32_t slot);
uint64_t anymmap_native_take_fault(int32_t slot);

/*
 * Stopping signals for a runner on the main thread (stop_signals.c):
 * stop_signals() catches SIGINT and SIGTERM once and returns the address of
 * a cell (an int32) that holds the first one's number, or -errno; the
 * process dies of it `grace` milliseconds later (rounded up to seconds:
 * SIGALRM), or at a second signal.
 * die_of() ends the process as the signal's default action does; it
 * returns only if it could not.
 */
int64_t anymmap_native_stop_signals(int32_t grace);
int32_t anymmap_native_die_of(int32_t sig);

#endif
