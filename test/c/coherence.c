/* fd I/O and MAP_SHARED mappings see one copy of the file, as with Linux's
 * page cache: pwrite/write show in mappings at once, read/pread see mapping
 * writes without msync, ftruncate shrink+grow reads zeros, O_APPEND writes
 * land at the end and show in a longer mapping, fsync flushes mappings. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"

int main(void) {
  char buf[4 * PAGE];
  fill(buf, sizeof buf, 3);
  int fd = open("c", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CALL("write", write(fd, buf, 2 * PAGE));
  char *a, *b;
  MAP("map a", a, mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  int fd2 = open("c", O_RDWR);
  MAP("map b", b, mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0));
  CALL("pwrite", pwrite(fd, "pwrite!", 7, 100));
  printf("a sees pwrite: %.7s\n", a + 100);
  printf("b sees pwrite: %.7s\n", b + 100);
  CALL("lseek", lseek(fd2, 200, SEEK_SET));
  CALL("write at cursor", write(fd2, "cursor", 6));
  printf("a sees write: %.6s\n", a + 200);
  CALL("cursor after write", lseek(fd2, 0, SEEK_CUR));
  memcpy(b + 300, "mapped", 6);
  printf("a sees b: %.6s\n", a + 300);
  char got[8] = {0};
  CALL("pread sees mapping", pread(fd, got, 6, 300));
  printf("pread: %s\n", got);
  CALL("lseek", lseek(fd, 300, SEEK_SET));
  memset(got, 0, sizeof got);
  CALL("read sees mapping", read(fd, got, 6));
  printf("read: %s\n", got);
  CALL("cursor after read", lseek(fd, 0, SEEK_CUR));
  /* Shrink, then grow: what was cut reads as zeros. */
  CALL("ftruncate shrink", ftruncate(fd, 500));
  CALL("ftruncate grow", ftruncate(fd, 2 * PAGE));
  SUM("kept", a, 500);
  SUM("expected kept",
      memcpy(memcpy(memcpy(buf + 100, "pwrite!", 7) - 100 + 200, "cursor", 6) - 200 + 300, "mapped",
             6) -
          300,
      500);
  size_t zeros = 0;
  for (size_t i = 500; i < 2 * PAGE; i++) zeros += a[i] == 0;
  printf("zeros after regrow: %zu of %d\n", zeros, 2 * PAGE - 500);
  CALL("pread past cut", pread(fd, got, 4, 1000));
  printf("pread past cut zero: %d\n", got[0] == 0 && got[3] == 0);
  /* Appends land at the end, and show in the longer mapping. */
  int ap = open("c", O_WRONLY | O_APPEND);
  CALL("lseek append fd", lseek(ap, 0, SEEK_SET));
  CALL("append", write(ap, "tail", 4));
  printf("a sees append: %.4s\n", a + 2 * PAGE);
  CALL("append cursor", lseek(ap, 0, SEEK_CUR));
  CALL("pwrite on append fd", pwrite(ap, "more", 4, 0));
  printf("a sees pwrite append: %.4s\n", a + 2 * PAGE + 4);
  printf("byte 0 unchanged: %d\n", a[0] == buf[0]);
  struct stat st;
  CALL("fstat", fstat(fd, &st));
  printf("size: %lld\n", (long long)st.st_size);
  /* mtime moves when a shared write is synced. */
  struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
  CALL("futimens", futimens(fd, old));
  CALL("fstat", fstat(fd, &st));
  printf("mtime set: %lld\n", (long long)st.st_mtim.tv_sec);
  a[50] = 'M';
  CALL("msync", msync(a, PAGE, MS_SYNC));
  CALL("fstat", fstat(fd, &st));
  printf("mtime moved: %d\n", st.st_mtim.tv_sec != 1000000000);
  b[60] = 'F';
  CALL("fsync", fsync(fd2));
  CALL("fdatasync", fdatasync(fd));
  CALL("munmap a", munmap(a, 4 * PAGE));
  CALL("munmap b", munmap(b, 2 * PAGE));
  char all[3 * PAGE];
  CALL("pread all", pread(fd, all, sizeof all, 0));
  SUM("file", all, 2 * PAGE + 8);
  CALL("close", close(fd));
  CALL("close", close(fd2));
  CALL("close", close(ap));
  /* open(O_TRUNC) and fopen("w") cut the file under a mapping as ftruncate does: once the
   * file grows into the page again, the mapping shows zeros past the new bytes, a dirty page's
   * too. (A page wholly past the end would be SIGBUS on Linux: not read here.) */
  int cut = open("cut", O_RDWR | O_CREAT | O_TRUNC, 0644);
  memset(buf, 'a', PAGE);
  CALL("write cut", write(cut, buf, PAGE));
  char *c;
  MAP("map cut", c, mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, cut, 0));
  c[10] = 'D';
  CALL("open O_TRUNC", close(open("cut", O_WRONLY | O_TRUNC)));
  CALL("pwrite NEW", pwrite(cut, "NEW", 3, 0));
  SUM("after open O_TRUNC", c, PAGE);
  memset(c + 3, 'b', PAGE - 3);
  CALL("fopen w", fclose(fopen("cut", "w")));
  CALL("pwrite XY", pwrite(cut, "XY", 2, 0));
  SUM("after fopen w", c, PAGE);
  CALL("size after fopen w", lseek(cut, 0, SEEK_END));
  /* So does O_RDONLY|O_TRUNC (Linux cuts when the caller may write the file), and the
   * descriptor stays read-only. */
  memset(c + 2, 'c', PAGE - 2);
  int ro = open("cut", O_RDONLY | O_TRUNC);
  CALL("open O_RDONLY|O_TRUNC", ro < 0 ? -1 : 0);
  CALL("size after O_RDONLY|O_TRUNC", lseek(cut, 0, SEEK_END));
  CALL("write to the O_RDONLY descriptor", write(ro, "x", 1));
  CALL("pwrite Z", pwrite(cut, "Z", 1, 0));
  SUM("after open O_RDONLY|O_TRUNC", c, PAGE);
  CALL("close", close(ro));
  CALL("open . O_RDONLY|O_TRUNC", open(".", O_RDONLY | O_TRUNC));
  CALL("open . O_RDONLY|O_TRUNC|O_DIRECTORY", open(".", O_RDONLY | O_TRUNC | O_DIRECTORY));
  CALL("munmap cut", munmap(c, PAGE));
  return 0;
}
