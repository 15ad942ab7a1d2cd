/* Flag combinations Linux accepts: O_EXCL without O_CREAT is ignored (a
 * missing file is ENOENT, an existing one opens; fopen's "x" of an
 * existing file for reading), and O_RDONLY|O_TRUNC truncates a regular
 * file. Deno's node:fs refused both with EINVAL. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"

int main(void) {
  CALL("O_RDONLY|O_EXCL of a missing file", open("missing", O_RDONLY | O_EXCL));
  int fd = open("present", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  write(fd, "twelve bytes", 12);
  close(fd);
  fd = open("present", O_RDONLY | O_EXCL);
  printf("O_RDONLY|O_EXCL of an existing file opens: %d\n", fd >= 0);
  close(fd);
  FILE *f = fopen("present", "rx");
  printf("fopen \"rx\" of an existing file opens: %d\n", f != NULL);
  if (f) fclose(f);
  fd = open("present", O_RDONLY | O_TRUNC);
  struct stat st;
  fstat(fd, &st);
  printf("O_RDONLY|O_TRUNC opens: %d, size now %lld\n", fd >= 0, (long long)st.st_size);
  close(fd);
  CALL("O_RDONLY|O_TRUNC of a missing file", open("missing", O_RDONLY | O_TRUNC));
  fd = open("created", O_RDONLY | O_TRUNC | O_CREAT, 0644);
  printf("O_RDONLY|O_TRUNC|O_CREAT of a missing file creates it: %d\n", fd >= 0 && access("created", F_OK) == 0);
  return 0;
}
