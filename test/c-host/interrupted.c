/* Stores into a MAP_SHARED mapping of argv[1] without msync, says "ready"
 * and then waits in a way argv[2] names: "sleep" (nanosleep, woken by the
 * signal), "print" (a line of output at a time, a host call each) or
 * "compute" (no host call at all). SIGINT or SIGTERM must end it as on
 * Linux, where the page cache keeps the stored bytes: under anymmap run the
 * runner stops the program at its next host call and writes them back. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define LENGTH (2 * 4096)

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  int fd = open(argv[1], O_RDWR);
  if (fd < 0 || ftruncate(fd, LENGTH)) return 3;
  unsigned char *p = mmap(NULL, LENGTH, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return 4;
  close(fd);
  for (int i = 0; i < LENGTH; i++) p[i] = (unsigned char)(i * 7 + 1);
  printf("ready\n");
  fflush(stdout);
  if (!strcmp(argv[2], "sleep")) {
    for (;;) {
      struct timespec t = {60, 0};
      nanosleep(&t, NULL);
    }
  } else if (!strcmp(argv[2], "print")) {
    for (unsigned long n = 0;; n++) fprintf(stderr, "%lu\n", n);
  } else {
    volatile unsigned long n = 0;
    for (;;) n++;
  }
}
