/* What a program learns about its machine: getloadavg and sysinfo. Linux
 * gives the host's loads and memory; anymmap's exact answers are its own
 * (docs/c-programs.md): no /proc, so getloadavg is -1 with ENOENT (glibc's
 * answer without /proc); sysinfo's RAM is the program's WebAssembly
 * memory, its free RAM the room the heap can still grow into, one
 * process, no swap, loads 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>

char *volatile kept;

int main(void) {
  double loads[3];
  errno = 0;
  int r = getloadavg(loads, 3);
  printf("getloadavg: %d %s\n", r, r < 0 ? strerror(errno) : "");
  struct sysinfo si;
  r = sysinfo(&si);
  printf("sysinfo: %d\n", r);
  printf("totalram %lu mem_unit %u procs %u\n", (unsigned long)si.totalram, si.mem_unit,
         (unsigned)si.procs);
  unsigned long free_before = si.freeram;
  printf("freeram: more than 1 GiB %d, less than totalram %d\n", si.freeram > (1ul << 30),
         si.freeram < si.totalram);
  printf("swap %lu %lu shared %lu buffer %lu high %lu %lu\n", (unsigned long)si.totalswap,
         (unsigned long)si.freeswap, (unsigned long)si.sharedram, (unsigned long)si.bufferram,
         (unsigned long)si.totalhigh, (unsigned long)si.freehigh);
  printf("loads %lu %lu %lu\n", si.loads[0], si.loads[1], si.loads[2]);
  /* The heap grows into the free memory: 64 MiB of malloc leaves less. */
  char *p = malloc(64 << 20);
  memset(p, 1, 64 << 20);
  kept = p; /* kept: the compiler may not drop the allocation */
  sysinfo(&si);
  printf("after 64 MiB of malloc, freeram is at least 60 MiB less: %d\n",
         free_before - si.freeram >= (60ul << 20));
  free(p);
  return 0;
}
