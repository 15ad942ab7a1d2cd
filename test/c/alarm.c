/* The alarm timer: alarm(2), setitimer/getitimer(ITIMER_REAL), and the
 * SIGALRM they raise ending a sleep, poll, select, pause or sigsuspend
 * with EINTR when a handler runs (nanosleep's rem says what was left), and
 * not when SIGALRM is ignored. Emscripten had no alarm and its setitimer
 * was ENOSYS. */
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "facts.h"

static volatile int rang;

static void ring(int sig) {
  (void)sig;
  rang++;
}

/* A one-shot timer in ms, or a periodic one. */
static void arm(long ms, long every_ms) {
  struct itimerval v = {{every_ms / 1000, every_ms % 1000 * 1000}, {ms / 1000, ms % 1000 * 1000}};
  setitimer(ITIMER_REAL, &v, NULL);
}

int main(void) {
  printf("alarm(0) with none armed: %u\n", alarm(0));
  printf("alarm(5): %u\n", alarm(5));
  printf("alarm(0) after: %u\n", alarm(0));

  struct itimerval v = {{0, 0}, {5, 0}}, got;
  CALL("setitimer 5 s", setitimer(ITIMER_REAL, &v, NULL));
  CALL("getitimer", getitimer(ITIMER_REAL, &got));
  printf("left: 4-5 s %d, interval 0 %d\n", got.it_value.tv_sec >= 4 && got.it_value.tv_sec <= 5,
         got.it_interval.tv_sec == 0 && got.it_interval.tv_usec == 0);
  v.it_value.tv_usec = 1000000;
  CALL("setitimer with 1000000 us", setitimer(ITIMER_REAL, &v, NULL));
  CALL("setitimer of timer 99", setitimer(99, &v, NULL));
  alarm(0);

  signal(SIGALRM, ring);
  arm(20, 0);
  struct timespec long_sleep = {5, 0}, rem = {0, 0};
  CALL("nanosleep 5 s, alarm at 20 ms", nanosleep(&long_sleep, &rem));
  printf("rang %d, rem 4-5 s %d\n", rang, rem.tv_sec >= 4 && rem.tv_sec <= 5);

  arm(20, 0);
  printf("sleep(5) ended early: %d\n", sleep(5) >= 4);
  arm(20, 0);
  CALL("poll of nothing for 5 s", poll(NULL, 0, 5000));
  arm(20, 0);
  struct timeval five = {5, 0};
  CALL("select of nothing for 5 s", select(0, NULL, NULL, NULL, &five));
  arm(20, 0);
  CALL("pause", pause());
  printf("rang %d\n", rang);

  rang = 0;
  arm(10, 10);
  for (int i = 0; i < 3; i++) pause();
  arm(0, 0);
  printf("periodic: rang %d\n", rang);

  sigset_t alrm, none;
  sigemptyset(&alrm);
  sigaddset(&alrm, SIGALRM);
  sigemptyset(&none);
  sigprocmask(SIG_BLOCK, &alrm, NULL);
  rang = 0;
  arm(20, 0);
  CALL("sigsuspend with SIGALRM let through", sigsuspend(&none));
  printf("rang %d\n", rang);
  sigprocmask(SIG_UNBLOCK, &alrm, NULL);

  signal(SIGALRM, SIG_IGN);
  arm(20, 0);
  struct timespec short_sleep = {0, 100000000};
  CALL("nanosleep 100 ms, SIGALRM ignored", nanosleep(&short_sleep, NULL));
  return 0;
}
