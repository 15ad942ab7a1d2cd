/* A relative path that climbs out of the working directory ("../run/x")
 * reaches the file through the directory's absolute name, as on Linux and as
 * chdir("..") already did: it failed with EACCES, so gzip's `make check`
 * could not compress ../ChangeLog ("Permission denied"). argv[1] is the run
 * directory's absolute name, as the program sees it. */
/* corpus-runs: @DIR@ */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  const char *base = strrchr(argv[1], '/');
  base = base ? base + 1 : argv[1];
  char up[512], deep[512], up_g[512], up_h[512];
  snprintf(up, sizeof up, "../%s/f", base);
  snprintf(deep, sizeof deep, "sub/../../%s/f", base);
  snprintf(up_g, sizeof up_g, "../%s/g", base);
  snprintf(up_h, sizeof up_h, "../%s/h", base);

  int fd = open("f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CALL("write f", write(fd, "hello", 5));
  close(fd);
  mkdir("sub", 0755);

  struct stat st;
  CALL("stat ../run/f", stat(up, &st));
  printf("size %lld\n", (long long)st.st_size);
  CALL("stat sub/../../run/f", stat(deep, &st));
  char buf[16] = {0};
  fd = open(up, O_RDONLY);
  CALL("read ../run/f", read(fd, buf, sizeof buf - 1));
  printf("bytes %s\n", buf);
  close(fd);
  CALL("access ../run/f R_OK", access(up, R_OK));

  FILE *f = fopen(up_g, "w");
  printf("fopen ../run/g w: %s\n", f ? "ok" : errname(errno));
  if (f) {
    fputs("written through ..", f);
    fclose(f);
  }
  CALL("rename ../run/g ../run/h", rename(up_g, up_h));
  CALL("stat h", stat("h", &st));
  printf("size %lld\n", (long long)st.st_size);
  CALL("unlink ../run/h", unlink(up_h));
  CALL("stat h after unlink", stat("h", &st));
  char missing[512];
  snprintf(missing, sizeof missing, "../%s/missing", base);
  CALL("open ../run/missing", open(missing, O_RDONLY));

  /* From a subdirectory: ../f is the run directory's f. */
  CALL("chdir sub", chdir("sub"));
  CALL("stat ../f", stat("../f", &st));
  snprintf(deep, sizeof deep, "../../%s/f", base);
  CALL("stat ../../run/f", stat(deep, &st));
  CALL("mkdir ../made", mkdir("../made", 0755));
  CALL("chdir ..", chdir(".."));
  CALL("rmdir made", rmdir("made"));
  return 0;
}
