/* mprotect and mremap: errors, growing, shrinking, moving, MAP_FIXED. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

#include "facts.h"

int main(void) {
  char *p, *q, *r;
  int fd = open("m", O_RDWR | O_CREAT | O_TRUNC, 0644);
  char buf[4 * PAGE];
  fill(buf, sizeof buf, 9);
  CALL("write", write(fd, buf, sizeof buf));
  int ro = open("m", O_RDONLY);
  MAP("shared read-only", p, mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, ro, 0));
  CALL("mprotect write on read-only fd", mprotect(p, PAGE, PROT_READ | PROT_WRITE));
  CALL("mprotect none", mprotect(p, PAGE, PROT_NONE));
  CALL("mprotect read", mprotect(p, PAGE, PROT_READ));
  CALL("mprotect unaligned", mprotect(p + 1, PAGE, PROT_READ));
  CALL("mprotect bad prot", mprotect(p, PAGE, 0x100));
  CALL("munmap", munmap(p, 2 * PAGE));
  CALL("mprotect unmapped", mprotect(p, PAGE, PROT_READ));
  MAP("private read-only fd", p, mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, ro, 0));
  CALL("mprotect private write", mprotect(p, 2 * PAGE, PROT_READ | PROT_WRITE));
  p[0] = 'w';
  CALL("munmap", munmap(p, 2 * PAGE));

  /* mremap keeps contents when it grows, shrinks or moves. */
  MAP("anon 2 pages", q, mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  fill(q, 2 * PAGE, 4);
  SUM("before", q, 2 * PAGE);
  MAP("mremap grow maymove", r, mremap(q, 2 * PAGE, 6 * PAGE, MREMAP_MAYMOVE));
  SUM("after grow", r, 2 * PAGE);
  SUM("new part is zero", r + 2 * PAGE, 4 * PAGE);
  MAP("mremap shrink", q, mremap(r, 6 * PAGE, PAGE, 0));
  printf("shrink in place: %d\n", q == r);
  SUM("after shrink", q, PAGE);
  MAP("mremap unaligned", r, mremap(q + 1, PAGE, 2 * PAGE, MREMAP_MAYMOVE));
  MAP("mremap zero new size", r, mremap(q, PAGE, 0, MREMAP_MAYMOVE));
  MAP("mremap bad flags", r, mremap(q, PAGE, 2 * PAGE, 0x40));
  MAP("mremap fixed without maymove", r, mremap(q, PAGE, 2 * PAGE, MREMAP_FIXED, q + 64 * PAGE));
  char *target;
  MAP("target", target, mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  memset(target, 't', 4 * PAGE);
  MAP("mremap fixed", r, mremap(q, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target + PAGE));
  printf("at target: %d\n", r == target + PAGE);
  SUM("moved", r, PAGE);
  printf("target around: %c %c\n", target[0], target[3 * PAGE]);
  CALL("old gone", msync(q, PAGE, MS_ASYNC));
  CALL("munmap target", munmap(target, 4 * PAGE));

  /* A shared file mapping grown after the file grew sees the new bytes. */
  MAP("shared 4 pages", p, mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  CALL("ftruncate", ftruncate(fd, 6 * PAGE));
  CALL("pwrite", pwrite(fd, "grown", 5, 5 * PAGE));
  MAP("mremap shared grow", r, mremap(p, 4 * PAGE, 6 * PAGE, MREMAP_MAYMOVE));
  printf("grown: %.5s\n", r + 5 * PAGE);
  SUM("old part", r, 4 * PAGE);
  SUM("file part", buf, 4 * PAGE);
  CALL("munmap", munmap(r, 6 * PAGE));

  /* MAP_FIXED replaces exactly the pages it covers. */
  MAP("anon 4", p, mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  memset(p, 'a', 4 * PAGE);
  MAP("fixed over page 1", q, mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0));
  printf("fixed at address: %d\n", q == p + PAGE);
  printf("pages: %c %d %c %c\n", p[0], q[0] == buf[0], p[2 * PAGE], p[3 * PAGE + 4095]);
  CALL("munmap", munmap(p, 4 * PAGE));
  CALL("close", close(fd));
  CALL("close", close(ro));
  return 0;
}
