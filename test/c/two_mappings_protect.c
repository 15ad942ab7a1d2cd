/* Two shared mappings of one file: mprotect(PROT_READ) of the reader, a
 * no-op for the pages under Linux, must not keep the writer's stores from
 * the file (the engine gives both mappings the same pages and one
 * protection). The file is read after both mappings are gone. */
#include <fcntl.h>
#include <unistd.h>

#include "facts.h"

int main(void) {
  int fd = open("log.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CALL("ftruncate", ftruncate(fd, 2 * PAGE));
  char *w, *r;
  MAP("writer", w, mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  MAP("reader", r, mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0));
  CALL("mprotect reader", mprotect(r, 2 * PAGE, PROT_READ));
  strcpy(w, "record 1");
  strcpy(w + PAGE, "record 2");
  printf("reader sees: %s / %s\n", r, r + PAGE);
  CALL("munmap reader", munmap(r, 2 * PAGE));
  CALL("munmap writer", munmap(w, 2 * PAGE));
  CALL("close", close(fd));
  char buf[2][9] = {{0}};
  fd = open("log.bin", O_RDONLY);
  CALL("pread 0", pread(fd, buf[0], 8, 0));
  CALL("pread 1", pread(fd, buf[1], 8, PAGE));
  printf("file: %s / %s\n", buf[0], buf[1]);
  CALL("close", close(fd));
  return 0;
}
