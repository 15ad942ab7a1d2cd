#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "posix.h"

size_t emscripten_get_heap_size(void);

/* sysinfo failed to link. The program's machine is its WebAssembly memory
 * and its run (docs/c-programs.md): uptime is CLOCK_BOOTTIME's seconds
 * rounded up, as Linux computes it (the clock starts with the runtime, not
 * the host's boot); totalram is the memory's size; freeram is the room the
 * heap can still grow into, between its break and the lowest mapping; no
 * swap, no shared or buffer memory, one process (the program). The loads
 * are 0: the host's are not the program's to read (getloadavg says -1). */

int sysinfo(struct sysinfo *info) {
  struct timespec ts;
  if (!info) return __anymmap_ret(EFAULT);
  memset(info, 0, sizeof *info);
  clock_gettime(CLOCK_BOOTTIME, &ts);
  info->uptime = ts.tv_sec + (ts.tv_nsec ? 1 : 0);
  uintptr_t total = __builtin_wasm_memory_size(0) * 65536;
  uintptr_t brk = (uintptr_t)sbrk(0);
  uintptr_t top = emscripten_get_heap_size();
  info->totalram = total;
  info->freeram = top > brk ? top - brk : 0;
  info->procs = 1;
  info->mem_unit = 1;
  return 0;
}
