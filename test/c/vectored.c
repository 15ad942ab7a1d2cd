/* Vectored and buffered I/O against a MAP_SHARED mapping of the same file:
 * pwritev/writev/preadv/readv, stdio (fwrite/fread/fflush/fprintf, fseek),
 * sendfile and copy_file_range must agree with the mapping at once, as one
 * page cache does on Linux. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "facts.h"

int main(void) {
  int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CALL("ftruncate 3 pages", ftruncate(fd, PAGE * 3));
  unsigned char *m;
  MAP("map shared", m, mmap(NULL, PAGE * 3, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));

  /* pwritev across a page boundary: the mapping sees every piece. */
  char a[3000], b[3000], c[100];
  fill(a, sizeof a, 1), fill(b, sizeof b, 2), fill(c, sizeof c, 3);
  struct iovec w[3] = {{a, sizeof a}, {b, sizeof b}, {c, sizeof c}};
  CALL("pwritev", pwritev(fd, w, 3, 1000));
  printf("mapping sees pwritev: %d %d %d\n", memcmp(m + 1000, a, sizeof a) == 0, memcmp(m + 4000, b, sizeof b) == 0,
         memcmp(m + 7000, c, sizeof c) == 0);
  SUM("mapping", m, PAGE * 3);

  /* Mapping writes, read back by preadv: unsynced bytes are the file's. */
  fill(m + PAGE * 2, PAGE, 9);
  char r1[100], r2[5000];
  struct iovec r[2] = {{r1, sizeof r1}, {r2, sizeof r2}};
  CALL("preadv", preadv(fd, r, 2, PAGE * 2 - 50));
  printf("preadv sees the mapping: %d %d\n", memcmp(r1, m + PAGE * 2 - 50, sizeof r1) == 0,
         memcmp(r2, m + PAGE * 2 + 50, PAGE - 50) == 0);
  CALL("preadv past end", preadv(fd, r, 2, PAGE * 3));
  CALL("preadv negative", preadv(fd, r, 2, -1));
  CALL("pwritev negative", pwritev(fd, w, 3, -1));

  /* writev/readv at the descriptor's position. */
  CALL("lseek", lseek(fd, 200, SEEK_SET));
  fill(a, sizeof a, 4), fill(b, 50, 5);
  struct iovec w2[2] = {{a, 100}, {b, 50}};
  CALL("writev", writev(fd, w2, 2));
  CALL("position after writev", lseek(fd, 0, SEEK_CUR));
  printf("mapping sees writev: %d %d\n", memcmp(m + 200, a, 100) == 0, memcmp(m + 300, b, 50) == 0);
  memset(m + 350, 'M', 20);
  CALL("readv", readv(fd, r, 1));
  printf("readv sees the mapping: %d\n", memcmp(r1, m + 350, sizeof r1) == 0);
  volatile int bad = -1;
  CALL("writev bad count", writev(fd, w2, bad));
  CALL("readv bad count", readv(fd, r, bad));

  /* stdio: fwrite + fflush shows in the mapping; fread sees mapping bytes. */
  FILE *f = fopen("f", "r+");
  CALL("fseek", fseek(f, 5000, SEEK_SET));
  CALL("fwrite", fwrite("stdio bytes", 1, 11, f));
  CALL("fprintf", fprintf(f, "<%d>", 12345));
  printf("before fflush: %d\n", memcmp(m + 5000, "stdio bytes", 11) == 0);
  CALL("fflush", fflush(f));
  printf("after fflush: %.18s\n", (char *)m + 5000);
  memcpy(m + 6000, "mapped text", 11);
  CALL("fseek", fseek(f, 6000, SEEK_SET));
  char got[12] = {0};
  CALL("fread", fread(got, 1, 11, f));
  printf("fread: %s\n", got);
  CALL("ftell", ftell(f));
  CALL("fclose", fclose(f));

  /* Appending stdio stream and O_APPEND writev. */
  f = fopen("f", "a");
  fputs("tail", f);
  CALL("fclose append", fclose(f));
  struct stat st;
  fstat(fd, &st);
  printf("size after append: %lld\n", (long long)st.st_size);
  int ap = open("f", O_WRONLY | O_APPEND);
  CALL("writev append", writev(ap, w2, 2));
  fstat(fd, &st);
  printf("size after writev append: %lld\n", (long long)st.st_size);
  close(ap);

  /* sendfile and copy_file_range from the mapped file into another one. */
  int out = open("g", O_RDWR | O_CREAT | O_TRUNC, 0644);
  off_t off = 100;
  CALL("sendfile", sendfile(out, fd, &off, PAGE * 2));
  CALL("sendfile offset", off);
  CALL("output position", lseek(out, 0, SEEK_CUR));
  char *check = malloc(PAGE * 3);
  CALL("pread g", pread(out, check, PAGE * 2, 0));
  printf("sendfile copied the mapping: %d\n", memcmp(check, m + 100, PAGE * 2) == 0);
  off_t in_at = PAGE, out_at = 10;
  CALL("copy_file_range", copy_file_range(fd, &in_at, out, &out_at, PAGE + 7, 0));
  printf("offsets %lld %lld\n", (long long)in_at, (long long)out_at);
  CALL("pread g", pread(out, check, PAGE + 7, 10));
  printf("copy_file_range copied the mapping: %d\n", memcmp(check, m + PAGE, PAGE + 7) == 0);
  CALL("copy_file_range flags", copy_file_range(fd, NULL, out, NULL, 10, 1));
  in_at = 0, out_at = 100;
  CALL("copy_file_range overlap", copy_file_range(fd, &in_at, fd, &out_at, 1000, 0));
  unsigned char *g;
  MAP("map g", g, mmap(NULL, PAGE, PROT_READ, MAP_SHARED, out, 0));
  lseek(fd, 0, SEEK_SET);
  lseek(out, 500, SEEK_SET);
  CALL("sendfile into mapped", sendfile(out, fd, NULL, 64));
  printf("g mapping sees sendfile: %d\n", memcmp(g + 500, m, 64) == 0);
  SUM("g page", g, PAGE);

  CALL("msync", msync(m, PAGE * 3, MS_SYNC));
  SUM("file through mapping", m, PAGE * 3);
  CALL("munmap", munmap(m, PAGE * 3));
  CALL("munmap g", munmap(g, PAGE));
  free(check);
  close(out);
  close(fd);
  return 0;
}
