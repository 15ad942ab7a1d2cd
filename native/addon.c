/*
 * Node's binding to anymmap_native.c: the mman calls, plus the external
 * ArrayBuffers that JavaScript sees mapped memory through.
 *
 * A reservation is an address range that anymmap keeps mapped (by a file,
 * anonymous memory or zero pages standing in for unmapped parts) for as long
 * as any ArrayBuffer over it may still be used. release() ends the mapping:
 * a range no buffer was made over is unmapped at once; otherwise its pages
 * become private zero pages and the range stays reserved (a "zombie") until
 * the garbage collector has finalized every buffer over it, so that a stale
 * view keeps its length, reads zeros and never reaches the file or another
 * mapping. Buffers are not detached: detaching any ArrayBuffer invalidates
 * V8's process-wide detaching protector, after which optimized code checks
 * every typed-array access for detachment (1.4-1.6x slower scans). Only
 * evict() (a MAP_FIXED over a zombie) and a release beyond the zombie caps
 * detach. Without a release, the finalizers unmap the range once the
 * handle and the buffers are all garbage.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <node_api.h>

#include "anymmap_native.h"

/*
 * Zombies hold a kernel VMA each (vm.max_map_count is 65530 by default) and
 * address space until the garbage collector runs, which a synchronous loop
 * never lets happen: past these caps (process-wide) release() detaches and
 * unmaps as before.
 */
#define ZOMBIE_MAX_COUNT 1024
#define ZOMBIE_MAX_BYTES ((int64_t)256 << 30)
static _Atomic int64_t zombie_count;
static _Atomic int64_t zombie_bytes;

enum { LIVE, ZOMBIE, GONE };

struct reservation;

/* Per Node environment (main thread or worker): its zombies, which only it can detach. */
struct env_state {
  struct reservation *zombies;
};

struct reservation {
  uint64_t addr;
  uint64_t len;
  /* The JavaScript handle is not garbage yet. */
  int handle;
  /* Buffers made over the range whose finalizer has not run yet. */
  int buffers;
  /* The lowest start and highest end of the buffers ever made over it: all that stale views can
   * reach. */
  uint64_t low, high;
  int state;
  /* Its slot in the SIGBUS guard's table, or -1. */
  int32_t slot;
  struct env_state *owner;
  /* A zombie's neighbours in owner->zombies, and weak references to its buffers (for evict). */
  struct reservation *prev, *next;
  napi_ref *weak;
  uint32_t weak_count;
};

static void unlink_zombie(napi_env env, struct reservation *r) {
  if (r->prev != NULL)
    r->prev->next = r->next;
  else if (r->owner != NULL)
    r->owner->zombies = r->next;
  if (r->next != NULL) r->next->prev = r->prev;
  r->prev = r->next = NULL;
  for (uint32_t i = 0; i < r->weak_count; i++) napi_delete_reference(env, r->weak[i]);
  free(r->weak);
  r->weak = NULL;
  r->weak_count = 0;
  atomic_fetch_sub(&zombie_count, 1);
  atomic_fetch_sub(&zombie_bytes, (int64_t)r->len);
}

/* Unmaps the range, exactly once: out of the SIGBUS guard's table (or the zombie list) first. */
static int32_t unmap(napi_env env, struct reservation *r) {
  if (r->state == ZOMBIE) unlink_zombie(env, r);
  r->state = GONE;
  if (r->slot >= 0) anymmap_native_untrack(r->slot);
  r->slot = -1;
  return anymmap_native_munmap(r->addr, r->len);
}

/* After a handle or a buffer became garbage: unmap what nothing can reach any more, free what
 * nothing refers to. */
static void settle(napi_env env, struct reservation *r) {
  if (r->buffers == 0 && (r->state == ZOMBIE || (r->state == LIVE && !r->handle))) unmap(env, r);
  if (!r->handle && r->buffers == 0) free(r);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)hint;
  struct reservation *r = data;
  r->handle = 0;
  settle(env, r);
}

/* V8 collects garbage each time its external memory count grows by 64 MiB (js_buffer). */
#define UNCOUNTED_BUFFER_MAX ((uint64_t)64 << 20)

/* What a buffer's finalizer needs: its reservation, and what js_buffer took off V8's count. */
struct buffer_hint {
  struct reservation *r;
  int64_t len;
};

static void finalize_buffer(napi_env env, void *data, void *hint) {
  (void)data;
  struct buffer_hint *h = hint;
  struct reservation *r = h->r;
  int64_t adjusted;
  /* V8 takes the buffer's length off its external memory as it frees it: give back what
   * js_buffer took off, so that the count ends where it started. */
  if (h->len > 0) napi_adjust_external_memory(env, h->len, &adjusted);
  free(h);
  r->buffers--;
  settle(env, r);
}

#define ARGS(n)                       \
  size_t argc = (n);                  \
  napi_value argv[(n) > 0 ? (n) : 1]; \
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;

static int64_t i64(napi_env env, napi_value v) {
  int64_t out = 0;
  bool lossless;
  if (napi_get_value_bigint_int64(env, v, &out, &lossless) == napi_ok) return out;
  napi_get_value_int64(env, v, &out);
  return out;
}

static int32_t i32(napi_env env, napi_value v) {
  int32_t out = 0;
  napi_get_value_int32(env, v, &out);
  return out;
}

static bool truthy(napi_env env, napi_value v) {
  napi_value b;
  bool out = false;
  if (napi_coerce_to_bool(env, v, &b) == napi_ok) napi_get_value_bool(env, b, &out);
  return out;
}

static napi_value num(napi_env env, int64_t v) {
  napi_value out;
  napi_create_int64(env, v, &out);
  return out;
}

static uint8_t *bytes(napi_env env, napi_value v, size_t *length) {
  void *data = NULL;
  *length = 0;
  napi_get_typedarray_info(env, v, NULL, length, &data, NULL, NULL);
  return data;
}

static struct reservation *reservation(napi_env env, napi_value v) {
  void *data = NULL;
  napi_get_value_external(env, v, &data);
  return data;
}

static napi_value js_mmap(napi_env env, napi_callback_info info) {
  ARGS(6)
  return num(env, anymmap_native_mmap((uint64_t)i64(env, argv[0]), (uint64_t)i64(env, argv[1]),
                                      i32(env, argv[2]), i32(env, argv[3]), i32(env, argv[4]),
                                      i64(env, argv[5])));
}

static napi_value js_munmap(napi_env env, napi_callback_info info) {
  ARGS(2)
  return num(env, anymmap_native_munmap((uint64_t)i64(env, argv[0]), (uint64_t)i64(env, argv[1])));
}

static napi_value js_msync(napi_env env, napi_callback_info info) {
  ARGS(3)
  return num(env, anymmap_native_msync((uint64_t)i64(env, argv[0]), (uint64_t)i64(env, argv[1]),
                                       i32(env, argv[2])));
}

static napi_value js_madvise(napi_env env, napi_callback_info info) {
  ARGS(3)
  return num(env, anymmap_native_madvise((uint64_t)i64(env, argv[0]), (uint64_t)i64(env, argv[1]),
                                         i32(env, argv[2])));
}

static napi_value js_mincore(napi_env env, napi_callback_info info) {
  ARGS(3)
  size_t n;
  uint8_t *vec = bytes(env, argv[2], &n);
  uint64_t len = (uint64_t)i64(env, argv[1]);
  if (vec == NULL || n < (len + 4095) / 4096) return num(env, -22);
  return num(env, anymmap_native_mincore((uint64_t)i64(env, argv[0]), len, vec));
}

/* open(path, flags, mode, info?): info (a Uint8Array of 24 bytes) receives st_dev, st_ino, st_size.
 */
static napi_value js_open(napi_env env, napi_callback_info info) {
  ARGS(4)
  size_t n = 0;
  size_t info_length = 0;
  uint8_t *out = argc > 3 ? bytes(env, argv[3], &info_length) : NULL;
  if (out != NULL && info_length < 24) return num(env, -22);
  if (napi_get_value_string_utf8(env, argv[0], NULL, 0, &n) != napi_ok) return num(env, -22);
  char *path = malloc(n + 1);
  if (path == NULL) return num(env, -12);
  napi_get_value_string_utf8(env, argv[0], path, n + 1, &n);
  int32_t fd = anymmap_native_open(path, i32(env, argv[1]), i32(env, argv[2]), out);
  free(path);
  return num(env, fd);
}

/* The calls that take a descriptor only. */
#define FD_CALL(name, call)                                       \
  static napi_value name(napi_env env, napi_callback_info info) { \
    ARGS(1)                                                       \
    return num(env, call(i32(env, argv[0])));                     \
  }
FD_CALL(js_close, anymmap_native_close)
FD_CALL(js_dup, anymmap_native_dup)
FD_CALL(js_dup_memfd, anymmap_native_dup_memfd)
FD_CALL(js_access_mode, anymmap_native_access_mode)
FD_CALL(js_fsync, anymmap_native_fsync)
FD_CALL(js_fsize, anymmap_native_fsize)

static napi_value js_pread(napi_env env, napi_callback_info info) {
  ARGS(3)
  size_t n;
  uint8_t *buf = bytes(env, argv[1], &n);
  return num(env, anymmap_native_pread(i32(env, argv[0]), buf, n, i64(env, argv[2])));
}

static napi_value js_pwrite(napi_env env, napi_callback_info info) {
  ARGS(3)
  size_t n;
  uint8_t *buf = bytes(env, argv[1], &n);
  return num(env, anymmap_native_pwrite(i32(env, argv[0]), buf, n, i64(env, argv[2])));
}

static napi_value js_ftruncate(napi_env env, napi_callback_info info) {
  ARGS(2)
  return num(env, anymmap_native_ftruncate(i32(env, argv[0]), i64(env, argv[1])));
}

static napi_value js_punch_hole(napi_env env, napi_callback_info info) {
  ARGS(3)
  return num(env,
             anymmap_native_punch_hole(i32(env, argv[0]), i64(env, argv[1]), i64(env, argv[2])));
}

static napi_value js_identity(napi_env env, napi_callback_info info) {
  ARGS(2)
  size_t n;
  uint8_t *out = bytes(env, argv[1], &n);
  if (out == NULL || n < 16) return num(env, -22);
  return num(env, anymmap_native_identity(i32(env, argv[0]), out));
}

static napi_value js_lock(napi_env env, napi_callback_info info) {
  ARGS(6)
  return num(env, anymmap_native_lock(i32(env, argv[0]), i32(env, argv[1]), i32(env, argv[2]),
                                      i64(env, argv[3]), i64(env, argv[4]), truthy(env, argv[5])));
}

static napi_value js_getlk(napi_env env, napi_callback_info info) {
  ARGS(5)
  size_t n;
  uint8_t *out = bytes(env, argv[4], &n);
  if (out == NULL || n < 32) return num(env, -22);
  return num(env, anymmap_native_getlk(i32(env, argv[0]), i32(env, argv[1]), i64(env, argv[2]),
                                       i64(env, argv[3]), out));
}

static napi_value js_fd_limit(napi_env env, napi_callback_info info) {
  (void)info;
  return num(env, anymmap_native_fd_limit());
}

static napi_value js_page_size(napi_env env, napi_callback_info info) {
  (void)info;
  return num(env, anymmap_native_page_size());
}

static napi_value js_memfd(napi_env env, napi_callback_info info) {
  (void)info;
  return num(env, anymmap_native_memfd());
}

/* reserve(addr, len): the handle of a range that stays mapped while buffers may use it. */
static napi_value js_reserve(napi_env env, napi_callback_info info) {
  ARGS(2)
  struct reservation *r = malloc(sizeof *r);
  napi_value out;
  if (r == NULL) return NULL;
  r->addr = (uint64_t)i64(env, argv[0]);
  r->len = (uint64_t)i64(env, argv[1]);
  r->handle = 1;
  r->buffers = 0;
  r->low = UINT64_MAX;
  r->high = 0;
  r->state = LIVE;
  r->owner = NULL;
  napi_get_instance_data(env, (void **)&r->owner);
  r->prev = r->next = NULL;
  r->weak = NULL;
  r->weak_count = 0;
  r->slot = anymmap_native_track(r->addr, r->len);
  if (r->slot < 0 || napi_create_external(env, r, finalize_handle, NULL, &out) != napi_ok) {
    if (r->slot >= 0) anymmap_native_untrack(r->slot);
    free(r);
    napi_throw_error(env, "ENOMEM", "cannot track the mapping for the SIGBUS guard");
    return NULL;
  }
  return out;
}

/* resize(reservation, len): the range grew (or shrank) in place. */
static napi_value js_resize(napi_env env, napi_callback_info info) {
  ARGS(2)
  struct reservation *r = reservation(env, argv[0]);
  if (r == NULL || r->state != LIVE) return NULL;
  r->len = (uint64_t)i64(env, argv[1]);
  if (r->slot >= 0) anymmap_native_retrack(r->slot, r->addr, r->len);
  return NULL;
}

/* takeFault(reservation): the lowest page the SIGBUS guard zero-filled in it since the last call,
 * or 0. */
static napi_value js_take_fault(napi_env env, napi_callback_info info) {
  ARGS(1)
  struct reservation *r = reservation(env, argv[0]);
  if (r == NULL || r->slot < 0) return num(env, 0);
  return num(env, (int64_t)anymmap_native_take_fault(r->slot));
}

/* buffer(reservation, addr, len): an ArrayBuffer over [addr, addr+len), zero-copy. */
static napi_value js_buffer(napi_env env, napi_callback_info info) {
  ARGS(3)
  struct reservation *r = reservation(env, argv[0]);
  uint64_t addr = (uint64_t)i64(env, argv[1]);
  uint64_t len = (uint64_t)i64(env, argv[2]);
  napi_value out;
  if (r == NULL || r->state != LIVE) {
    napi_throw_error(env, "EINVAL", "the reservation was released");
    return NULL;
  }
  /*
   * Node aborts the process on a null pointer with a length, and a range
   * outside the reservation would be memory that anymmap does not keep
   * mapped: refuse both with an exception.
   */
  if (addr == 0 || addr < r->addr || len > r->len || addr - r->addr > r->len - len) {
    napi_throw_range_error(env, "EINVAL", "the buffer's range is not inside the reservation");
    return NULL;
  }
  struct buffer_hint *h = malloc(sizeof *h);
  if (h == NULL) {
    napi_throw_error(env, "ENOMEM", "no memory for a buffer's bookkeeping");
    return NULL;
  }
  h->r = r;
  /*
   * V8 counts the buffer's length as fresh external memory and collects
   * garbage each time that count has grown by 64 MiB: for mapped pages that
   * is wasted work (collecting can never free them; only munmap does), and
   * random page views, one 64 KiB buffer each, reached it every thousand
   * views. Taken off right after (and given back when the buffer is freed,
   * as V8 takes it off), the count stays where it was. A buffer of 64 MiB
   * or more sets off its collection as it is made whatever is done after,
   * so it stays counted.
   */
  h->len = len < UNCOUNTED_BUFFER_MAX ? (int64_t)len : 0;
  r->buffers++;
  if (addr < r->low) r->low = addr;
  if (addr + len > r->high) r->high = addr + len;
  if (napi_create_external_arraybuffer(env, (void *)(uintptr_t)addr, (size_t)len, finalize_buffer,
                                       h, &out) != napi_ok) {
    r->buffers--;
    free(h);
    return NULL;
  }
  int64_t adjusted;
  if (h->len > 0) napi_adjust_external_memory(env, -h->len, &adjusted);
  return out;
}

/* Detaches every buffer of the array that is not detached yet; false if one cannot be. */
static bool detach_all(napi_env env, napi_value buffers) {
  uint32_t n = 0;
  napi_get_array_length(env, buffers, &n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value buffer;
    bool detached = false;
    napi_get_element(env, buffers, i, &buffer);
    napi_is_detached_arraybuffer(env, buffer, &detached);
    if (!detached && napi_detach_arraybuffer(env, buffer) != napi_ok) return false;
  }
  return true;
}

/* The pages buffers were made over, page-rounded inside the range. */
static void buffered(const struct reservation *r, uint64_t *low, uint64_t *high) {
  uint64_t page = (uint64_t)anymmap_native_page_size();
  *low = r->low / page * page;
  *high = (r->high + page - 1) / page * page;
  if (*low < r->addr) *low = r->addr;
  if (*high > r->addr + r->len) *high = r->addr + r->len;
}

/*
 * Private zero pages over the pages buffers were made over, what stale views
 * read once the file's pages are gone; the rest of the range is unmapped now,
 * as munmap would (a view of the last page of a 3 GiB window keeps 64 KiB of
 * zero pages, not 3 GiB, and counts 64 KiB against the caps). The
 * reservation shrinks to those pages.
 */
static int32_t zero_fill(struct reservation *r) {
  uint64_t low, high, end = r->addr + r->len;
  buffered(r, &low, &high);
  void *p = mmap((void *)(uintptr_t)low, (size_t)(high - low), PROT_READ | PROT_WRITE,
                 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return -1;
  int32_t before = low > r->addr ? anymmap_native_munmap(r->addr, low - r->addr) : 0;
  int32_t after = high < end ? anymmap_native_munmap(high, end - high) : 0;
  r->addr = low;
  r->len = high - low;
  return before < 0 || after < 0 ? -1 : 0;
}

/* Makes r a zombie: zero pages until its buffers (weakly referenced here, for evict) are garbage.
 */
static void bury(napi_env env, struct reservation *r, napi_value buffers) {
  uint32_t n = 0;
  napi_get_array_length(env, buffers, &n);
  r->weak = n > 0 ? malloc(n * sizeof *r->weak) : NULL;
  r->weak_count = 0;
  for (uint32_t i = 0; r->weak != NULL && i < n; i++) {
    napi_value buffer;
    if (napi_get_element(env, buffers, i, &buffer) == napi_ok &&
        napi_create_reference(env, buffer, 0, &r->weak[r->weak_count]) == napi_ok)
      r->weak_count++;
  }
  if (r->slot >= 0) anymmap_native_untrack(r->slot);
  r->slot = -1;
  r->state = ZOMBIE;
  r->next = r->owner->zombies;
  if (r->next != NULL) r->next->prev = r;
  r->owner->zombies = r;
  atomic_fetch_add(&zombie_count, 1);
  atomic_fetch_add(&zombie_bytes, (int64_t)r->len);
}

/*
 * release(reservation, buffers): ends the mapping. With no buffer alive the
 * range is unmapped (returns 0). Otherwise it becomes zero pages kept until
 * every buffer is garbage (returns 1): stale views keep their length, read
 * zeros, and what they write stays in those pages. Beyond the zombie caps,
 * or if zero pages cannot be mapped, every buffer is detached (views read
 * length 0) and the range unmapped (0). Returns -errno on failure.
 */
static napi_value js_release(napi_env env, napi_callback_info info) {
  ARGS(2)
  struct reservation *r = reservation(env, argv[0]);
  if (r == NULL || r->state != LIVE) return num(env, 0);
  if (r->buffers == 0) return num(env, unmap(env, r));
  uint64_t low, high;
  buffered(r, &low, &high);
  if (high <= low) return num(env, unmap(env, r));
  if (r->owner != NULL && atomic_load(&zombie_count) < ZOMBIE_MAX_COUNT &&
      atomic_load(&zombie_bytes) + (int64_t)(high - low) <= ZOMBIE_MAX_BYTES && zero_fill(r) == 0) {
    bury(env, r, argv[1]);
    return num(env, 1);
  }
  if (!detach_all(env, argv[1])) {
    /* A buffer that cannot be detached must never see another mapping: zero pages for good. */
    if (zero_fill(r) != 0) return num(env, -16);
    if (r->slot >= 0) anymmap_native_untrack(r->slot);
    r->slot = -1;
    r->state = GONE;
    return num(env, 1);
  }
  return num(env, unmap(env, r));
}

/*
 * evict(address, length): before anything is mapped at a fixed address in
 * [address, address+length), detaches the buffers of every zombie there
 * that are still alive, and unmaps it. Returns how many were evicted, or
 * -EBUSY if a buffer could not be detached (nothing may be mapped there).
 */
static napi_value js_evict(napi_env env, napi_callback_info info) {
  ARGS(2)
  uint64_t a = (uint64_t)i64(env, argv[0]);
  uint64_t b = a + (uint64_t)i64(env, argv[1]);
  struct env_state *state = NULL;
  int64_t evicted = 0;
  napi_get_instance_data(env, (void **)&state);
  if (state == NULL) return num(env, 0);
  for (struct reservation *r = state->zombies, *next; r != NULL; r = next) {
    next = r->next;
    if (r->addr >= b || r->addr + r->len <= a) continue;
    for (uint32_t i = 0; i < r->weak_count; i++) {
      napi_value buffer = NULL;
      bool detached = false;
      if (napi_get_reference_value(env, r->weak[i], &buffer) != napi_ok || buffer == NULL) continue;
      napi_is_detached_arraybuffer(env, buffer, &detached);
      if (!detached && napi_detach_arraybuffer(env, buffer) != napi_ok) return num(env, -16);
    }
    int32_t err = unmap(env, r);
    if (err < 0) return num(env, err);
    evicted++;
  }
  return num(env, evicted);
}

static void finalize_env(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  struct env_state *state = data;
  /* Zombies left at the environment's end stay mapped until their buffers are finalized, if ever;
   * they outlive the list (and the weak references, which go with the environment). */
  for (struct reservation *r = state->zombies, *next; r != NULL; r = next) {
    next = r->next;
    free(r->weak);
    r->weak = NULL;
    r->weak_count = 0;
    r->owner = NULL;
    r->prev = r->next = NULL;
  }
  free(state);
}

NAPI_MODULE_INIT() {
  struct env_state *state = calloc(1, sizeof *state);
  if (state == NULL || napi_set_instance_data(env, state, finalize_env, NULL) != napi_ok) {
    free(state);
    state = NULL;
  }
  static const struct {
    const char *name;
    napi_callback cb;
  } calls[] = {
      {"mmap", js_mmap},           {"munmap", js_munmap},
      {"msync", js_msync},         {"madvise", js_madvise},
      {"mincore", js_mincore},     {"open", js_open},
      {"close", js_close},         {"dup", js_dup},
      {"dupMemfd", js_dup_memfd},  {"accessMode", js_access_mode},
      {"pread", js_pread},         {"pwrite", js_pwrite},
      {"ftruncate", js_ftruncate}, {"punchHole", js_punch_hole},
      {"fsync", js_fsync},         {"fsize", js_fsize},
      {"pageSize", js_page_size},  {"memfd", js_memfd},
      {"reserve", js_reserve},     {"resize", js_resize},
      {"buffer", js_buffer},       {"release", js_release},
      {"evict", js_evict},         {"takeFault", js_take_fault},
      {"identity", js_identity},   {"fdLimit", js_fd_limit},
      {"lock", js_lock},           {"getlk", js_getlk},
  };
  for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
    napi_value fn;
    napi_create_function(env, calls[i].name, NAPI_AUTO_LENGTH, calls[i].cb, NULL, &fn);
    napi_set_named_property(env, exports, calls[i].name, fn);
  }
  /* The SIGBUS guard, once per process; its fault count as a buffer JavaScript reads without a
   * call. */
  int64_t counter = anymmap_native_guard();
  napi_value guard;
  if (counter > 0 && napi_create_external_arraybuffer(env, (void *)(uintptr_t)counter, 8, NULL,
                                                      NULL, &guard) == napi_ok) {
    napi_set_named_property(env, exports, "faultCounter", guard);
  }
  return exports;
}
