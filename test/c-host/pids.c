/* getpid() of two runs side by side: each process has its own number, as
 * on Linux (every program got 42, so pid-named files collided).
 * corpus-runs: first | second | compare */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "compare") != 0) {
    FILE *f = fopen(argv[1], "w");
    if (!f) return 1;
    fprintf(f, "%d\n", (int)getpid());
    fclose(f);
    return 0;
  }
  int a = 0, b = 0;
  FILE *fa = fopen("first", "r"), *fb = fopen("second", "r");
  if (!fa || !fb || fscanf(fa, "%d", &a) != 1 || fscanf(fb, "%d", &b) != 1) return 1;
  printf("two runs, two pids: %d\n", a != b && a > 1 && b > 1);
  return 0;
}
