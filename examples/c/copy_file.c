/* Copy a file through two mappings: a mapping cannot append to a file, so
 * the destination is grown with ftruncate first, then both are mapped and
 * the bytes copied with memcpy; msync makes the copy durable.
 *   anymmap run --dir . copy_file.wasm input.txt copy.txt
 * corpus-fixtures: input.txt
 * corpus-runs: input.txt copy.txt */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t fnv(const unsigned char *b, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ull;
  return h;
}

int main(int argc, char *argv[]) {
  if (argc != 3) {
    fprintf(stderr, "usage: copy_file SRC DST\n");
    return 2;
  }
  int src = open(argv[1], O_RDONLY);
  int dst = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (src < 0 || dst < 0) {
    perror("open");
    return 1;
  }
  struct stat st;
  fstat(src, &st);
  size_t size = (size_t)st.st_size;
  if (ftruncate(dst, st.st_size) < 0) {
    perror("ftruncate");
    return 1;
  }
  const unsigned char *from = mmap(NULL, size, PROT_READ, MAP_SHARED, src, 0);
  unsigned char *to = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, dst, 0);
  if (from == MAP_FAILED || to == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  memcpy(to, from, size);
  printf("msync: %d\n", msync(to, size, MS_SYNC));
  printf("copied %zu bytes, source %016llx\n", size, (unsigned long long)fnv(from, size));
  munmap((void *)from, size);
  munmap(to, size);
  close(src);
  /* Read the copy back through the descriptor, not the mapping. */
  unsigned char buf[1 << 16];
  ssize_t n = pread(dst, buf, sizeof buf, 0);
  printf("read back %zd bytes, copy   %016llx\n", n, (unsigned long long)fnv(buf, n > 0 ? (size_t)n : 0));
  close(dst);
  return 0;
}
