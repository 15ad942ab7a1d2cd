/* POSIX shared memory: shm_open creates an object under /dev/shm (a fresh
 * in-memory directory per `anymmap run`), mapped MAP_SHARED by two
 * descriptors that see each other's writes; shm_unlink removes it. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"

int main(void) {
  char name[64];
  snprintf(name, sizeof name, "/anymmap-corpus-%d", (int)getpid());
  int a = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
  printf("shm_open create: %s\n", a >= 0 ? "ok" : errname(errno));
  CALL("shm_open exclusive again", shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600));
  CALL("ftruncate", ftruncate(a, PAGE * 2));
  int b = shm_open(name, O_RDWR, 0);
  printf("shm_open existing: %s\n", b >= 0 ? "ok" : errname(errno));
  char *p, *q;
  MAP("map a", p, mmap(NULL, PAGE * 2, PROT_READ | PROT_WRITE, MAP_SHARED, a, 0));
  MAP("map b", q, mmap(NULL, PAGE * 2, PROT_READ | PROT_WRITE, MAP_SHARED, b, 0));
  strcpy(p + PAGE, "through a");
  printf("b sees: %s\n", q + PAGE);
  strcpy(q, "through b");
  printf("a sees: %s\n", p);
  struct stat st;
  CALL("fstat", fstat(b, &st));
  printf("size %lld\n", (long long)st.st_size);
  CALL("shm_unlink", shm_unlink(name));
  CALL("shm_open after unlink", shm_open(name, O_RDWR, 0));
  printf("mapping survives unlink: %s\n", p);
  CALL("shm_unlink again", shm_unlink(name));
  CALL("munmap", munmap(p, PAGE * 2) | munmap(q, PAGE * 2));
  close(a);
  close(b);
  return 0;
}
