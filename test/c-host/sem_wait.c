/* sem_wait on a zero semaphore in a program of one thread. With an alarm
 * armed and a SIGALRM handler, Linux's wait is interrupted: -1 EINTR, the
 * handler ran (anymmap waits for the alarm as a sleep does). Without one
 * nothing could ever post: Linux hangs forever, anymmap answers EDEADLK
 * (POSIX's "a deadlock condition was detected"), so that case runs only
 * in the WebAssembly build. */
#define _GNU_SOURCE
#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

static volatile sig_atomic_t rang;

static void ring(int sig) {
  rang = sig;
}

int main(void) {
  sem_t s;
  sem_init(&s, 0, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = ring;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval t = {{0, 0}, {0, 100 * 1000}};
  setitimer(ITIMER_REAL, &t, NULL);
  errno = 0;
  int r = sem_wait(&s);
  printf("alarm: sem_wait %d %s, handler ran %d\n", r, strerror(errno), rang == SIGALRM);
#ifdef __EMSCRIPTEN__
  errno = 0;
  r = sem_wait(&s);
  printf("no alarm: sem_wait %d %s\n", r, strerror(errno));
#endif
  return 0;
}
