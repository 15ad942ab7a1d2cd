#include <errno.h>
#include <limits.h>
#include <semaphore.h>
#include <signal.h>
#include <time.h>

#include "posix.h"

/* Semaphores for a program of one thread. Emscripten's single-threaded
 * sem_init, sem_post, sem_wait and sem_trywait (its pthread stubs) stored
 * nothing and answered 0, so sem_trywait of a zero semaphore "took" it,
 * and sem_timedwait and sem_getvalue failed to link. The count lives in
 * __val[0], where musl keeps it; the stubs' calls are replaced by linking
 * with --wrap=sem_init, ... (their member defines them too).
 *
 * Nobody else can post while the one thread waits: a wait on a zero
 * semaphore can only end by a signal, the alarm timer's. sem_timedwait
 * sleeps until its deadline (EINTR if SIGALRM ran a handler meanwhile, as
 * Linux's is interrupted) and then answers ETIMEDOUT; sem_wait waits for
 * an armed alarm the same way, and without one answers EDEADLK (POSIX's
 * "a deadlock condition was detected") where Linux would hang forever. */

int __wrap_sem_init(sem_t *sem, int pshared, unsigned value) {
  (void)pshared;
  if (value > SEM_VALUE_MAX) return __anymmap_ret(EINVAL);
  sem->__val[0] = (int)value;
  sem->__val[1] = 0;
  sem->__val[2] = pshared ? 0 : 128;
  return 0;
}

int __wrap_sem_destroy(sem_t *sem) {
  (void)sem;
  return 0;
}

int __wrap_sem_post(sem_t *sem) {
  if (sem->__val[0] == SEM_VALUE_MAX) return __anymmap_ret(EOVERFLOW);
  sem->__val[0]++;
  return 0;
}

int __wrap_sem_trywait(sem_t *sem) {
  if (sem->__val[0] <= 0) return __anymmap_ret(EAGAIN);
  sem->__val[0]--;
  return 0;
}

int sem_getvalue(sem_t *restrict sem, int *restrict value) {
  *value = sem->__val[0];
  return 0;
}

int sem_timedwait(sem_t *restrict sem, const struct timespec *restrict at) {
  /* glibc checks the time first, even when the semaphore could be taken. */
  if (at->tv_nsec < 0 || at->tv_nsec >= 1000000000) return __anymmap_ret(EINVAL);
  if (sem->__val[0] > 0) return __wrap_sem_trywait(sem);
  int err = __clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, at, NULL);
  if (err == EINTR) return __anymmap_ret(EINTR);
  if (sem->__val[0] > 0) return __wrap_sem_trywait(sem);
  return __anymmap_ret(ETIMEDOUT);
}

int __wrap_sem_wait(sem_t *sem) {
  while (sem->__val[0] <= 0) {
    uint64_t due = __anymmap_itimer_due();
    if (!due) return __anymmap_ret(EDEADLK);
    uint64_t now = __anymmap_monotonic_ns();
    uint64_t left = due > now ? due - now : 0;
    /* A second past the alarm: the sleep ends with it (EINTR when a
     * handler runs), not beside it. */
    struct timespec ts = {(time_t)(left / 1000000000u) + 1, (long)(left % 1000000000u)};
    if (__clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL) == EINTR) return __anymmap_ret(EINTR);
  }
  sem->__val[0]--;
  return 0;
}
