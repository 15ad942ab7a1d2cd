/* setjmp/longjmp, as interpreters (Lua) and editors (GNU ed) use them for
 * errors: a jump out of nested calls, a value of 0 turned into 1, a second
 * setjmp in a loop, and sigsetjmp. They did not link. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;
static int depth;

static void dive(int n, int value) {
  depth++;
  if (n == 0) longjmp(env, value);
  dive(n - 1, value);
}

int main(void) {
  volatile int rounds = 0;
  int r = setjmp(env);
  printf("setjmp returned %d after %d rounds\n", r, rounds);
  if (rounds < 3) {
    rounds++;
    dive(4, rounds == 3 ? 0 : rounds * 10);
  }
  printf("dived %d levels\n", depth);
  sigjmp_buf senv;
  if (sigsetjmp(senv, 1) == 0) siglongjmp(senv, 7);
  puts("siglongjmp came back");
  return 0;
}
