/* A program's own globals with the names the C core uses inside (files,
 * objects, claim, writeback, vmas, file_find...): they failed to link
 * (duplicate symbol) or, for a function, met the core's with another
 * signature (mawk's file_find). The core's names are its own now. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "facts.h"

int files = 5;
int objects = 6;
char vmas[16] = "program's vmas";
int claim(void) {
  return 7;
}
int writeback(int x) {
  return x * 2;
}
const char *file_find(const char *name, int mode) {
  return mode ? name : "none";
}

int main(void) {
  int fd = open("own_globals_file", O_CREAT | O_RDWR | O_TRUNC, 0644);
  ftruncate(fd, PAGE);
  char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  strcpy(p, "mapped");
  printf("%d %d %s %d %d %s\n", files, objects, vmas, claim(), writeback(21), file_find("x", 1));
  CALL("msync", msync(p, PAGE, MS_SYNC));
  char back[8] = {0};
  pread(fd, back, 6, 0);
  printf("file: %s\n", back);
  return 0;
}
