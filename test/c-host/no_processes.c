/* Starting another process: Linux runs it; a WebAssembly program cannot,
 * and says so as Linux's libc does where no child can be made. */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(void) {
  printf("system(NULL) says a shell is there: %d\n", system(NULL) != 0);
  errno = 0;
  int r = system("exit 7");
  printf("system: %d %s\n", r == -1 ? -1 : r >> 8, r == -1 ? strerror(errno) : "");
  char *argv[] = {"true", NULL};
  pid_t pid;
  printf("posix_spawn: %s\n", strerror(posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ)));
  printf("posix_spawnp: %s\n", strerror(posix_spawnp(&pid, "true", NULL, NULL, argv, environ)));
#ifdef __EMSCRIPTEN__
  /* Natively daemon would detach the program from the test. */
  errno = 0;
  r = daemon(1, 1);
  printf("daemon: %d %s\n", r, r == -1 ? strerror(errno) : "");
#endif
  return 0;
}
