/* freopen moves a stream to another file (musl does it with __dup3 over the
 * stream's descriptor): the old file keeps what was written before, the new
 * one what comes after. */
#include <stdio.h>

#include "facts.h"

static void show(const char *path) {
  char buf[64] = {0};
  FILE *f = fopen(path, "r");
  size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
  printf("%s: %zu bytes: %s", path, n, buf);
  if (f) fclose(f);
}

int main(void) {
  FILE *f = fopen("one.log", "w");
  fprintf(f, "first\n");
  errno = 0;
  FILE *g = freopen("two.log", "w", f);
  printf("freopen: %s, errno %s\n", g == f ? "same stream" : g ? "another stream" : "NULL", errname(errno));
  if (g) {
    fprintf(g, "second\n");
    CALL("fclose", fclose(g));
  }
  show("one.log");
  show("two.log");
  g = freopen("missing/dir/x.log", "r", fopen("one.log", "r"));
  printf("freopen of a missing path: %s, errno %s\n", g ? "a stream" : "NULL", errname(errno));
  return 0;
}
