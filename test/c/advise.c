/* madvise and mincore. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

#include "facts.h"

int main(void) {
  char *a, *p, *s;
  unsigned char vec[4];
  MAP("anon", a, mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  memset(a, 'a', 4 * PAGE);
  CALL("mincore", mincore(a, 4 * PAGE, vec));
  printf("resident after write: %d %d %d %d\n", vec[0] & 1, vec[1] & 1, vec[2] & 1, vec[3] & 1);
  CALL("mincore unaligned", mincore(a + 1, PAGE, vec));
  CALL("madvise dontneed", madvise(a + PAGE, PAGE, MADV_DONTNEED));
  SUM("dontneed zero-fills", a + PAGE, PAGE);
  printf("others kept: %c %c\n", a[0], a[2 * PAGE]);
  CALL("madvise willneed", madvise(a, 4 * PAGE, MADV_WILLNEED));
  CALL("madvise sequential", madvise(a, 4 * PAGE, MADV_SEQUENTIAL));
  CALL("madvise random", madvise(a, 4 * PAGE, MADV_RANDOM));
  CALL("madvise normal", madvise(a, 4 * PAGE, MADV_NORMAL));
  CALL("madvise bad advice", madvise(a, PAGE, 12345));
  CALL("madvise unaligned", madvise(a + 1, PAGE, MADV_NORMAL));
  CALL("posix_madvise", posix_madvise(a, PAGE, POSIX_MADV_WILLNEED));
  CALL("munmap", munmap(a, 4 * PAGE));
  CALL("madvise unmapped", madvise(a, PAGE, MADV_NORMAL));
  CALL("mincore unmapped", mincore(a, PAGE, vec));

  int fd = open("adv", O_RDWR | O_CREAT | O_TRUNC, 0644);
  char buf[2 * PAGE];
  fill(buf, sizeof buf, 5);
  CALL("write", write(fd, buf, sizeof buf));
  MAP("private file", p, mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
  MAP("shared file", s, mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  memset(p, 'p', PAGE);
  s[PAGE] = 's';
  CALL("madvise dontneed private", madvise(p, 2 * PAGE, MADV_DONTNEED));
  buf[PAGE] = 's';
  SUM("private re-reads file", p, 2 * PAGE);
  SUM("expected", buf, 2 * PAGE);
  CALL("madvise dontneed shared", madvise(s, 2 * PAGE, MADV_DONTNEED));
  printf("shared keeps data: %c\n", s[PAGE]);
  CALL("munmap", munmap(p, 2 * PAGE));
  CALL("munmap", munmap(s, 2 * PAGE));
  CALL("close", close(fd));
  return 0;
}
