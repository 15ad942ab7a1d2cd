/* Calls that failed to link or answered wrongly under Emscripten's
 * standalone libc: reallocarray, qsort_r, psignal, sched_getaffinity and
 * CPU_COUNT, sched_getcpu, Linux's other clocks, sigwait/sigtimedwait,
 * prctl and pthread names, fclose(stdout) closing descriptor 1, and
 * quick_exit (the second run). */
/* corpus-runs: | quick */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "facts.h"

static int by_key(const void *a, const void *b, void *direction) {
  return (*(const int *)a - *(const int *)b) * *(int *)direction;
}

static void said(const char *s) {
  write(1, s, strlen(s));
}

static void first(void) {
  said("quick_exit handler registered first\n");
}

static void second(void) {
  said("quick_exit handler registered second\n");
}

int main(int argc, char **argv) {
  if (argc > 1) {
    at_quick_exit(first);
    at_quick_exit(second);
    printf("lost: quick_exit flushes no stdio");
    quick_exit(3);
  }
  errno = 0;
  volatile size_t half = SIZE_MAX / 2;
  void *p = reallocarray(NULL, half, 4);
  printf("reallocarray overflow: %s %s\n", p ? "memory" : "NULL", errname(errno));
  int *v = reallocarray(NULL, 5, sizeof(int));
  int keys[] = {3, 1, 4, 1, 5};
  memcpy(v, keys, sizeof keys);
  int down = -1;
  qsort_r(v, 5, sizeof(int), by_key, &down);
  printf("qsort_r descending: %d %d %d %d %d\n", v[0], v[1], v[2], v[3], v[4]);
  free(v);
  fflush(stdout);
  psignal(SIGUSR1, "psignal");

  printf("sysconf LINE_MAX %ld, HOST_NAME_MAX %ld\n", sysconf(_SC_LINE_MAX), sysconf(_SC_HOST_NAME_MAX));
  cpu_set_t set;
  CALL("sched_getaffinity", sched_getaffinity(0, sizeof set, &set));
  printf("CPU_COUNT >= 1: %d, CPU 0 in the set: %d\n", CPU_COUNT(&set) >= 1, CPU_ISSET(0, &set) != 0);
  CALL("sched_setaffinity to CPU 0", sched_setaffinity(0, sizeof set, &set));
  printf("sched_getcpu >= 0: %d\n", sched_getcpu() >= 0);

  clockid_t clocks[] = {CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_REALTIME_COARSE};
  for (int i = 0; i < 4; i++) {
    struct timespec a, b;
    CALL("clock_gettime", clock_gettime(clocks[i], &a));
    clock_gettime(clocks[i], &b);
    printf("clock %d runs forward: %d\n", clocks[i], b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
  }

  sigset_t usr2;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  sigprocmask(SIG_BLOCK, &usr2, NULL);
  raise(SIGUSR2);
  int sig = -1;
  int waited = sigwait(&usr2, &sig);
  printf("sigwait: %d, signal %d\n", waited, sig);
  struct timespec none = {0, 0};
  CALL("sigtimedwait with nothing pending", sigtimedwait(&usr2, NULL, &none));
  sigset_t alrm;
  sigemptyset(&alrm);
  sigaddset(&alrm, SIGALRM);
  sigprocmask(SIG_BLOCK, &alrm, NULL);
  struct itimerval soon = {{0, 0}, {0, 20000}};
  setitimer(ITIMER_REAL, &soon, NULL);
  siginfo_t info;
  struct timespec five = {5, 0};
  int got = sigtimedwait(&alrm, &info, &five);
  printf("sigtimedwait for the alarm: %d, si_signo %d\n", got, info.si_signo);

  char name[16] = {0};
  CALL("PR_SET_NAME", prctl(PR_SET_NAME, "a-name-longer-than-fifteen"));
  CALL("PR_GET_NAME", prctl(PR_GET_NAME, name));
  printf("name: %s\n", name);
  printf("pthread_setname_np too long: %s\n", errname(pthread_setname_np(pthread_self(), "sixteen-chars-xx")));
  pthread_setname_np(pthread_self(), "short");
  pthread_getname_np(pthread_self(), name, sizeof name);
  printf("pthread name: %s\n", name);

  fflush(stdout);
  fclose(stdout);
  errno = 0;
  ssize_t w = write(1, "x", 1);
  int e = errno;
  int fd = open("libc_more_out", O_CREAT | O_RDWR | O_TRUNC, 0644);
  fprintf(stderr, "after fclose(stdout): write %zd %s, open gives %d\n", w, errname(e), fd);
  return 0;
}
