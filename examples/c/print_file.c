/* The seed's first example: print a file through a read-only mapping.
 * Opens the file, maps it, closes the descriptor (the mapping stays),
 * prints it byte by byte and unmaps it.
 *   anymmap cc print_file.c -o print_file.wasm
 *   anymmap run --dir . print_file.wasm input.txt
 * corpus-fixtures: input.txt
 * corpus-runs: input.txt | missing.txt */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
  if (argc < 2) return 1;
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) {
    fprintf(stdout, "%s: cannot open: %s\n", argv[1], errno == ENOENT ? "ENOENT" : "other");
    return 1;
  }
  struct stat sb;
  fstat(fd, &sb);
  char *p = mmap(0, sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  for (off_t len = 0; len < sb.st_size; len++) putchar(p[len]);
  munmap(p, sb.st_size);
  return 0;
}
