/* Page-size-derived arithmetic: a program sizes, aligns and msyncs its pages
 * by sysconf(_SC_PAGESIZE)/getpagesize(), which must be the 4096 that the
 * mmap it links against uses. */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"

#if defined(PAGE_SIZE) && PAGE_SIZE != 4096
#error "PAGE_SIZE is not mmap's page size"
#endif
#if defined(PAGESIZE) && PAGESIZE != 4096
#error "PAGESIZE is not mmap's page size"
#endif

int main(void) {
  long ps = sysconf(_SC_PAGESIZE);
  printf("sysconf(_SC_PAGESIZE): %ld\n", ps);
  printf("sysconf(_SC_PAGE_SIZE): %ld\n", sysconf(_SC_PAGE_SIZE));
  printf("getpagesize(): %d\n", getpagesize());

  /* A 100-byte file: the rest of its only page reads as zeros. */
  int fd = open("small", O_RDWR | O_CREAT | O_TRUNC, 0644);
  char text[100];
  fill(text, sizeof text, 7);
  CALL("write", write(fd, text, sizeof text));
  unsigned char *p;
  MAP("map 100 bytes", p, mmap(NULL, 100, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  size_t nonzero = 0;
  for (long i = 100; i < ps; i++) nonzero += p[i] != 0;
  printf("past EOF in the page: %zu nonzero bytes\n", nonzero);
  SUM("whole page", p, (size_t)ps);
  /* Written past EOF inside the page: msync of "the page" works, the file
   * keeps its size and its bytes. */
  memset(p + 100, 'X', (size_t)ps - 100);
  CALL("msync the page", msync(p, (size_t)ps, MS_SYNC));
  struct stat st;
  fstat(fd, &st);
  printf("size after msync: %lld\n", (long long)st.st_size);
  char back[200];
  CALL("pread past EOF", pread(fd, back, sizeof back, 0));
  CALL("munmap", munmap(p, 100));

  /* Offsets aligned by the page size, and a misaligned one. */
  char *page = malloc((size_t)ps);
  CALL("ftruncate 4 pages", ftruncate(fd, ps * 4));
  for (int i = 0; i < 4; i++) {
    fill(page, (size_t)ps, (unsigned)i);
    pwrite(fd, page, (size_t)ps, ps * i);
  }
  MAP("map page 2", p, mmap(NULL, (size_t)ps, PROT_READ, MAP_SHARED, fd, ps * 2));
  fill(page, (size_t)ps, 2);
  printf("page 2 matches: %d\n", memcmp(p, page, (size_t)ps) == 0);
  CALL("munmap", munmap(p, (size_t)ps));
  MAP("map at half a page", p, mmap(NULL, (size_t)ps, PROT_READ, MAP_SHARED, fd, ps / 2));
  /* Rounding a length up to pages: the mapping spans exactly that. */
  size_t len = (size_t)ps * 3 + 1, rounded = (len + (size_t)ps - 1) & ~((size_t)ps - 1);
  MAP("map 3 pages + 1", p, mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0));
  unsigned char vec[8];
  CALL("mincore rounded", mincore(p, rounded, vec));
  CALL("munmap rounded", munmap(p, rounded));
  /* An anonymous region carved into pages. */
  MAP("anonymous 8 pages", p, mmap(NULL, (size_t)ps * 8, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  CALL("mprotect page 3", mprotect(p + ps * 3, (size_t)ps, PROT_READ));
  CALL("munmap page 5", munmap(p + ps * 5, (size_t)ps));
  CALL("mprotect across the hole", mprotect(p + ps * 4, (size_t)ps * 2, PROT_READ));
  CALL("munmap misaligned", munmap(p + ps / 2, (size_t)ps));
  CALL("munmap rest", munmap(p, (size_t)ps * 8));
  close(fd);
  free(page);
  return 0;
}
