/* mremap shrinks a range whose tail is no longer the same mapping (another
 * mapping put there with MAP_FIXED, or a hole): as Linux, the tail goes
 * whatever it holds and only the address needs a mapping. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

#include "facts.h"

static void shrink(const char *label, int fd, int flags, int hole) {
  char *m, *x, *r;
  printf("-- %s%s\n", label, hole ? ", tail unmapped" : ", tail replaced");
  MAP("map", m, mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, flags, fd, 0));
  m[0] = 'A';
  if (hole)
    CALL("munmap page 3", munmap(m + 3 * PAGE, PAGE));
  else
    MAP("fixed page 3", x,
        mmap(m + 3 * PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
             0));
  MAP("shrink to one page", r, mremap(m, 4 * PAGE, PAGE, 0));
  if (r != MAP_FAILED) printf("same address: %d, byte 0: %c\n", r == m, r[0]);
  MAP("page 3 is free", x,
      mmap(m + 3 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
  if (x != MAP_FAILED) CALL("munmap page 3", munmap(x, PAGE));
  CALL("munmap", munmap(m, PAGE));
}

int main(void) {
  int fd = open("f.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CALL("ftruncate", ftruncate(fd, 8 * PAGE));
  for (int hole = 0; hole < 2; hole++) {
    shrink("anonymous", -1, MAP_PRIVATE | MAP_ANONYMOUS, hole);
    shrink("shared file", fd, MAP_SHARED, hole);
    shrink("private file", fd, MAP_PRIVATE, hole);
  }
  char c;
  CALL("pread", pread(fd, &c, 1, 0));
  printf("file byte 0: %c\n", c);
  CALL("close", close(fd));
  return 0;
}
