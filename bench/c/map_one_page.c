/*
 * A C program that maps a large file and touches one page of it: what
 * `anymmap cc` programs pay for eager mappings (docs/c-programs.md, "Cost
 * of eager mapping"). Built with gcc and with `anymmap cc` by
 * bench/c-program.mjs. Usage: map_one_page FILE PAGE_INDEX. Prints the
 * nanoseconds mmap took, the first read of the page and munmap took, and
 * the byte read.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  int fd = open(argv[1], O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st)) return perror("open"), 1;
  long long t0 = now();
  volatile unsigned char *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
  long long t1 = now();
  if (p == MAP_FAILED) return perror("mmap"), 1;
  unsigned char byte = p[strtoll(argv[2], NULL, 10) * 4096];
  long long t2 = now();
  if (munmap((void *)p, (size_t)st.st_size)) return perror("munmap"), 1;
  long long t3 = now();
  printf("%lld %lld %lld %u\n", t1 - t0, t2 - t1, t3 - t2, byte);
  return 0;
}
