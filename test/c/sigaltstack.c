/* sigaltstack failed to link. The calls gnulib's c-stack and others make:
 * the initial state (disabled), registering a stack and reading it back,
 * SA_ONSTACK handlers, Linux's EINVAL for bad flags and ENOMEM for a stack
 * under MINSIGSTKSZ (checked in that order), disabling, and SS_AUTODISARM
 * kept. Whether a handler runs on the alternate stack is not printed:
 * on Linux it does, here it runs on the program's stack (documented). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>

#include "facts.h"

#ifndef SS_AUTODISARM /* Linux 4.7's flag; glibc's headers may lack it */
#define SS_AUTODISARM (1U << 31)
#endif

static char stack_a[65536], stack_b[65536];
static volatile int ran;

static void handler(int sig) {
  ran = sig;
}

static void show(const char *label) {
  stack_t old;
  memset(&old, 0x55, sizeof old);
  int r = sigaltstack(NULL, &old);
  const char *where = old.ss_sp == NULL ? "NULL" : old.ss_sp == stack_a ? "a" : old.ss_sp == stack_b ? "b" : "?";
  printf("%s: %d sp %s size %zu flags%s%s%s\n", label, r, where, old.ss_size,
         old.ss_flags & SS_DISABLE ? " SS_DISABLE" : "", old.ss_flags & SS_ONSTACK ? " SS_ONSTACK" : "",
         old.ss_flags & SS_AUTODISARM ? " SS_AUTODISARM" : "");
}

int main(void) {
  show("initially");
  stack_t ss = {.ss_sp = stack_a, .ss_size = sizeof stack_a, .ss_flags = 0};
  CALL("register a", sigaltstack(&ss, NULL));
  show("after a");

  stack_t old;
  ss.ss_sp = stack_b;
  ss.ss_size = 16384;
  CALL("register b, read a", sigaltstack(&ss, &old));
  printf("old was a: %d, size %zu\n", old.ss_sp == stack_a, old.ss_size);
  show("after b");

  ss.ss_flags = 0x40;
  CALL("unknown flag", sigaltstack(&ss, NULL));
  ss.ss_flags = 0x40;
  ss.ss_size = 1024;
  CALL("unknown flag and too small", sigaltstack(&ss, NULL));
  ss.ss_flags = 0;
  CALL("too small", sigaltstack(&ss, NULL));
  show("unchanged");

  ss.ss_sp = stack_a;
  ss.ss_size = sizeof stack_a;
  ss.ss_flags = SS_ONSTACK;
  CALL("SS_ONSTACK as a mode", sigaltstack(&ss, NULL));
  show("after SS_ONSTACK");
  ss.ss_flags = SS_AUTODISARM;
  CALL("SS_AUTODISARM", sigaltstack(&ss, NULL));
  show("after SS_AUTODISARM");

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  CALL("sigaction SA_ONSTACK", sigaction(SIGUSR1, &sa, NULL));
  CALL("raise", raise(SIGUSR1));
  printf("handler ran: %d\n", ran == SIGUSR1);
  show("after the handler");

  ss.ss_flags = SS_DISABLE;
  ss.ss_size = 0;
  CALL("disable", sigaltstack(&ss, &old));
  printf("old was a: %d\n", old.ss_sp == stack_a);
  show("disabled");
  return 0;
}
