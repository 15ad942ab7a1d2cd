/*
 * The POSIX file calls that C programs built with `anymmap cc` use, over
 * WASI directly: in STANDALONE_WASM, libc's open() fails with EPERM and
 * fstat, ftruncate, unlink... become imports that no WASI host provides.
 * Descriptor I/O goes through anymmap_pread/anymmap_pwrite, so it is
 * coherent with MAP_SHARED mappings, as Linux's page cache is.
 * Not part of anymmap.wasm: these files are linked into programs only.
 */
#ifndef ANYMMAP_POSIX_H
#define ANYMMAP_POSIX_H

#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <wasi/api.h>

#define ANYMMAP_PATH_MAX 4096

/* The directory descriptor and relative path that a WASI path_* call needs
 * for path as resolved from dirfd (AT_FDCWD: the preopened directories).
 * Returns 0 or an errno; rel has room for ANYMMAP_PATH_MAX bytes. */
int __anymmap_resolve(int dirfd, const char *path, int *dir, char *rel);
/* How path ends, which the lexical normalization forgets: "name/" must be a
 * directory, and a last component "." or ".." names a directory that
 * rmdir, unlink and rename refuse (EINVAL, EISDIR, EBUSY). */
enum { PATH_TAIL_NONE, PATH_TAIL_SLASH, PATH_TAIL_DOT, PATH_TAIL_DOTDOT };
int __anymmap_path_tail(const char *path);
/* Whether the resolved path names a directory: 0, ENOTDIR, or the stat's errno. */
int __anymmap_is_dir(int dir, const char *rel);

/* Guest paths: absolute ("/data/x"), or relative to the preopened "."
 * ("x/y", "" for "." itself), normalized. The working directory is one
 * (chdir), and so is every descriptor openat opened (fchdir). */

/* The guest path of path as seen from dirfd (AT_FDCWD: the working
 * directory): 0 or an errno; out has room for ANYMMAP_PATH_MAX bytes. */
int __anymmap_guest_path(int dirfd, const char *path, char *out);
/* __anymmap_resolve for a guest path (not from the working directory). */
int __anymmap_resolve_guest(const char *guest, int *dir, char *rel);
/* Records, copies or drops the guest path of a descriptor. */
void __anymmap_fd_path_set(int fd, int dirfd, const char *path);
void __anymmap_fd_path_share(int fd, int from);
void __anymmap_fd_path_forget(int fd);
/* The guest path of fd: 0 or ENOENT (not known). */
int __anymmap_fd_path(int fd, char *out);
/* A guest path as an absolute one: a relative one through the absolute
 * preopen of the same directory as ".", ENOENT when there is none. */
int __anymmap_absolute(const char *guest, char *out);
/* The working directory, absolute (0 or ENOENT), and setting it. */
int __anymmap_cwd_get(char *out);
void __anymmap_cwd_set(const char *guest);

/* struct stat from a WASI filestat. */
void __anymmap_stat_from_wasi(const __wasi_filestat_t *w, struct stat *st);

/* Writes back the dirty MAP_SHARED pages of fd's file (what fsync(2)
 * flushes from Linux's page cache): 0 or an errno. */
int __anymmap_writeback_fd(int fd);

/* Writes back every dirty MAP_SHARED page: 0 or the first errno. */
int __anymmap_writeback_all(void);
/* clock_nanosleep's body (sleep.c): 0 or an errno; EINTR when the alarm
 * timer expired meanwhile and SIGALRM ran a handler. */
int __clock_nanosleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem);

/* A file in /tmp from mkostemp(template, flags), unlinked at once: it has
 * no name and goes with its last descriptor (tmpnames.c). tmpfile and
 * memfd_create. */
int __anymmap_unnamed_tmp(char *template, int flags);

/* The alarm timer (itimer.c): when it expires on CLOCK_MONOTONIC (0: not
 * armed), and, once it has, raising SIGALRM and re-arming it; returns 1 if
 * a handler ran, the sign that a wait is interrupted. */
uint64_t __anymmap_itimer_due(void);
/* CLOCK_MONOTONIC in nanoseconds, the alarm timer's clock. */
uint64_t __anymmap_monotonic_ns(void);
/* 1 when sig has a handler (signal or sigaction), not SIG_DFL or SIG_IGN. */
int __anymmap_has_handler(int sig);
int __anymmap_itimer_expire(void);

/* WASI timestamps and fstflags for utimensat's times (NULL: both now):
 * 0 or EINVAL. */
int __anymmap_timestamps(const struct timespec times[2], __wasi_timestamp_t *atim,
                         __wasi_timestamp_t *mtim, __wasi_fstflags_t *flags);

/* futimes' and lutimes' timevals as utimensat's times: 0 or EINVAL. */
struct timeval;
int __anymmap_timeval_times(const struct timeval *tv, struct timespec times[2]);

/* WASI's fd_read and fd_write themselves: posix/wasi_fd_io.c replaces libc's
 * __wasi_fd_read/__wasi_fd_write (what stdio, readv and writev call) with
 * the coherent versions below, which reach the host through these. */
__wasi_errno_t __anymmap_host_fd_read(__wasi_fd_t fd, const __wasi_iovec_t *iovs, size_t iovs_len,
                                      __wasi_size_t *nread)
    __attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("fd_read")));
__wasi_errno_t __anymmap_host_fd_write(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t iovs_len,
                                       __wasi_size_t *nwritten)
    __attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("fd_write")));

/* readv/writev at the descriptor's position (its end with O_APPEND) through
 * anymmap_pread/anymmap_pwrite, coherent with MAP_SHARED mappings; streams
 * without a position (stdio, pipes) go to the host as they are. 0 or a WASI
 * errno; *done is the byte count. */
int __anymmap_readv(int fd, const __wasi_iovec_t *iovs, size_t n, size_t *done);
int __anymmap_writev(int fd, const __wasi_ciovec_t *iovs, size_t n, size_t *done);

/* The open file description behind fd (shared by dup'ed descriptors), as
 * a number: what OFD and flock locks belong to. */
long __anymmap_ofd(int fd);
/* fcntl(F_DUPFD): the lowest free descriptor >= lowest sharing fd's file,
 * or -1 with errno (dup.c). */
int __anymmap_dup_from(int fd, int lowest, int cloexec);
/* A new descriptor's open file description; another descriptor now shares
 * from's (dup). */
void __anymmap_ofd_new(int fd);
void __anymmap_ofd_share(int fd, int from);

/* Whether fd is /dev/zero (devzero.c), and marking it. */
int __anymmap_dev_zero(int fd);
void __anymmap_dev_zero_set(int fd, int on);
/* A write found no reader (EPIPE): SIGPIPE's default action ends the
 * program with 141; ignored or handled, the caller returns EPIPE. */
void __anymmap_sigpipe(void);

/* open of /dev/zero, /dev/null or a name of one of the program's own
 * descriptors (guest path: /dev/stdout, /dev/fd/N; dev_fd.c), which no host
 * directory provides: the descriptor, or -ENOENT for other paths, or -errno. */
int __anymmap_open_device(const char *guest, int flags);
int __anymmap_open_fd_name(int fd, int flags);
/* stat (follow) or lstat of those names (devzero.c), for an absolute path
 * no directory holds: 0, or ENOENT for any other path and for a descriptor
 * that is not open. */
int __anymmap_special_stat(int dirfd, const char *path, int follow, struct stat *st);
int __anymmap_fd_name_stat(int fd, int alias, int follow, struct stat *st);

/* FD_CLOEXEC, kept per descriptor (nothing is ever exec'ed: F_GETFD reads
 * back what was set). */
void __anymmap_cloexec_set(int fd, int on);

/* What closing fd does to locks (locks.c), called before the descriptor
 * goes: the process's POSIX locks on the file go with any of its
 * descriptors, OFD and flock locks with the last descriptor of their open
 * file description. */
void __anymmap_locks_on_close(int fd);

/* Sets errno from a WASI errno (the numbers errno holds under Emscripten)
 * and returns -1 when err is not 0; returns 0 otherwise. A path outside
 * every preopened directory (WASI's ENOTCAPABLE, which libc cannot name)
 * is EACCES, Linux's answer for a path one may not reach. */
static inline int __anymmap_ret(int err) {
  if (!err) return 0;
  errno = err == __WASI_ERRNO_NOTCAPABLE ? EACCES : err;
  return -1;
}

#endif
