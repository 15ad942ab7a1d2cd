/* libc calls around mmap that misbehaved under `anymmap run`: sleeping more
 * than 2 s in total, user ids, the mlock family's errors and
 * msync(MS_INVALIDATE) over locked pages; calls that failed to link. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "facts.h"

static void on_usr1(int sig) {
  printf("handler got signal %d\n", sig);
}

int main(int argc, char **argv) {
  const char *argv0 = argc > 0 ? argv[0] : "";
  /* Three sleeps adding up to more than 2 s: each one returns. */
  for (int i = 0; i < 3; i++) CALL("usleep 0.7 s", usleep(700000));
  struct timespec ts = {0, 1000000}, bad = {0, 1000000000};
  CALL("nanosleep 1 ms", nanosleep(&ts, NULL));
  CALL("nanosleep bad", nanosleep(&bad, NULL));
  /* clock_getres: a program that asks links and runs (the resolution itself is the host's). */
  struct timespec res = {0, 0};
  CALL("clock_getres realtime", clock_getres(CLOCK_REALTIME, &res));
  printf("realtime resolution at most 1 ms: %s\n",
         res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000 ? "yes" : "no");
  CALL("clock_getres monotonic", clock_getres(CLOCK_MONOTONIC, &res));
  CALL("clock_getres bad clock", clock_getres(12345, &res));
  /* A process id like Linux's: above 1, the same at each call (each run draws its own). */
  pid_t self = getpid();
  printf("getpid above 1 and stable: %d\n", self > 1 && getpid() == self);
  /* The corpus runs programs with stdin, stdout and stderr on pipes (sockets, under Node): not
   * terminals. */
  printf("isatty 0 1 2: %d %d %d\n", isatty(0), isatty(1), isatty(2));
  /* posix_fadvise returns its error (advice itself may be ignored). */
  int fa = open("advised", O_CREAT | O_RDWR, 0644);
  printf("posix_fadvise sequential: %d\n", posix_fadvise(fa, 0, 0, POSIX_FADV_SEQUENTIAL));
  printf("posix_fadvise dontneed: %d\n", posix_fadvise(fa, 0, 4096, POSIX_FADV_DONTNEED));
  printf("posix_fadvise bad advice is EINVAL: %d\n", posix_fadvise(fa, 0, 0, 99) == EINVAL);
  printf("posix_fadvise negative length is EINVAL: %d\n",
         posix_fadvise(fa, 0, -1, POSIX_FADV_NORMAL) == EINVAL);
  close(fa);
  printf("posix_fadvise closed fd is EBADF: %d\n",
         posix_fadvise(fa, 0, 0, POSIX_FADV_NORMAL) == EBADF);
  CALL("sleep 0", sleep(0));

  int fd = open("ids", O_RDWR | O_CREAT | O_TRUNC, 0644);
  struct stat st;
  fstat(fd, &st);
  printf("geteuid matches fstat: %d\n", geteuid() == st.st_uid);
  printf("getegid matches fstat: %d\n", getegid() == st.st_gid);
  printf("getuid/getgid non-negative: %d\n", (int)getuid() >= 0 && (int)getgid() >= 0);

  unsigned char *p;
  MAP("map 4 pages", p,
      mmap(NULL, PAGE * 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  CALL("munmap page 2", munmap(p + PAGE * 2, PAGE));
  CALL("mlock page 0", mlock(p, PAGE));
  CALL("mlock unaligned inside", mlock(p + 100, 10));
  CALL("mlock across the hole", mlock(p, PAGE * 4));
  CALL("munlock across the hole", munlock(p + PAGE, PAGE * 2));
  CALL("munlock page 0", munlock(p, PAGE));
  CALL("mlock zero length", mlock(p, 0));
  CALL("mlockall 0", mlockall(0));
  CALL("mlockall bad", mlockall(64));
  CALL("mlockall onfault alone", mlockall(MCL_ONFAULT));
  CALL("munlockall", munlockall());
  /* The heap, the stack and static data are mapped memory too (the Open
   * POSIX Test Suite's mlock/5-1, 10-1, munlock/11-1 lock malloc'ed bytes). */
  static char data[100];
  char stack[100];
  char *heap = malloc(10000);
  CALL("mlock malloc'ed", mlock(heap, 10000));
  int on_stack = 0;
  CALL("mlock a stack variable", mlock(&on_stack, sizeof on_stack));
  CALL("munlock it", munlock(&on_stack, sizeof on_stack));
  CALL("munlock malloc'ed", munlock(heap, 10000));
  CALL("mlock stack", mlock(stack, sizeof stack));
  CALL("mlock static", mlock(data, sizeof data));
  CALL("munlock static", munlock(data, sizeof data));
  CALL("mlock NULL", mlock(NULL, PAGE));
  CALL("mlock NULL length 0", mlock(NULL, 0));
  CALL("munlockall", munlockall());
  free(heap);

  CALL("ftruncate", ftruncate(fd, PAGE * 2));
  unsigned char *m;
  MAP("map file shared", m, mmap(NULL, PAGE * 2, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  CALL("msync invalidate unlocked", msync(m, PAGE * 2, MS_INVALIDATE));
  CALL("mlock page 1", mlock(m + PAGE, PAGE));
  CALL("msync invalidate page 0", msync(m, PAGE, MS_INVALIDATE));
  CALL("msync invalidate over locked", msync(m, PAGE * 2, MS_INVALIDATE));
  CALL("msync sync over locked", msync(m, PAGE * 2, MS_SYNC));
  CALL("munlock page 1", munlock(m + PAGE, PAGE));
  CALL("msync invalidate after munlock", msync(m, PAGE * 2, MS_INVALIDATE));
  CALL("mlock page 1 again", mlock(m + PAGE, PAGE));
  CALL("munmap the locked mapping", munmap(m, PAGE * 2));
  MAP("map again", m, mmap(NULL, PAGE * 2, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  CALL("msync invalidate new mapping", msync(m, PAGE * 2, MS_INVALIDATE));
  CALL("munmap", munmap(m, PAGE * 2));
  CALL("munmap rest", munmap(p, PAGE * 4));
  close(fd);
  /* getrandom, getentropy, clearenv, raise to a handler, err(3)'s program name (they failed to
   * link). */
  unsigned char r1[16] = {0}, r2[16] = {0}, big[300];
  CALL("getrandom", getrandom(r1, sizeof r1, 0));
  CALL("getentropy", getentropy(r2, sizeof r2));
  printf("two draws differ: %d\n", memcmp(r1, r2, sizeof r1) != 0);
  CALL("getrandom unknown flag", getrandom(r1, 4, 0x100));
  CALL("getentropy 300 bytes", getentropy(big, sizeof big));
  setenv("ANYMMAP_CLEARED", "1", 1);
  CALL("clearenv", clearenv());
  printf("after clearenv: %s\n", getenv("ANYMMAP_CLEARED") ? "set" : "gone");
  setenv("ANYMMAP_AFTER", "yes", 1);
  printf("setenv after clearenv: %s\n", getenv("ANYMMAP_AFTER"));
  /* long double in printf: beyond double's range, and 18 digits (wasm32's is 128 bits, x86's 80:
   * they agree that far). */
  long double third = 1.0L / 3.0L;
  printf("long double: %.18Lf %Lg %.10Le\n", third, third * 1e300L * 1e300L,
         strtold("0.12345678901234567890", NULL));
  signal(SIGUSR1, on_usr1);
  CALL("raise SIGUSR1", raise(SIGUSR1));
  const char *slash = strrchr(argv0, '/');
  printf("program_invocation_short_name is argv[0]'s base name: %d\n",
         strcmp(program_invocation_short_name, slash ? slash + 1 : argv0) == 0);
  /* close(1), then open: the lowest free number is 1 again, so printf writes to the file (the
   * last thing here: stdout stays closed). Reported on stderr. */
  fflush(stdout);
  close(1);
  int out = open("stdout.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
  printf("into the file\n");
  fflush(stdout);
  char back[32] = {0};
  ssize_t got = pread(out, back, sizeof back - 1, 0);
  fprintf(stderr, "open after close(1): %d, the file holds %zd bytes: %s", out, got, back);
  return 0;
}
