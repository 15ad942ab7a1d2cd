/* MAP_SHARED writes reach the file (and read/pread at once); MAP_PRIVATE
 * writes never do; bytes past EOF in the last page read as zero and never
 * reach the file; closing the descriptor does not unmap. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"

static void file_sum(const char *label, const char *path) {
  char buf[4 * PAGE];
  int fd = open(path, O_RDONLY);
  ssize_t n = read(fd, buf, sizeof buf);
  printf("%s: %zd bytes ", label, n);
  SUM("sum", buf, n > 0 ? (size_t)n : 0);
  close(fd);
}

int main(void) {
  const size_t size = 2 * PAGE + 1000;
  char *orig = malloc(size);
  fill(orig, size, 7);
  int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CALL("write", write(fd, orig, size));
  char *s, *p;
  MAP("shared", s, mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  MAP("private", p, mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
  SUM("shared sees file", s, size);
  SUM("tail of last page is zero", s + size, 3 * PAGE - size);
  SUM("private sees file", p, size);
  s[10] = 'S';
  s[PAGE + 5] = 'T';
  s[size + 20] = 'X'; /* past EOF: never reaches the file */
  char c;
  CALL("pread sees shared write", pread(fd, &c, 1, 10));
  printf("byte 10: %c\n", c);
  CALL("lseek", lseek(fd, PAGE + 5, SEEK_SET));
  CALL("read sees shared write", read(fd, &c, 1));
  printf("byte 4101: %c\n", c);
  /* Not printed: whether p[10] shows the shared write. Linux shows it until
   * the private page is first written; anymmap's private pages are copies
   * taken at mmap (README, deviations). POSIX leaves it unspecified. */
  p[11] = 'P'; /* copy on write: the file and the shared mapping keep theirs */
  printf("shared after private write: %d\n", s[11] == orig[11]);
  s[11] = 'Q';
  printf("private keeps its copy: %c\n", p[11]);
  CALL("msync", msync(s, 3 * PAGE, MS_SYNC));
  CALL("close", close(fd));
  s[20] = 'C'; /* after close: still reaches the file */
  CALL("msync after close", msync(s, PAGE, MS_SYNC));
  CALL("munmap shared", munmap(s, 3 * PAGE));
  CALL("munmap private", munmap(p, 3 * PAGE));
  orig[10] = 'S';
  orig[PAGE + 5] = 'T';
  orig[11] = 'Q';
  orig[20] = 'C';
  SUM("expected", orig, size);
  file_sum("file", "f");
  struct stat st;
  CALL("stat", stat("f", &st));
  printf("size: %lld\n", (long long)st.st_size);
  free(orig);
  return 0;
}
