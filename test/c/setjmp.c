/* setjmp/longjmp, as interpreters (Lua) and editors (GNU ed) use them for
 * errors: a jump out of nested calls, a value of 0 turned into 1, a second
 * setjmp in a loop, and sigsetjmp. They did not link. Then what a
 * read-eval loop does: a setjmp per round of one call, 200,000 of them,
 * with calls that setjmp themselves in between and a copy of an older
 * jmp_buf jumped to later (Emscripten's bookkeeping made the rounds cost
 * O(n^2): minutes). */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

static jmp_buf env;
static int depth;

static int guarded(int i) {
  jmp_buf inner;
  if (setjmp(inner)) return 1;
  if (i % 3 == 0) longjmp(inner, 1);
  return 0;
}

static void rounds_of_one_call(void) {
  jmp_buf loop, saved;
  volatile int jumps = 0, caught = 0;
  if (setjmp(loop) == 2) {
    puts("a copy of the first jmp_buf, taken before the rounds, still lands there");
    return;
  }
  memcpy(saved, loop, sizeof loop);
  for (volatile int i = 0; i < 200000; i++) {
    if (setjmp(loop)) {
      jumps++;
      continue;
    }
    caught += guarded(i);
    if (i % 1000 == 999) longjmp(loop, 1);
  }
  printf("200000 rounds: %d jumps back, %d caught inside\n", jumps, caught);
  longjmp(saved, 2);
}

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
  rounds_of_one_call();
  return 0;
}
