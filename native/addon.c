/*
 * Node's binding to anymmap_native.c: the mman calls, plus the external
 * ArrayBuffers that JavaScript sees mapped memory through.
 *
 * A reservation is an address range that anymmap keeps mapped (by a file,
 * anonymous memory or zero pages standing in for unmapped parts) for as long
 * as any ArrayBuffer over it may still be used. Whoever releases it last
 * unmaps it, exactly once: JavaScript by release() after detaching every
 * buffer, or the finalizers, when the buffers and the reservation handle are
 * all garbage without a release().
 */
#include <stdlib.h>
#include <node_api.h>

#include "anymmap_native.h"

struct reservation {
  uint64_t addr;
  uint64_t len;
  int refs;
  int released;
  /* Its slot in the SIGBUS guard's table, or -1. */
  int32_t slot;
};

/* Unmaps the range, out of the SIGBUS guard's table first. */
static int32_t unmap(struct reservation *r) {
  r->released = 1;
  if (r->slot >= 0) anymmap_native_untrack(r->slot);
  r->slot = -1;
  return anymmap_native_munmap(r->addr, r->len);
}

static void drop(struct reservation *r) {
  if (--r->refs > 0) return;
  if (!r->released) unmap(r);
  free(r);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  drop(data);
}

static void finalize_buffer(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  drop(hint);
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
  r->refs = 1;
  r->released = 0;
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
  if (r == NULL || r->released) return NULL;
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
  if (r == NULL || r->released) {
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
  r->refs++;
  if (napi_create_external_arraybuffer(env, (void *)(uintptr_t)addr, (size_t)len, finalize_buffer,
                                       r, &out) != napi_ok) {
    r->refs--;
    return NULL;
  }
  return out;
}

/*
 * release(reservation, buffers): detaches every buffer (their views read
 * length 0 from now on), then unmaps the range. Returns 0 or -errno.
 */
static napi_value js_release(napi_env env, napi_callback_info info) {
  ARGS(2)
  struct reservation *r = reservation(env, argv[0]);
  uint32_t n = 0;
  if (r == NULL || r->released) return num(env, 0);
  napi_get_array_length(env, argv[1], &n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value buffer;
    bool detachable = false;
    napi_get_element(env, argv[1], i, &buffer);
    napi_is_detached_arraybuffer(env, buffer, &detachable);
    if (!detachable && napi_detach_arraybuffer(env, buffer) != napi_ok) return num(env, -16);
  }
  return num(env, unmap(r));
}

NAPI_MODULE_INIT() {
  static const struct {
    const char *name;
    napi_callback cb;
  } calls[] = {
      {"mmap", js_mmap},
      {"munmap", js_munmap},
      {"msync", js_msync},
      {"madvise", js_madvise},
      {"mincore", js_mincore},
      {"open", js_open},
      {"close", js_close},
      {"dup", js_dup},
      {"dupMemfd", js_dup_memfd},
      {"accessMode", js_access_mode},
      {"pread", js_pread},
      {"pwrite", js_pwrite},
      {"ftruncate", js_ftruncate},
      {"punchHole", js_punch_hole},
      {"fsync", js_fsync},
      {"fsize", js_fsize},
      {"pageSize", js_page_size},
      {"memfd", js_memfd},
      {"reserve", js_reserve},
      {"resize", js_resize},
      {"buffer", js_buffer},
      {"release", js_release},
      {"takeFault", js_take_fault},
      {"identity", js_identity},
      {"fdLimit", js_fd_limit},
      {"lock", js_lock},
      {"getlk", js_getlk},
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
