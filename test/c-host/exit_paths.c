/* A program that ends without exit() after writing through MAP_SHARED
 * mappings: _exit() and _Exit() skip atexit handlers, a trap, a division
 * by zero and a wild access kill the process (SIGILL, SIGFPE, SIGSEGV),
 * and on Linux the written bytes reach the file all the same, as the page
 * cache outlives the process. Each run writes its own file.
 * corpus-runs: _exit | _Exit | trap | divide | wild | read */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void show(const char *name) {
  char buf[32] = {0};
  int fd = open(name, O_RDONLY);
  if (fd < 0 || read(fd, buf, sizeof buf - 1) < 0) strcpy(buf, "(missing)");
  printf("%s: %s\n", name, buf);
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "read") == 0) {
    show("_exit");
    show("_Exit");
    show("trap");
    show("divide");
    show("wild");
    return 0;
  }
  int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || ftruncate(fd, 4096) != 0) return 1;
  char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return 1;
  snprintf(p, 32, "written before %s", argv[1]);
  if (strcmp(argv[1], "_exit") == 0) _exit(4);
  if (strcmp(argv[1], "_Exit") == 0) _Exit(5);
  if (strcmp(argv[1], "divide") == 0) {
    volatile int seven = 7, zero = 0;
    return seven / zero;
  }
  /* Past the end of WebAssembly's 4 GiB memory; unmapped on Linux. */
  if (strcmp(argv[1], "wild") == 0) return *(volatile int *)(uintptr_t)0xFFFFFFF0u;
  __builtin_trap();
}
