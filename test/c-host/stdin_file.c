/* A regular file redirected into stdin (`prog < file`) is a file on Linux:
 * fstat says so with its size, lseek moves in it from where the shell left
 * the offset, and it can be mapped. anymmap run gave every redirected stdin
 * as a pipe (ESPIPE, ENODEV). The test starts it 3 bytes into the file.
 * With the argument "line" it reads one line a byte at a time, as a shell's
 * `read` does: what comes after is the next reader's. With "gap" it writes
 * to stdout, seeks 10 bytes on and writes again: redirected to a file, the
 * 10 bytes read as zeros and the shell writes on after them. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int one_line(void) {
  char c;
  printf("line: ");
  while (read(0, &c, 1) == 1 && c != '\n') putchar(c);
  putchar('\n');
  return 0;
}

static int gap(void) {
  struct stat st;
  if (fstat(1, &st)) return 1;
  fprintf(stderr, "stdout regular %d isatty %d\n", S_ISREG(st.st_mode), isatty(1));
  printf("hello\n");
  if (fflush(stdout) || fseek(stdout, 10, SEEK_CUR)) return 2;
  printf("after the gap\n");
  fprintf(stderr, "ftell %ld\n", ftell(stdout));
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "line")) return one_line();
  if (argc > 1 && !strcmp(argv[1], "gap")) return gap();
  struct stat st;
  if (fstat(0, &st)) return 1;
  printf("regular %d size %lld isatty %d\n", S_ISREG(st.st_mode), (long long)st.st_size, isatty(0));
  printf("offset %lld\n", (long long)lseek(0, 0, SEEK_CUR));
  char buf[16] = {0};
  printf("read %zd '%.4s'\n", read(0, buf, 4), buf);
  printf("end-3 %lld\n", (long long)lseek(0, -3, SEEK_END));
  memset(buf, 0, sizeof buf);
  printf("read %zd '%.3s'\n", read(0, buf, 3), buf);
  const char *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, 0, 0);
  if (p == MAP_FAILED) return 2;
  printf("mapped '%.5s'\n", p);
  munmap((void *)p, (size_t)st.st_size);
  if (fseek(stdin, 0, SEEK_SET)) return 3;
  if (!fgets(buf, sizeof buf, stdin)) return 4;
  printf("first line %s", buf);
  return 0;
}
