/* pipe() within one program (data in order, end of input once the writer
 * is closed, EPIPE once the reader is, the descriptors' types and errors)
 * and mappings of /dev/zero (anonymous zero memory, MAP_PRIVATE and
 * MAP_SHARED), reads and writes of /dev/zero and /dev/null. Nothing here
 * waits: a read of an empty pipe with a writer would block on Linux. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "facts.h"

int main(void) {
  /* Linux would kill the program with SIGPIPE on a write to a pipe without reader. */
  signal(SIGPIPE, SIG_IGN);
  int p[2];
  CALL("pipe", pipe(p));
  printf("distinct, above stdio: %d\n", p[0] != p[1] && p[0] > 2 && p[1] > 2);
  struct stat st;
  CALL("fstat read end", fstat(p[0], &st));
  printf("S_ISFIFO %d\n", S_ISFIFO(st.st_mode));
  CALL("write", write(p[1], "hello, ", 7));
  struct iovec iov[2] = {{"pipe", 4}, {" world", 6}};
  CALL("writev", writev(p[1], iov, 2));
  char buf[100000];
  CALL("read 5", read(p[0], buf, 5));
  CALL("read rest", read(p[0], buf + 5, sizeof buf - 5));
  printf("got \"%.17s\"\n", buf);
  CALL("lseek", lseek(p[0], 0, SEEK_SET));
  CALL("pread", pread(p[0], buf, 1, 0));
  CALL("pwrite", pwrite(p[1], "x", 1, 0));
  CALL("read write end", read(p[1], buf, 1));
  CALL("write read end", write(p[0], "x", 1));
  CALL("fsync", fsync(p[1]));
  CALL("ftruncate", ftruncate(p[1], 0));
  printf("fallocate: %s\n", errname(posix_fallocate(p[1], 0, 10)));
  errno = 0;
  void *m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, p[0], 0);
  printf("mmap pipe: %s\n", m == MAP_FAILED ? errname(errno) : "mapped");
  printf("F_GETFL read end O_RDONLY %d\n", (fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY);
  printf("F_GETFL write end O_WRONLY %d\n", (fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY);

  /* A large write: the 64 KiB pipe takes what fits (Linux's non-blocking answer). */
  memset(buf, 'a', sizeof buf);
  int fl = fcntl(p[1], F_GETFL);
  CALL("F_SETFL O_NONBLOCK", fcntl(p[1], F_SETFL, fl | O_NONBLOCK));
  CALL("write 100000", write(p[1], buf, sizeof buf));
  CALL("write full", write(p[1], buf, 1));
  long total = 0;
  ssize_t r;
  while ((r = read(p[0], buf, 4096)) > 0) {
    total += r;
    if (total >= 65536) break;
  }
  printf("drained %ld\n", total);

  /* dup: the pipe stays writable while any write descriptor is open. */
  int w2 = dup(p[1]);
  printf("dup: %d\n", w2 > 2);
  CALL("close write end", close(p[1]));
  CALL("write through dup", write(w2, "dup", 3));
  CALL("close dup", close(w2));
  CALL("read after writers closed", read(p[0], buf, sizeof buf));
  CALL("read at end of input", read(p[0], buf, sizeof buf));
  CALL("close read end", close(p[0]));
  CALL("close again", close(p[0]));

  CALL("pipe2", pipe2(p, O_CLOEXEC));
  printf("FD_CLOEXEC %d %d\n", fcntl(p[0], F_GETFD) == FD_CLOEXEC,
         fcntl(p[1], F_GETFD) == FD_CLOEXEC);
  CALL("close read end", close(p[0]));
  CALL("write without reader", write(p[1], "x", 1));
  close(p[1]);
  CALL("pipe2 bad flags", pipe2(p, O_APPEND));
  /* stdio over a pipe */
  CALL("pipe", pipe(p));
  FILE *out = fdopen(p[1], "w"), *in = fdopen(p[0], "r");
  fprintf(out, "line %d\n", 42);
  fclose(out);
  int n = 0;
  printf("fscanf %d", fscanf(in, "line %d", &n));
  printf(" n %d\n", n);
  fclose(in);

  /* /dev/zero and /dev/null */
  int z = open("/dev/zero", O_RDWR);
  printf("open /dev/zero: %s\n", z >= 0 ? "fd" : errname(errno));
  memset(buf, 7, 100);
  CALL("read /dev/zero", read(z, buf, 100));
  SUM("zeros", buf, 100);
  CALL("write /dev/zero", write(z, buf, 100));
  CALL("fstat /dev/zero", fstat(z, &st));
  printf("S_ISCHR %d\n", S_ISCHR(st.st_mode));
  char *a, *b;
  MAP("MAP_PRIVATE /dev/zero", a, mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0));
  SUM("private zeros", a, 3 * PAGE);
  fill(a, 3 * PAGE, 5);
  SUM("private written", a, 3 * PAGE);
  MAP("MAP_SHARED /dev/zero", b, mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0));
  SUM("shared zeros", b, 2 * PAGE);
  b[100] = 1;
  printf("shared byte %d\n", b[100]);
  char *c;
  MAP("MAP_PRIVATE /dev/zero at offset", c, mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, z, 8 * PAGE));
  SUM("offset zeros", c, PAGE);
  MAP("unaligned offset", c, mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, z, 100));
  CALL("munmap private", munmap(a, 3 * PAGE));
  CALL("munmap shared", munmap(b, 2 * PAGE));
  int z2 = dup(z);
  CALL("close /dev/zero", close(z));
  MAP("map a dup of /dev/zero", a, mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, z2, 0));
  SUM("dup zeros", a, PAGE);
  close(z2);
  z = open("/dev/zero", O_RDONLY);
  MAP("MAP_SHARED writable of O_RDONLY /dev/zero", a,
      mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0));
  close(z);
  int null = open("/dev/null", O_WRONLY);
  printf("open /dev/null: %s\n", null >= 0 ? "fd" : errname(errno));
  CALL("write /dev/null", write(null, "gone", 4));
  /* One write moves at most Linux's MAX_RW_COUNT, 2 GiB - 4 KiB: the count fits in a 32-bit
   * ssize_t. */
  static char small[16];
  CALL("write 2 GiB to /dev/null", write(null, small, (size_t)0x80000000u));
  close(null);
  null = open("/dev/null", O_RDONLY);
  CALL("read /dev/null", read(null, buf, 10));
  close(null);
  errno = 0;
  printf("open /dev/zero O_DIRECTORY: %s\n",
         open("/dev/zero", O_RDONLY | O_DIRECTORY) >= 0 ? "fd" : errname(errno));
  errno = 0;
  printf("open /dev/nothing: %s\n", open("/dev/nothing", O_RDONLY) >= 0 ? "fd" : errname(errno));
  return 0;
}
