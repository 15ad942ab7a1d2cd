/*
 * Scenario 6 against Emscripten's own mmap: map LENGTH bytes of a file,
 * read one page (its first byte), unmap; timed in-process.
 *
 *   emmap MODE FILE LENGTH RUNS WARMUP WARMUP_MS
 *
 * MODE  mmap  libc mmap(0, LENGTH, PROT_READ, MAP_PRIVATE, fd, 0)
 *       read  what a program must do where mmap is missing: malloc(LENGTH)
 *             and read the file into it (Emscripten's own mmap does this
 *             in JS when it has a file system: it copies eagerly)
 * FILE  a path, or "fd:N" for a descriptor the host opened beforehand
 *       (standalone builds: open() is EPERM there, so the runner pre-opens
 *       the file as fd 3)
 *
 * Built twice by bench/run.mjs: with -sSTANDALONE_WASM (run under anymmap's
 * WASI host) and with -sNODERAWFS (Emscripten's JS runtime on Node).
 * Prints {"samples":[ns...],"checksum":N} or {"error":"..."}.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 1000

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void fail(const char *what, int err) {
  printf("{\"error\":\"%s: %s (errno %d)\"}\n", what, strerror(err), err);
  exit(1);
}

int main(int argc, char **argv) {
  if (argc < 7) {
    printf("{\"error\":\"usage: emmap MODE FILE LENGTH RUNS WARMUP WARMUP_MS\"}\n");
    return 2;
  }
  const char *mode = argv[1], *file = argv[2];
  size_t length = (size_t)strtoull(argv[3], NULL, 10);
  int runs = atoi(argv[4]), warmup = atoi(argv[5]);
  uint64_t warmup_ns = (uint64_t)strtoull(argv[6], NULL, 10) * 1000000u;
  if (runs > MAX_RUNS) runs = MAX_RUNS;
  int fd = strncmp(file, "fd:", 3) == 0 ? atoi(file + 3) : open(file, O_RDONLY);
  if (fd < 0) fail("open", errno);
  int use_mmap = strcmp(mode, "mmap") == 0;

  static uint64_t samples[MAX_RUNS];
  unsigned checksum = 0;
  uint64_t start = now_ns();
  int warmup_runs = 0;
  for (int r = 0, kept = 0; kept < runs; r++) {
    int warming = r < warmup || now_ns() - start < warmup_ns;
    warmup_runs += warming;
    uint64_t t0 = now_ns();
    unsigned char *p;
    if (use_mmap) {
      p = mmap(NULL, length, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) fail("mmap", errno);
    } else {
      p = malloc(length);
      if (!p) fail("malloc", errno);
      for (size_t done = 0; done < length;) {
        ssize_t n = pread(fd, p + done, length - done, (off_t)done);
        if (n < 0) fail("pread", errno);
        if (n == 0) break;
        done += (size_t)n;
      }
    }
    checksum = *(volatile unsigned char *)p;
    if (use_mmap) {
      if (munmap(p, length)) fail("munmap", errno);
    } else {
      free(p);
    }
    uint64_t t1 = now_ns();
    if (!warming) samples[kept++] = t1 - t0;
  }
  printf("{\"checksum\":%u,\"warmupRuns\":%d,\"samples\":[", checksum, warmup_runs);
  for (int i = 0; i < runs; i++) printf(i ? ",%llu" : "%llu", (unsigned long long)samples[i]);
  printf("]}\n");
  return 0;
}
