/*
 * anymmap's SIGBUS guard: a file mapped by anymmap that someone else
 * truncates (another process, or another anymmap instance) must not kill the
 * process when a view touches a page past the new end of the file. The
 * handler maps a private zero page over the faulting page, so the access
 * reads zeros (a write lands in that page and never reaches the file, as in
 * the WASM backend), and records the fault for the engine, whose next call
 * on that mapping reports it as an MmapError. Faults anywhere else go to the
 * handler that was installed before (the runtime's), or kill the process as
 * they would have.
 *
 * The ranges anymmap keeps mapped live in a table that the handler reads
 * without locks: slots in chunks that are allocated once and never freed,
 * each slot's bounds written with atomic stores. Writers (any thread of the
 * process: Node workers share this library) serialize on a mutex, and reuse
 * freed slots from a free list, so tracking is O(1); only the handler scans.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "anymmap_native.h"

#define CHUNK_SLOTS 4096
#define MAX_CHUNKS  1024 /* 4 Mi slots: far more than vm.max_map_count */

struct slot {
  _Atomic uintptr_t start;
  _Atomic uintptr_t end;
  /* The lowest page zero-filled since the engine last asked, or UINTPTR_MAX. */
  _Atomic uintptr_t fault;
};

static struct slot *_Atomic chunks[MAX_CHUNKS];
/* Slots in use are below this; the handler scans up to it. */
static _Atomic int32_t high_water;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int32_t *free_slots;
static int32_t free_count, free_capacity;

/* Faults the handler absorbed, process-wide: engines compare it with what they last saw (a plain
 * memory read). */
static _Atomic uint32_t fault_counter[2];
static struct sigaction previous;
static uintptr_t page_mask;
static int installed;

static struct slot *slot_at(int32_t i) {
  struct slot *chunk = atomic_load(&chunks[i / CHUNK_SLOTS]);
  return chunk == NULL ? NULL : &chunk[i % CHUNK_SLOTS];
}

static int32_t find(uintptr_t addr) {
  int32_t n = atomic_load(&high_water);
  for (int32_t i = 0; i < n; i++) {
    struct slot *s = slot_at(i);
    if (s == NULL) continue;
    uintptr_t start = atomic_load(&s->start);
    if (start <= addr && addr < atomic_load(&s->end)) return i;
  }
  return -1;
}

/* What the process would have done without us. */
static void chain(int sig, siginfo_t *info, void *context) {
  if (previous.sa_flags & SA_SIGINFO) {
    if (previous.sa_sigaction != NULL) previous.sa_sigaction(sig, info, context);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(sig);
    return;
  }
  /*
   * Default action: reset it, and let the fault happen again on return
   * (a signal that kill() sent is raised again instead), which ends the
   * process with SIGBUS and a core dump, as without anymmap. SIG_IGN
   * cannot ignore a fault: the kernel kills the process too.
   */
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, NULL);
  if (info == NULL || info->si_code <= 0) raise(sig);
}

static void on_sigbus(int sig, siginfo_t *info, void *context) {
  int saved = errno;
  /* si_code > 0: the kernel's, for an access (not kill() or sigqueue()). */
  if (info != NULL && info->si_code > 0) {
    uintptr_t addr = (uintptr_t)info->si_addr;
    int32_t i = find(addr);
    if (i >= 0) {
      uintptr_t page = addr & page_mask;
      /* anymmap maps every page readable and writable (protection is enforced at its API). */
      void *p = mmap((void *)page, ~page_mask + 1, PROT_READ | PROT_WRITE,
                     MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p != MAP_FAILED) {
        struct slot *s = slot_at(i);
        uintptr_t low = atomic_load(&s->fault);
        while (page < low && !atomic_compare_exchange_weak(&s->fault, &low, page)) {
        }
        atomic_fetch_add(&fault_counter[0], 1);
        errno = saved;
        return;
      }
    }
  }
  errno = saved;
  chain(sig, info, context);
}

int64_t anymmap_native_guard(void) {
  int64_t result;
  pthread_mutex_lock(&lock);
  if (!installed) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_sigbus;
    /* SA_NODEFER: a fault in a handler we chain to is its own, not a blocked SIGBUS that would
     * kill. */
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTART;
    sigemptyset(&action.sa_mask);
    page_mask = ~((uintptr_t)sysconf(_SC_PAGESIZE) - 1);
    installed = sigaction(SIGBUS, &action, &previous) == 0;
  }
  result = installed ? (int64_t)(uintptr_t)fault_counter : -(int64_t)errno;
  pthread_mutex_unlock(&lock);
  return result;
}

int32_t anymmap_native_track(uint64_t addr, uint64_t len) {
  int32_t i;
  pthread_mutex_lock(&lock);
  if (free_count > 0)
    i = free_slots[--free_count];
  else {
    i = atomic_load(&high_water);
    if (i / CHUNK_SLOTS >= MAX_CHUNKS) {
      pthread_mutex_unlock(&lock);
      return -ENOMEM;
    }
    if (atomic_load(&chunks[i / CHUNK_SLOTS]) == NULL) {
      struct slot *chunk = calloc(CHUNK_SLOTS, sizeof *chunk);
      if (chunk == NULL) {
        pthread_mutex_unlock(&lock);
        return -ENOMEM;
      }
      atomic_store(&chunks[i / CHUNK_SLOTS], chunk);
    }
  }
  struct slot *s = slot_at(i);
  atomic_store(&s->fault, UINTPTR_MAX);
  atomic_store(&s->end, 0);
  atomic_store(&s->start, (uintptr_t)addr);
  atomic_store(&s->end, (uintptr_t)(addr + len));
  if (i >= atomic_load(&high_water)) atomic_store(&high_water, i + 1);
  pthread_mutex_unlock(&lock);
  return i;
}

static int valid(int32_t i) {
  return i >= 0 && i < atomic_load(&high_water) && slot_at(i) != NULL;
}

int32_t anymmap_native_retrack(int32_t i, uint64_t addr, uint64_t len) {
  if (!valid(i)) return -EINVAL;
  struct slot *s = slot_at(i);
  atomic_store(&s->end, 0);
  atomic_store(&s->start, (uintptr_t)addr);
  atomic_store(&s->end, (uintptr_t)(addr + len));
  return 0;
}

int32_t anymmap_native_untrack(int32_t i) {
  if (!valid(i)) return -EINVAL;
  struct slot *s = slot_at(i);
  pthread_mutex_lock(&lock);
  atomic_store(&s->end, 0);
  atomic_store(&s->start, 0);
  if (free_count == free_capacity) {
    int32_t capacity = free_capacity ? free_capacity * 2 : 1024;
    int32_t *grown = realloc(free_slots, (size_t)capacity * sizeof *grown);
    /* Without room in the free list the slot is only lost, not reused. */
    if (grown != NULL) {
      free_slots = grown;
      free_capacity = capacity;
    }
  }
  if (free_count < free_capacity) free_slots[free_count++] = i;
  pthread_mutex_unlock(&lock);
  return 0;
}

uint64_t anymmap_native_take_fault(int32_t i) {
  if (!valid(i)) return 0;
  uintptr_t page = atomic_exchange(&slot_at(i)->fault, UINTPTR_MAX);
  return page == UINTPTR_MAX ? 0 : (uint64_t)page;
}
