/* The per-CPU-time timers: Linux counts the process's CPU time; anymmap
 * has no such clock to count on, and says ENOSYS rather than arming a
 * timer that never expires. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

int main(void) {
  struct itimerval v = {{0, 0}, {10, 0}}, got;
  int timers[] = {ITIMER_VIRTUAL, ITIMER_PROF};
  for (int i = 0; i < 2; i++) {
    errno = 0;
    int set = setitimer(timers[i], &v, NULL);
    int set_errno = errno;
    int get = getitimer(timers[i], &got);
    printf("timer %d: setitimer %d %s, getitimer %d\n", timers[i], set, strerror(set_errno), get);
  }
  return 0;
}
