/* Dirty MAP_SHARED pages reach the file even if the program exits without
 * msync or munmap, as the kernel writes them back on Linux. The first run
 * writes and exits; a second run (argument "check") reads the file.
 * corpus-runs: write | check */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "facts.h"

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "check") == 0) {
    char buf[2 * PAGE];
    int fd = open("w", O_RDONLY);
    CALL("read", read(fd, buf, sizeof buf));
    printf("bytes: %.5s %.5s\n", buf, buf + PAGE + 10);
    return 0;
  }
  int fd = open("w", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CALL("ftruncate", ftruncate(fd, 2 * PAGE));
  char *p;
  MAP("shared", p, mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  CALL("close", close(fd));
  memcpy(p, "first", 5);
  memcpy(p + PAGE + 10, "later", 5);
  printf("argc: %d\n", argc);
  exit(3);
}
