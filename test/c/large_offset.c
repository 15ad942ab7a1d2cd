/* 64-bit offsets: a sparse 5 GiB file mapped at 4 GiB + 8 KiB. */
#include <fcntl.h>
#include <unistd.h>

#include "facts.h"

int main(void) {
  const off_t four_gib = (off_t)1 << 32;
  int fd = open("big", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CALL("ftruncate 5 GiB", ftruncate(fd, four_gib + four_gib / 4));
  CALL("pwrite marker", pwrite(fd, "marker", 6, four_gib + 3 * PAGE));
  char *p;
  MAP("map past 4 GiB", p,
      mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, four_gib + 2 * PAGE));
  printf("marker: %.6s\n", p + PAGE);
  SUM("zeros before", p, PAGE);
  memcpy(p + 2 * PAGE, "mapped", 6);
  CALL("msync", msync(p, 4 * PAGE, MS_SYNC));
  char got[7] = {0};
  CALL("pread", pread(fd, got, 6, four_gib + 4 * PAGE));
  printf("pread: %s\n", got);
  CALL("lseek", lseek(fd, four_gib + 4 * PAGE, SEEK_SET));
  CALL("munmap", munmap(p, 4 * PAGE));
  /* Past any file's end: a read there is 0 bytes, a write EFBIG, a negative offset EINVAL. */
  CALL("pread at 2^60", pread(fd, got, 4, (off_t)1 << 60));
  CALL("pread at 2^53 + 2", pread(fd, got, 4, ((off_t)1 << 53) + 2));
  CALL("pread at 2^53 - 2", pread(fd, got, 4, ((off_t)1 << 53) - 2));
  CALL("pread at -1", pread(fd, got, 4, -1));
  CALL("pwrite at 2^60", pwrite(fd, "x", 1, (off_t)1 << 60));
  CALL("pwrite at -1", pwrite(fd, "x", 1, -1));
  CALL("ftruncate 0", ftruncate(fd, 0));
  CALL("close", close(fd));
  return 0;
}
