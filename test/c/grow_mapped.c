/* A program keeps a file's header page mapped, the file grows, and it maps
 * the whole file: both mappings show the same bytes (databases and logs do
 * this). Under anymmap a shared file page has one address, so the whole
 * file must fit where the header sits: it failed with ENOMEM past about
 * 450 pages. */
#include <fcntl.h>
#include <unistd.h>

#include "facts.h"

static int grow(const char *name, long pages, int anon_between) {
  int fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0644);
  ftruncate(fd, PAGE);
  char *header = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  header[0] = 'H';
  void *anon = anon_between ? mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : NULL;
  ftruncate(fd, pages * PAGE);
  char *all = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (all == MAP_FAILED) {
    printf("%ld pages: mmap %s\n", pages, errname(errno));
    return 1;
  }
  all[1] = 'e';
  all[(pages - 1) * PAGE] = 'T';
  char tail = 0;
  pread(fd, &tail, 1, (pages - 1) * PAGE);
  printf("%ld pages%s: header sees %c%c, the whole mapping %c, the file's last page %c\n", pages,
         anon_between ? " (anonymous memory between)" : "", header[0], header[1], all[0], tail);
  munmap(all, pages * PAGE);
  munmap(header, PAGE);
  if (anon) munmap(anon, 64 * PAGE);
  close(fd);
  return 0;
}

int main(void) {
  grow("grow_a", 512, 0);
  grow("grow_b", 1024, 1);
  grow("grow_c", 4000, 0);
  return 0;
}
