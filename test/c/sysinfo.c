/* getloadavg and sysinfo failed to link. What a program may rely on
 * everywhere: getloadavg returns -1 or the count asked for (up to 3), and
 * non-negative loads; sysinfo fills the struct consistently (uptime is
 * CLOCK_BOOTTIME's seconds rounded up, free memory within total, at least
 * one process) and a NULL struct is EFAULT. anymmap's exact answers (-1
 * ENOENT, its memory) are checked in test/c-host/machine.c. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/sysinfo.h>
#include <time.h>

#include "facts.h"

int main(void) {
  for (int n = 0; n <= 4; n++) {
    double loads[4] = {-1, -1, -1, -1};
    int r = getloadavg(loads, n);
    int want = n < 3 ? n : 3;
    int sane = 1;
    for (int i = 0; i < r; i++) sane &= loads[i] >= 0;
    printf("getloadavg(%d): %s, loads %s\n", n, r == -1 || r == want ? "-1 or the count" : "wrong",
           sane ? "non-negative" : "negative");
  }

  struct sysinfo si;
  struct timespec before, after;
  clock_gettime(CLOCK_BOOTTIME, &before);
  CALL("sysinfo", sysinfo(&si));
  clock_gettime(CLOCK_BOOTTIME, &after);
  printf("uptime within the boot clock: %d\n",
         (long)si.uptime >= (long)before.tv_sec && (long)si.uptime <= (long)after.tv_sec + 1);
  printf("mem_unit at least 1: %d\n", si.mem_unit >= 1);
  printf("freeram within totalram: %d\n", si.totalram > 0 && si.freeram <= si.totalram);
  printf("sharedram, bufferram within totalram: %d\n",
         si.sharedram <= si.totalram && si.bufferram <= si.totalram);
  printf("freeswap within totalswap: %d\n", si.freeswap <= si.totalswap);
  printf("procs at least 1: %d\n", si.procs >= 1);
  CALL("sysinfo(NULL)", sysinfo(NULL));
  return 0;
}
