/* lseek and fseek on /dev/null and /dev/zero answer 0 on Linux (zstd's
 * "-o /dev/null" seeks over sparse holes: "Sparse skip error"); they were
 * ESPIPE. A pipe is still ESPIPE. */
#include <fcntl.h>
#include <unistd.h>

#include "facts.h"

int main(void) {
  int null = open("/dev/null", O_WRONLY);
  CALL("lseek /dev/null SEEK_CUR 4096", lseek(null, 4096, SEEK_CUR));
  CALL("lseek /dev/null SEEK_END", lseek(null, 0, SEEK_END));
  int zero = open("/dev/zero", O_RDONLY);
  CALL("lseek /dev/zero SEEK_SET 4096", lseek(zero, 4096, SEEK_SET));
  FILE *f = fopen("/dev/null", "w");
  fputs("x", f);
  CALL("fseek /dev/null", fseek(f, 100, SEEK_CUR));
  CALL("ftell /dev/null", ftell(f));
  fclose(f);
  int ends[2];
  pipe(ends);
  CALL("lseek a pipe", lseek(ends[0], 0, SEEK_CUR));
  return 0;
}
