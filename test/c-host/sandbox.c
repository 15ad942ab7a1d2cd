/* What a program under `anymmap run` may not reach: paths outside its
 * --dir directories. Not a differential program (Linux would open them). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void try(const char *path) {
  errno = 0;
  int fd = open(path, O_RDONLY);
  printf("%s: %s\n", path,
         fd >= 0           ? "opened"
         : errno == EACCES ? "EACCES"
         : errno == ENOENT ? "ENOENT"
                           : "other");
  if (fd >= 0) close(fd);
}

int main(int argc, char **argv) {
  try("inside.txt");
  try("./sub/../inside.txt");
  try("../outside.txt");
  try("sub/../../outside.txt");
  try("/data/inside.txt");
  try("/data/../outside.txt");
  try("/etc/passwd");
  /* Symbolic links the host put in the directory: to outside, and inside. */
  try("up/outside.txt");
  try("out-link");
  try("in-link");
  /* Links the program makes itself: making them is allowed, leaving through them is not. */
  printf("symlink to /etc: %d\n", symlink("/etc", "own-abs"));
  printf("symlink to ..: %d\n", symlink("..", "own-up"));
  try("own-abs/passwd");
  try("own-up/outside.txt");
  char target[64] = {0};
  printf("readlink own-up: %s\n",
         readlink("own-up", target, sizeof target - 1) == 2 ? target : "?");
  unlink("own-abs");
  unlink("own-up");
  struct stat st;
  printf("stat /data: %d\n", stat("/data", &st) == 0 && S_ISDIR(st.st_mode));
  printf("argc %d argv1 %s env %s\n", argc, argc > 1 ? argv[1] : "-",
         getenv("ANYMMAP_TEST_VAR") ? getenv("ANYMMAP_TEST_VAR") : "unset");
  char line[64] = {0};
  printf("stdin: %s", fgets(line, sizeof line, stdin) ? line : "EOF\n");
  return 5;
}
