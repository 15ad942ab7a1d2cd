/* abort() after writing through a MAP_SHARED mapping: the process dies of
 * SIGABRT (status 134 in a shell), and the written bytes reach the file,
 * as Linux's page cache outlives the process.
 * corpus-runs: write | read */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "write") == 0) {
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, 4096) != 0) return 1;
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return 1;
    strcpy(p, "written before abort");
    abort();
  }
  char buf[32] = {0};
  int fd = open("f", O_RDONLY);
  if (fd < 0 || read(fd, buf, sizeof buf - 1) < 0) return 1;
  printf("file: %s\n", buf);
  return 0;
}
