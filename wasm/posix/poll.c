#include <errno.h>
#include <poll.h>
#include <sys/select.h>
#include <time.h>

#include "posix.h"

/* poll(2) and select(2) over what the host can tell; Emscripten's
 * standalone ones answered ENOSYS. A descriptor that is not open is
 * POLLNVAL (select: EBADF); every open one is ready at once, as Linux's
 * regular files always are: anymmap's pipes and stdio never block either
 * (a read with nothing to read answers EAGAIN or end of input). With
 * nothing ready the call waits out its timeout; a negative one waits
 * forever, as on Linux, where a signal would end it: here the alarm
 * timer's SIGALRM, EINTR once its handler ran. */

#define READY_IN  (POLLIN | POLLRDNORM)
#define READY_OUT (POLLOUT | POLLWRNORM)

/* What poll reports for fd: POLLNVAL, or the events it is ready for. */
static short ready_for(int fd, short events) {
  __wasi_fdstat_t st;
  if (__wasi_fd_fdstat_get(fd, &st)) return POLLNVAL;
  return (short)(events & (READY_IN | READY_OUT));
}

/* 0, or EINTR when SIGALRM ran a handler meanwhile (itimer.c). */
static int wait_for(int64_t ms) {
  for (;;) {
    int64_t step = ms < 0 || ms > 86400000 ? 86400000 : ms;
    struct timespec t = {(time_t)(step / 1000), (long)(step % 1000) * 1000000L};
    if (__clock_nanosleep(CLOCK_MONOTONIC, 0, &t, NULL) == EINTR) return EINTR;
    if (ms < 0) continue;
    ms -= step;
    if (ms <= 0) return 0;
  }
}

int poll(struct pollfd *fds, nfds_t n, int timeout) {
  /* Linux: more than RLIMIT_NOFILE entries is EINVAL; its ceiling is 2^20. */
  if (n > (1u << 20)) return __anymmap_ret(EINVAL);
  int ready = 0;
  for (nfds_t i = 0; i < n; i++) {
    fds[i].revents = fds[i].fd < 0 ? 0 : ready_for(fds[i].fd, fds[i].events);
    ready += fds[i].revents != 0;
  }
  if (!ready && timeout != 0 && wait_for(timeout)) return __anymmap_ret(EINTR);
  return ready;
}

int select(int n, fd_set *restrict rfds, fd_set *restrict wfds, fd_set *restrict efds,
           struct timeval *restrict tv) {
  if (n < 0 || n > FD_SETSIZE || (tv && (tv->tv_sec < 0 || tv->tv_usec < 0)))
    return __anymmap_ret(EINVAL);
  int ready = 0;
  for (int fd = 0; fd < n; fd++) {
    int r = rfds && FD_ISSET(fd, rfds), w = wfds && FD_ISSET(fd, wfds);
    int e = efds && FD_ISSET(fd, efds);
    if ((r || w || e) && ready_for(fd, POLLIN) == POLLNVAL) return __anymmap_ret(EBADF);
  }
  for (int fd = 0; fd < n; fd++) {
    ready += rfds && FD_ISSET(fd, rfds);
    ready += wfds && FD_ISSET(fd, wfds);
    if (efds) FD_CLR(fd, efds);
  }
  if (!ready && (!tv || tv->tv_sec || tv->tv_usec) &&
      wait_for(tv ? (int64_t)tv->tv_sec * 1000 + tv->tv_usec / 1000 : -1))
    return __anymmap_ret(EINTR);
  return ready;
}
