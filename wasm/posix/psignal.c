#include <signal.h>
#include <stdio.h>
#include <string.h>

/* psignal(3) and psiginfo(3) failed to link: "prefix: description" on
 * stderr, as glibc and musl print it. */
void psignal(int sig, const char *prefix) {
  if (prefix && *prefix)
    fprintf(stderr, "%s: %s\n", prefix, strsignal(sig));
  else
    fprintf(stderr, "%s\n", strsignal(sig));
}

void psiginfo(const siginfo_t *info, const char *prefix) {
  psignal(info->si_signo, prefix);
}
