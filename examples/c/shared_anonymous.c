/* The seed's shared-memory example: a MAP_SHARED | MAP_ANONYMOUS page seen
 * by two threads of control, next to a variable each has its own copy of.
 * On Linux they are a parent and a fork()ed child. WebAssembly has no
 * fork, so under anymmap the child is a function that gets its own copy of
 * the parent's variables (what fork copies) and the same shared page (what
 * fork shares), which is the closest form WASM allows; the output is the
 * same. */
#include <stdio.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#ifndef __EMSCRIPTEN__
#include <sys/wait.h>
#endif

static void child(int unshared, uint8_t *shared) {
  printf("Child process running...\n");
  printf("Value of `unshared` is %i, value of `shared` is %i\n", unshared, *shared);
  printf("Child process changing `shared` and `unshared`...\n");
  unshared = 64;
  *shared = 128;
  printf("On child process, `unshared` is %i, `shared` is %i\n", unshared, *shared);
  fflush(stdout);
}

int main(void) {
  int unshared = 15;
  uint8_t *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) return 1;
  *shared = 1;
  fflush(stdout);
#ifdef __EMSCRIPTEN__
  child(unshared, shared); /* by value: the child's copy of `unshared` */
#else
  if (fork() == 0) {
    child(unshared, shared);
    _exit(0);
  }
  wait(NULL);
#endif
  printf("Parent process checking `shared` and `unshared`...\n");
  printf("On parent process, `unshared` is %i, `shared` is %i\n", unshared, *shared);
  munmap(shared, 4096);
  return 0;
}
