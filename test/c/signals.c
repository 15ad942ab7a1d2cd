/* raise(3) and kill(2) of the program itself: handlers run with their
 * signal blocked, a blocked signal waits until it is unblocked, SA_RESETHAND
 * and SA_NODEFER, SA_SIGINFO's si_signo, signals ignored by default, and
 * the errors. (Not kill(0): natively that signals the test runner too.) Emscripten's raise did
 * nothing for a signal left at SIG_DFL, ran handlers unblocked and read past its table for
 * raise(100). */
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "facts.h"

static volatile int depth, deepest, calls, info_signo;

static void count(int sig) {
  (void)sig;
  calls++;
}

/* Raises its own signal once from inside: delivered after it returns when
 * the signal is blocked during the handler, nested under SA_NODEFER. */
static void reenter(int sig) {
  depth++;
  if (depth > deepest) deepest = depth;
  calls++;
  if (calls == 1) raise(sig);
  depth--;
}

static void with_info(int sig, siginfo_t *info, void *context) {
  (void)sig;
  (void)context;
  info_signo = info->si_signo;
}

static void install(int sig, void (*handler)(int), int flags) {
  struct sigaction a = {0};
  a.sa_handler = handler;
  a.sa_flags = flags;
  sigemptyset(&a.sa_mask);
  sigaction(sig, &a, NULL);
}

static void abort_handler(int sig) {
  printf("SIGABRT handler: signal %d\n", sig);
  fflush(stdout);
  _exit(3);
}

int main(int argc, char **argv) {
  if (argc > 1) {
    signal(SIGABRT, abort_handler);
    sigset_t abrt;
    sigemptyset(&abrt);
    sigaddset(&abrt, SIGABRT);
    sigprocmask(SIG_BLOCK, &abrt, NULL);
    abort();
  }
  install(SIGUSR1, count, 0);
  CALL("raise SIGUSR1 to a handler", raise(SIGUSR1));
  CALL("kill own pid", kill(getpid(), SIGUSR1));
  printf("handler calls: %d\n", calls);

  calls = depth = deepest = 0;
  install(SIGUSR2, reenter, 0);
  raise(SIGUSR2);
  printf("raised from its handler: %d calls, %d deep\n", calls, deepest);
  calls = depth = deepest = 0;
  install(SIGUSR2, reenter, SA_NODEFER);
  raise(SIGUSR2);
  printf("the same with SA_NODEFER: %d calls, %d deep\n", calls, deepest);

  calls = 0;
  sigset_t usr1, pending;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
  raise(SIGUSR1);
  sigpending(&pending);
  printf("blocked: %d calls, pending %d\n", calls, sigismember(&pending, SIGUSR1));
  sigprocmask(SIG_UNBLOCK, &usr1, NULL);
  sigpending(&pending);
  printf("unblocked: %d calls, pending %d\n", calls, sigismember(&pending, SIGUSR1));

  calls = 0;
  install(SIGHUP, count, SA_RESETHAND);
  raise(SIGHUP);
  struct sigaction now;
  sigaction(SIGHUP, NULL, &now);
  printf("SA_RESETHAND: %d calls, then %s\n", calls,
         now.sa_handler == SIG_DFL ? "SIG_DFL" : "the handler");

  struct sigaction a = {0};
  a.sa_sigaction = with_info;
  a.sa_flags = SA_SIGINFO;
  sigaction(SIGALRM, &a, NULL);
  raise(SIGALRM);
  printf("SA_SIGINFO: si_signo %d\n", info_signo);

  signal(SIGTERM, SIG_IGN);
  CALL("raise an ignored SIGTERM", raise(SIGTERM));
  CALL("raise SIGCHLD (ignored by default)", raise(SIGCHLD));
  CALL("raise SIGWINCH (ignored by default)", raise(SIGWINCH));
  CALL("raise signal 0", raise(0));
  CALL("raise signal 100", raise(100));
  CALL("kill own pid, signal 0", kill(getpid(), 0));
  CALL("kill own pid, signal -1", kill(getpid(), -1));
  CALL("kill a pid past pid_max", kill(INT_MAX, 0));
  return 0;
}
