/* mmap's argument checks and errno values. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"

int main(void) {
  int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0644);
  char buf[3 * PAGE];
  fill(buf, sizeof buf, 1);
  CALL("write", write(fd, buf, sizeof buf));
  void *p;
  MAP("length 0", p, mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0));
  MAP("unaligned offset", p, mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 100));
  MAP("no type", p, mmap(NULL, PAGE, PROT_READ, 0, fd, 0));
  MAP("both types", p, mmap(NULL, PAGE, PROT_READ, MAP_SHARED | MAP_PRIVATE, fd, 0));
  MAP("bad fd", p, mmap(NULL, PAGE, PROT_READ, MAP_SHARED, 12345, 0));
  MAP("negative fd", p, mmap(NULL, PAGE, PROT_READ, MAP_SHARED, -1, 0));
  int ro = open("data", O_RDONLY);
  MAP("shared write on read-only fd", p, mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0));
  MAP("private write on read-only fd", p, mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0));
  if (p != MAP_FAILED) CALL("munmap private", munmap(p, PAGE));
  int wo = open("data", O_WRONLY);
  MAP("read on write-only fd", p, mmap(NULL, PAGE, PROT_READ, MAP_SHARED, wo, 0));
  MAP("write on write-only fd", p, mmap(NULL, PAGE, PROT_WRITE, MAP_SHARED, wo, 0));
  CALL("close ro", close(ro));
  MAP("closed fd", p, mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro, 0));
  CALL("mkdir", mkdir("dir", 0755));
  int dfd = open("dir", O_RDONLY | O_DIRECTORY);
  printf("open dir: %s\n", dfd >= 0 ? "ok" : errname(errno));
  MAP("directory", p, mmap(NULL, PAGE, PROT_READ, MAP_SHARED, dfd, 0));
  MAP("anonymous with fd -1", p, mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (p != MAP_FAILED) {
    SUM("anonymous is zero", p, 2 * PAGE);
    void *q;
    MAP("fixed noreplace over it", q, mmap(p, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
    MAP("fixed unaligned", q, mmap((char *)p + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
    CALL("munmap anonymous", munmap(p, 2 * PAGE));
  }
  MAP("shared validate", p, mmap(NULL, PAGE, PROT_READ, MAP_SHARED_VALIDATE, fd, 0));
  if (p != MAP_FAILED) {
    SUM("page 0", p, PAGE);
    SUM("file page 0", buf, PAGE);
    CALL("munmap", munmap(p, PAGE));
  }
  MAP("offset past eof", p, mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 8 * PAGE));
  if (p != MAP_FAILED) CALL("munmap past eof", munmap(p, PAGE));
  CALL("close", close(fd));
  CALL("close wo", close(wo));
  CALL("close dir", close(dfd));
  return 0;
}
