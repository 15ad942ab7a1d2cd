/* munmap (partial: head, middle, tail, several mappings, holes) and msync
 * arguments and errors. */
#include <fcntl.h>
#include <unistd.h>

#include "facts.h"

int main(void) {
  char *p, *q;
  MAP("anon 8 pages", p, mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  memset(p, 'x', 8 * PAGE);
  CALL("munmap unaligned", munmap(p + 1, PAGE));
  CALL("munmap length 0", munmap(p, 0));
  CALL("munmap head", munmap(p, PAGE));
  CALL("munmap middle", munmap(p + 3 * PAGE, 2 * PAGE));
  CALL("munmap tail", munmap(p + 7 * PAGE, PAGE));
  CALL("munmap already unmapped", munmap(p, PAGE));
  CALL("mincore hole", mincore(p + 3 * PAGE, PAGE, (unsigned char[1]){0}));
  printf("middle survives: %c%c%c\n", p[PAGE], p[2 * PAGE + 4095], p[5 * PAGE]);
  CALL("msync over hole", msync(p + PAGE, 5 * PAGE, MS_SYNC));
  CALL("msync mapped part", msync(p + PAGE, 2 * PAGE, MS_SYNC));
  CALL("msync sync|async", msync(p + PAGE, PAGE, MS_SYNC | MS_ASYNC));
  CALL("msync bad flag", msync(p + PAGE, PAGE, 0x100));
  CALL("msync unaligned", msync(p + PAGE + 1, PAGE, MS_SYNC));
  CALL("msync async", msync(p + PAGE, PAGE, MS_ASYNC));
  CALL("msync invalidate", msync(p + PAGE, PAGE, MS_INVALIDATE));
  CALL("msync length 0", msync(p + PAGE, 0, MS_SYNC));
  CALL("munmap across holes", munmap(p, 8 * PAGE));
  CALL("msync after unmap", msync(p + PAGE, PAGE, MS_SYNC));

  /* File: unmapping the head keeps the rest writing to the right offsets. */
  int fd = open("u", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CALL("ftruncate", ftruncate(fd, 4 * PAGE));
  MAP("shared 4 pages", q, mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  CALL("munmap head", munmap(q, PAGE));
  q[PAGE] = 'a';
  q[3 * PAGE + 7] = 'z';
  CALL("munmap rest", munmap(q + PAGE, 3 * PAGE));
  char c;
  CALL("pread", pread(fd, &c, 1, PAGE));
  printf("page 1 byte 0: %c\n", c);
  CALL("pread", pread(fd, &c, 1, 3 * PAGE + 7));
  printf("page 3 byte 7: %c\n", c);
  CALL("close", close(fd));
  return 0;
}
