#include <errno.h>
#include <time.h>

#include "posix.h"

/* Emscripten's standalone nanosleep spins on emscripten_get_now(), which
 * computes 1000 * clock() in 32 bits and wraps after about 2.1 s of CPU
 * time, after which a sleep never ends. This one waits in the host with a
 * WASI poll_oneoff clock subscription. Returns 0 or an errno, as
 * clock_nanosleep does; nothing interrupts it, so rem is never set. */
int __clock_nanosleep(clockid_t clock, int flags, const struct timespec *req,
                      struct timespec *rem) {
  (void)rem;
  if (clock == CLOCK_THREAD_CPUTIME_ID) return EINVAL;
  if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_PROCESS_CPUTIME_ID)
    return EINVAL;
  if (!req) return EFAULT;
  if (req->tv_nsec < 0 || req->tv_nsec > 999999999L || req->tv_sec < 0) return EINVAL;
  __wasi_subscription_t sub = {0};
  sub.userdata = 1;
  sub.type = __WASI_EVENTTYPE_CLOCK;
  sub.u.clock.id = (__wasi_clockid_t)clock;
  sub.u.clock.timeout =
      (__wasi_timestamp_t)req->tv_sec * 1000000000ull + (__wasi_timestamp_t)req->tv_nsec;
  sub.u.clock.flags = (flags & TIMER_ABSTIME) ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
  __wasi_event_t ev;
  __wasi_size_t n;
  int err = __wasi_poll_oneoff(&sub, &ev, 1, &n);
  if (err) return err;
  return n == 1 && ev.error ? ev.error : 0;
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem) {
  return __clock_nanosleep(clock, flags, req, rem);
}

int nanosleep(const struct timespec *req, struct timespec *rem) {
  return __anymmap_ret(__clock_nanosleep(CLOCK_REALTIME, 0, req, rem));
}
