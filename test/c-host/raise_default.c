/* A signal raised at its default action: Linux kills the program, which a
 * shell reports as 128 + the signal's number and `anymmap run` as that exit
 * status. Output still in stdio's buffer is lost, as on Linux, and what the
 * program stored through a MAP_SHARED mapping is in the file.
 * Argument: the signal's number, "alarm" for SIGALRM from the alarm timer
 * during pause(), or "read" to print the file. */
/* corpus-runs: 15 | 2 | 10 | 9 | alarm | read */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "15";
  if (strcmp(mode, "read") == 0) {
    char buf[16] = {0};
    int fd = open("stored", O_RDONLY);
    printf("file: %s\n", fd >= 0 && read(fd, buf, sizeof buf - 1) > 0 ? buf : "(nothing)");
    return 0;
  }
  int fd = open("stored", O_RDWR | O_CREAT | O_TRUNC, 0644);
  ftruncate(fd, 4096);
  char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  strcpy(p, "signal ");
  strcat(p, mode);
  /* No newline: musl writes stdout out at its first one. */
  printf("lost: still in stdio's buffer");
  if (strcmp(mode, "alarm") == 0) {
    struct itimerval soon = {{0, 0}, {0, 20000}};
    setitimer(ITIMER_REAL, &soon, NULL);
    pause();
  } else {
    raise(atoi(mode));
  }
  printf("survived signal %s\n", mode);
  return 0;
}
