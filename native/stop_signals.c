/*
 * Ctrl-C for `anymmap run` under Deno and Bun, which run the C program on
 * the main thread: no JavaScript signal listener can run while it computes.
 * SIGINT and SIGTERM are caught here instead: the handler stores the
 * signal's number in a cell that the runner reads at each of the program's
 * host calls (where it stops the program and writes its dirty MAP_SHARED
 * pages back, as Linux's page cache keeps them), then the runner dies of
 * the signal (anymmap_native_die_of). A program that makes no host call
 * within the grace period (SIGALRM, which the runtimes do not use: the C
 * program's own alarm() is counted inside WebAssembly), or a second signal,
 * dies at once without the write-back, as the signal's default action
 * would. No thread of its own: the prebuilt library needs nothing newer
 * than glibc 2.28, where pthread_create lived in libpthread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "anymmap_native.h"

/* [0]: the first stopping signal's number, 0 until one arrives. Eight bytes for the runtime's
 * view. */
static _Atomic int32_t stop_cell[2];
static unsigned grace_seconds;
static _Atomic int installed;
static const int stopping[] = {SIGINT, SIGTERM};

/* The signal's default action, now: async-signal-safe, from a handler or the runner. */
static void die_now(int sig) {
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, NULL);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, sig);
  /* Directed at this thread, which then does not block it: the default action ends the process. */
  sigprocmask(SIG_UNBLOCK, &one, NULL);
  raise(sig);
}

static void on_stop(int sig) {
  int saved = errno;
  int32_t none = 0;
  if (atomic_compare_exchange_strong(&stop_cell[0], &none, sig))
    alarm(grace_seconds);
  else
    die_now(sig);
  errno = saved;
}

/* The grace period is over and the program never reached a host call. */
static void on_grace_over(int sig) {
  (void)sig;
  die_now(atomic_load(&stop_cell[0]));
}

static int catch_signal(int sig, void (*handler)(int)) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = handler;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  return sigaction(sig, &action, NULL);
}

int64_t anymmap_native_stop_signals(int32_t grace_ms) {
  if (!atomic_exchange(&installed, 1)) {
    grace_seconds = grace_ms <= 0 ? 1 : (unsigned)(grace_ms + 999) / 1000;
    if (catch_signal(SIGALRM, on_grace_over)) return -(int64_t)errno;
    for (size_t i = 0; i < sizeof stopping / sizeof stopping[0]; i++)
      if (catch_signal(stopping[i], on_stop)) return -(int64_t)errno;
  }
  return (int64_t)(uintptr_t)stop_cell;
}

int32_t anymmap_native_die_of(int32_t sig) {
  die_now(sig);
  return -EINVAL;
}
