/*
 * The physical reference of the anymmap benchmark: the same scenarios as
 * the JavaScript contenders, with mmap(2) or pread(2), timed in-process.
 * Built by bench/run.mjs with `gcc -O2` into a temporary directory.
 *
 *   bench MODE SCENARIO FILE RUNS WARMUP WARMUP_MS [PAGES] [DEVICE]
 *
 * MODE      mmap | pread | pread-whole (touch and scan only: the whole file
 *           into one buffer, resident before the first run: a copying
 *           engine's page-in without the work of keeping a mapping)
 * SCENARIO  touch    open, map, sum one byte per 4 KiB page, unmap, close
 *           scan     open, map, XOR every 64-bit word, unmap, close
 *           cold     one scan, no timing (the parent times the process)
 *           tail     open, map the whole file, read the last page, unmap, close
 *           random   map (untimed); read the pages listed in PAGES (timed); unmap (untimed)
 *           dirty    open, map shared, add 1 to the first byte of each page of
 *                    PAGES, msync(MS_SYNC), unmap, close; also reports
 *                    /proc/self/io write_bytes and DEVICE's sectors written
 *           onepage  open, map the whole file, read page 0, unmap, close
 *           many     FILE is a directory of small files f0.bin, f1.bin, ...;
 *                    PAGES is how many: open, map (one page, shared), close
 *                    and read the first byte of each, keeping every mapping,
 *                    then unmap them all; a sample is the time per file
 *                    (pread: open, pread one page, close)
 * "Reading a page" is reading its first byte (mmap: that faults the page in;
 * pread: reads the 4 KiB page). pread reads use a 256 KiB page-aligned buffer.
 *
 * Warm-up: at least WARMUP runs and at least WARMUP_MS milliseconds of them.
 * Prints one JSON object: {"samples":[ns...],"checksum":N,"peakRssBytes":N,"extra":{...}}.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define CHUNK (256 << 10)
#define MAX_RUNS 1000

static unsigned char *chunk;
/* pread-whole: a buffer of the file's size, written once before any run. */
static unsigned char *resident;
static const char *mode, *scenario, *path;

static void die(const char *what) {
  printf("{\"error\":\"%s: %s\"}\n", what, strerror(errno));
  exit(1);
}

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int is_mmap(void) { return strcmp(mode, "mmap") == 0; }

static uint32_t touch(const unsigned char *p, size_t n) {
  uint32_t s = 0;
  for (size_t i = 0; i < n; i += PAGE) s += p[i];
  return s;
}

static uint32_t xor64(const unsigned char *p, size_t n) {
  const uint64_t *w = (const uint64_t *)p;
  uint64_t x = 0;
  for (size_t i = 0; i < n / 8; i++) x ^= w[i];
  return (uint32_t)(x ^ (x >> 32));
}

static size_t file_size(int fd) {
  struct stat st;
  if (fstat(fd, &st)) die("fstat");
  return (size_t)st.st_size;
}

static unsigned char *map(int fd, size_t n, int prot) {
  void *p = mmap(NULL, n, prot, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) die("mmap");
  return p;
}

static void pread_all(int fd, unsigned char *buf, size_t n, off_t at) {
  while (n) {
    ssize_t k = pread(fd, buf, n, at);
    if (k < 0) die("pread");
    if (k == 0) break;
    buf += k;
    n -= (size_t)k;
    at += k;
  }
}

/* touch or scan of the whole file. */
static uint32_t whole(int scan) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) die("open");
  size_t n = file_size(fd);
  uint32_t c = 0;
  if (is_mmap()) {
    unsigned char *p = map(fd, n, PROT_READ);
    c = scan ? xor64(p, n) : touch(p, n);
    munmap(p, n);
  } else if (resident) {
    pread_all(fd, resident, n, 0);
    c = scan ? xor64(resident, n) : touch(resident, n);
  } else {
    for (size_t at = 0; at < n; at += CHUNK) {
      size_t len = n - at < CHUNK ? n - at : CHUNK;
      pread_all(fd, chunk, len, (off_t)at);
      c = scan ? c ^ xor64(chunk, len) : c + touch(chunk, len);
    }
  }
  close(fd);
  return c;
}

static uint32_t one_page(int last) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) die("open");
  size_t n = file_size(fd);
  size_t at = last ? (n - 1) / PAGE * PAGE : 0;
  uint32_t c;
  if (is_mmap()) {
    unsigned char *p = map(fd, n, PROT_READ);
    c = p[at];
    munmap(p, n);
  } else {
    pread_all(fd, chunk, PAGE, (off_t)at);
    c = chunk[0];
  }
  close(fd);
  return c;
}

static size_t *pages;
static size_t npages;

/* Scenario "many": count small files, each mapped and touched while all
 * the others stay mapped, then all unmapped. */
static uint32_t many(size_t count) {
  static unsigned char **maps;
  if (!maps && !(maps = calloc(count, sizeof *maps))) die("calloc");
  char name[4096];
  uint32_t c = 0;
  for (size_t i = 0; i < count; i++) {
    snprintf(name, sizeof name, "%s/f%zu.bin", path, i);
    int fd = open(name, O_RDONLY);
    if (fd < 0) die("open");
    if (is_mmap()) {
      maps[i] = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
      if (maps[i] == MAP_FAILED) die("mmap");
      close(fd);
      c += maps[i][0];
    } else {
      pread_all(fd, chunk, PAGE, 0);
      close(fd);
      c += chunk[0];
    }
  }
  if (is_mmap())
    for (size_t i = 0; i < count; i++) munmap(maps[i], PAGE);
  return c;
}

static void load_pages(const char *file) {
  FILE *f = fopen(file, "r");
  if (!f) die("pages file");
  size_t cap = 1024;
  pages = malloc(cap * sizeof *pages);
  unsigned long long v;
  while (fscanf(f, "%llu", &v) == 1) {
    if (npages == cap) pages = realloc(pages, (cap *= 2) * sizeof *pages);
    pages[npages++] = (size_t)v;
  }
  fclose(f);
}

static long long write_bytes(void) {
  FILE *f = fopen("/proc/self/io", "r");
  if (!f) return -1;
  char line[256];
  long long v = -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "write_bytes:", 12) == 0) v = atoll(line + 12);
  fclose(f);
  return v;
}

static long long device_bytes(const char *dev) {
  if (!dev || !*dev) return -1;
  FILE *f = fopen("/proc/diskstats", "r");
  if (!f) return -1;
  char line[512], name[128];
  long long v = -1;
  while (fgets(line, sizeof line, f)) {
    unsigned ma, mi;
    unsigned long long x[7];
    if (sscanf(line, "%u %u %127s %llu %llu %llu %llu %llu %llu %llu", &ma, &mi, name, &x[0], &x[1],
               &x[2], &x[3], &x[4], &x[5], &x[6]) == 10 &&
        strcmp(name, dev) == 0)
      v = (long long)x[6] * 512;
  }
  fclose(f);
  return v;
}

int main(int argc, char **argv) {
  if (argc < 7) {
    fprintf(stderr, "usage: bench MODE SCENARIO FILE RUNS WARMUP WARMUP_MS [PAGES] [DEVICE]\n");
    return 2;
  }
  mode = argv[1];
  scenario = argv[2];
  path = argv[3];
  int runs = atoi(argv[4]), warmup = atoi(argv[5]);
  uint64_t warmup_ns = (uint64_t)atoll(argv[6]) * 1000000u;
  if (runs > MAX_RUNS) runs = MAX_RUNS;
  const char *device = argc > 8 ? argv[8] : "";
  int whole_file = strcmp(mode, "pread-whole") == 0;
  if (strcmp(mode, "mmap") && strcmp(mode, "pread") && !whole_file) {
    fprintf(stderr, "bench: MODE must be mmap, pread or pread-whole\n");
    return 2;
  }
  chunk = aligned_alloc(PAGE, CHUNK);
  memset(chunk, 0, CHUNK); /* fault it in before any timing */
  if (whole_file) {
    if (strcmp(scenario, "touch") && strcmp(scenario, "scan")) {
      fprintf(stderr, "bench: pread-whole runs the touch and scan scenarios only\n");
      return 2;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) die("open");
    size_t n = file_size(fd);
    close(fd);
    if (!(resident = aligned_alloc(PAGE, (n + PAGE - 1) / PAGE * PAGE))) die("aligned_alloc");
    memset(resident, 0, n);
  }

  if (strcmp(scenario, "cold") == 0) {
    printf("{\"checksum\":%u}\n", whole(1));
    return 0;
  }
  int random = strcmp(scenario, "random") == 0, dirty = strcmp(scenario, "dirty") == 0;
  size_t many_count = strcmp(scenario, "many") == 0 && argc > 7 ? (size_t)atoll(argv[7]) : 0;
  if (random || dirty) {
    if (argc < 8) die("PAGES argument missing");
    load_pages(argv[7]);
  }

  static uint64_t samples[MAX_RUNS];
  static long long wbytes[MAX_RUNS], dbytes[MAX_RUNS];
  uint32_t checksum = 0;
  uint64_t start = now_ns();
  int warmup_runs = 0;
  for (int r = 0, kept = 0; kept < runs; r++) {
    int warming = r < warmup || now_ns() - start < warmup_ns;
    warmup_runs += warming;
    uint32_t c = 0;
    uint64_t t0 = 0, t1 = 0;
    long long w0 = 0, d0 = 0;
    if (strcmp(scenario, "touch") == 0 || strcmp(scenario, "scan") == 0) {
      t0 = now_ns();
      c = whole(scenario[0] == 's');
      t1 = now_ns();
    } else if (strcmp(scenario, "tail") == 0 || strcmp(scenario, "onepage") == 0) {
      t0 = now_ns();
      c = one_page(scenario[0] == 't');
      t1 = now_ns();
    } else if (many_count) {
      t0 = now_ns();
      c = many(many_count);
      t1 = now_ns();
      /* A sample is the time per file, so that counts compare. */
      t1 = t0 + (t1 - t0) / many_count;
    } else if (random) {
      int fd = open(path, O_RDONLY);
      if (fd < 0) die("open");
      size_t n = file_size(fd);
      unsigned char *p = is_mmap() ? map(fd, n, PROT_READ) : NULL;
      t0 = now_ns();
      for (size_t i = 0; i < npages; i++) {
        if (p) {
          c += p[pages[i] * PAGE];
        } else {
          pread_all(fd, chunk, PAGE, (off_t)(pages[i] * PAGE));
          c += chunk[0];
        }
      }
      t1 = now_ns();
      if (p) munmap(p, n);
      close(fd);
    } else if (dirty) {
      w0 = write_bytes();
      d0 = device_bytes(device);
      t0 = now_ns();
      int fd = open(path, O_RDWR);
      if (fd < 0) die("open");
      size_t n = file_size(fd);
      if (is_mmap()) {
        unsigned char *p = map(fd, n, PROT_READ | PROT_WRITE);
        for (size_t i = 0; i < npages; i++) p[pages[i] * PAGE]++;
        if (msync(p, n, MS_SYNC)) die("msync");
        munmap(p, n);
      } else {
        for (size_t i = 0; i < npages; i++) {
          pread_all(fd, chunk, PAGE, (off_t)(pages[i] * PAGE));
          chunk[0]++;
          if (pwrite(fd, chunk, PAGE, (off_t)(pages[i] * PAGE)) != PAGE) die("pwrite");
        }
        if (fdatasync(fd)) die("fdatasync");
      }
      close(fd);
      t1 = now_ns();
    } else {
      fprintf(stderr, "bench: unknown scenario %s\n", scenario);
      return 2;
    }
    if (!warming) {
      samples[kept] = t1 - t0;
      if (dirty) {
        long long w1 = write_bytes(), d1 = device_bytes(device);
        wbytes[kept] = w0 < 0 || w1 < 0 ? -1 : w1 - w0;
        dbytes[kept] = d0 < 0 || d1 < 0 ? -1 : d1 - d0;
      }
      kept++;
    }
    checksum = c;
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  printf("{\"checksum\":%u,\"warmupRuns\":%d,\"peakRssBytes\":%lld,\"samples\":[", checksum, warmup_runs,
         (long long)usage.ru_maxrss * 1024);
  for (int i = 0; i < runs; i++) printf("%s%llu", i ? "," : "", (unsigned long long)samples[i]);
  printf("]");
  if (dirty) {
    printf(",\"extra\":{\"writeBytes\":[");
    for (int i = 0; i < runs; i++) printf(i ? ",%lld" : "%lld", wbytes[i]);
    printf("],\"deviceBytes\":[");
    for (int i = 0; i < runs; i++) printf(i ? ",%lld" : "%lld", dbytes[i]);
    printf("]}");
  }
  printf("}\n");
  return 0;
}
