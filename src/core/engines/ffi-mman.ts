/**
 * The native calls over a plain foreign-function interface (Deno.dlopen,
 * bun:ffi) of the shared library built from native/anymmap_native.c: one
 * table of signatures, and the NativeMman that Deno and Bun share. The
 * runtime gives only dlopen's symbols and a zero-copy ArrayBuffer over an
 * address. Runtime-free; used by Deno (--allow-ffi) and Bun.
 */
import type { NativeMman, NativeReservation } from "./native-mman.js";
import { PLATFORMS, probeFlags } from "./platform.js";

/** Argument and result types of the library's functions; "pointer" is a Uint8Array passed by address. */
export type FfiType = "u64" | "i64" | "i32" | "pointer";

/** The library's functions and their C signatures (native/anymmap_native.h). */
export const NATIVE_SYMBOLS = {
  anymmap_native_mmap: { parameters: ["u64", "u64", "i32", "i32", "i32", "i64"], result: "i64" },
  anymmap_native_munmap: { parameters: ["u64", "u64"], result: "i32" },
  anymmap_native_msync: { parameters: ["u64", "u64", "i32"], result: "i32" },
  anymmap_native_madvise: { parameters: ["u64", "u64", "i32"], result: "i32" },
  anymmap_native_mincore: { parameters: ["u64", "u64", "pointer"], result: "i32" },
  anymmap_native_open: { parameters: ["pointer", "i32", "i32", "pointer"], result: "i32" },
  anymmap_native_close: { parameters: ["i32"], result: "i32" },
  anymmap_native_memfd: { parameters: [], result: "i32" },
  anymmap_native_dup: { parameters: ["i32"], result: "i32" },
  anymmap_native_dup_memfd: { parameters: ["i32"], result: "i32" },
  anymmap_native_access_mode: { parameters: ["i32"], result: "i32" },
  anymmap_native_pread: { parameters: ["i32", "pointer", "u64", "i64"], result: "i64" },
  anymmap_native_pwrite: { parameters: ["i32", "pointer", "u64", "i64"], result: "i64" },
  anymmap_native_ftruncate: { parameters: ["i32", "i64"], result: "i32" },
  anymmap_native_punch_hole: { parameters: ["i32", "i64", "i64"], result: "i32" },
  anymmap_native_fsync: { parameters: ["i32"], result: "i32" },
  anymmap_native_fsize: { parameters: ["i32"], result: "i64" },
  anymmap_native_identity: { parameters: ["i32", "pointer"], result: "i32" },
  anymmap_native_fd_limit: { parameters: [], result: "i64" },
  anymmap_native_lock: { parameters: ["i32", "i32", "i32", "i64", "i64", "i32"], result: "i32" },
  anymmap_native_getlk: { parameters: ["i32", "i32", "i64", "i64", "pointer"], result: "i32" },
  anymmap_native_guard: { parameters: [], result: "i64" },
  anymmap_native_track: { parameters: ["u64", "u64"], result: "i32" },
  anymmap_native_retrack: { parameters: ["i32", "u64", "u64"], result: "i32" },
  anymmap_native_untrack: { parameters: ["i32"], result: "i32" },
  anymmap_native_take_fault: { parameters: ["i32"], result: "u64" },
} as const satisfies Record<string, { parameters: readonly FfiType[]; result: FfiType }>;

/** What dlopen gives: a function per symbol; 64-bit results may come as bigint. */
export type FfiSymbols = {
  readonly [K in keyof typeof NATIVE_SYMBOLS]: (...args: Array<number | bigint | Uint8Array>) => number | bigint;
};

/** What a runtime with a plain FFI hands ffiMman. */
export interface FfiHost {
  readonly platform: string;
  readonly binding: string;
  readonly maxBuffer: number;
  readonly symbols: FfiSymbols;
  /** A zero-copy ArrayBuffer over [address, address+length), or a throw. */
  arrayBuffer(address: number, length: number): ArrayBuffer;
}

interface ReservationState {
  address: number;
  length: number;
  /** Its slot in the SIGBUS guard's table, or -1. */
  slot: number;
  released: boolean;
  /** The handle and the buffers that are not garbage yet. */
  refs: number;
}

interface DetachableBuffer extends ArrayBuffer {
  readonly detached: boolean;
  transfer(length: number): ArrayBuffer;
}

/**
 * The NativeMman of a plain FFI. Buffers are detached with
 * `ArrayBuffer.prototype.transfer(0)`, checked here once to really detach
 * (every view of the buffer then has length 0) before anything relies on it.
 */
export function ffiMman(host: FfiHost): NativeMman {
  const s = host.symbols;
  const num = (v: number | bigint): number => Number(v);
  const munmap = (address: number, length: number) => num(s.anymmap_native_munmap(BigInt(address), BigInt(length)));
  // Out of the SIGBUS guard's table before the pages go.
  const untrack = (state: ReservationState) => {
    if (state.slot >= 0) s.anymmap_native_untrack(state.slot);
    state.slot = -1;
  };
  const counter = num(s.anymmap_native_guard());
  if (counter <= 0) throw new Error(`${host.binding} cannot install the SIGBUS guard (errno ${-counter})`);
  const faultCounter = new Uint32Array(host.arrayBuffer(counter, 8));
  const detach = (buffer: ArrayBuffer): boolean => {
    const b = buffer as DetachableBuffer;
    if (!b.detached) b.transfer(0);
    return buffer.byteLength === 0;
  };
  // Unmaps a reservation that was never released once it and all its buffers are garbage.
  const registry = new FinalizationRegistry<ReservationState>((state) => {
    if (--state.refs > 0 || state.released) return;
    state.released = true;
    untrack(state);
    munmap(state.address, state.length);
  });
  const stateOf = new WeakMap<NativeReservation, ReservationState>();
  const encoder = new TextEncoder();
  // Where open's st_dev, st_ino and st_size go when the caller wants none of them.
  const openInfo = new Uint8Array(24);

  const mman: NativeMman = {
    platform: host.platform,
    binding: host.binding,
    maxBuffer: host.maxBuffer,
    mmap: (address, length, prot, flags, fd, offset) =>
      num(s.anymmap_native_mmap(BigInt(address), BigInt(length), prot, flags, fd, offset)),
    munmap,
    msync: (address, length, flags) => num(s.anymmap_native_msync(BigInt(address), BigInt(length), flags)),
    madvise: (address, length, advice) => num(s.anymmap_native_madvise(BigInt(address), BigInt(length), advice)),
    mincore: (address, length, vec) => num(s.anymmap_native_mincore(BigInt(address), BigInt(length), vec)),
    open: (path, flags, mode, info) =>
      info !== undefined && info.length < 24
        ? -22
        : num(s.anymmap_native_open(encoder.encode(`${path}\0`), flags, mode, info ?? openInfo)),
    close: (fd) => num(s.anymmap_native_close(fd)),
    memfd: () => num(s.anymmap_native_memfd()),
    dup: (fd) => num(s.anymmap_native_dup(fd)),
    dupMemfd: (fd) => num(s.anymmap_native_dup_memfd(fd)),
    accessMode: (fd) => num(s.anymmap_native_access_mode(fd)),
    pread: (fd, target, offset) => num(s.anymmap_native_pread(fd, target, BigInt(target.length), offset)),
    pwrite: (fd, source, offset) => num(s.anymmap_native_pwrite(fd, source, BigInt(source.length), offset)),
    ftruncate: (fd, length) => num(s.anymmap_native_ftruncate(fd, length)),
    punchHole: (fd, offset, length) => num(s.anymmap_native_punch_hole(fd, offset, length)),
    fsync: (fd) => num(s.anymmap_native_fsync(fd)),
    fsize: (fd) => num(s.anymmap_native_fsize(fd)),
    identity: (fd, out) => (out.length < 16 ? -22 : num(s.anymmap_native_identity(fd, out))),
    fdLimit: () => num(s.anymmap_native_fd_limit()),
    lock: (fd, kind, type, start, length, wait) =>
      num(s.anymmap_native_lock(fd, kind, type, start, length, wait ? 1 : 0)),
    getlk: (fd, type, start, length, out) =>
      out.length < 32 ? -22 : num(s.anymmap_native_getlk(fd, type, start, length, out)),
    faultCounter,
    takeFault(reservation) {
      const state = stateOf.get(reservation);
      return state && state.slot >= 0 ? num(s.anymmap_native_take_fault(state.slot)) : 0;
    },
    reserve(address, length) {
      const handle = {};
      const slot = num(s.anymmap_native_track(BigInt(address), BigInt(length)));
      if (slot < 0) throw new Error(`cannot track the mapping for the SIGBUS guard (errno ${-slot})`);
      const state = { address, length, slot, released: false, refs: 1 };
      stateOf.set(handle, state);
      registry.register(handle, state);
      return handle;
    },
    resize(reservation, length) {
      const state = stateOf.get(reservation);
      if (!state || state.released) return;
      state.length = length;
      if (state.slot >= 0) s.anymmap_native_retrack(state.slot, BigInt(state.address), BigInt(length));
    },
    buffer(reservation, address, length) {
      const state = stateOf.get(reservation);
      if (!state || state.released) throw new Error("the reservation was released");
      // A null pointer or memory outside the reservation is nothing anymmap keeps mapped.
      if (address === 0 || address < state.address || address + length > state.address + state.length) {
        throw new RangeError("the buffer's range is not inside the reservation");
      }
      const buffer = host.arrayBuffer(address, length);
      state.refs++;
      registry.register(buffer, state);
      return buffer;
    },
    release(reservation, buffers) {
      const state = stateOf.get(reservation);
      if (!state || state.released) return 0;
      // A buffer detached before we detach it was transferred (postMessage,
      // structuredClone): its new owner still points at these pages, so they
      // become zero pages for good instead of being unmapped and reused.
      const transferred = buffers.some((b) => (b as DetachableBuffer).detached);
      for (const b of buffers) if (!detach(b)) return -16;
      state.released = true;
      untrack(state);
      if (!transferred) return munmap(state.address, state.length);
      const zero = probeFlags(host.platform);
      const fixed = PLATFORMS[host.platform]!.MAP_FIXED | PLATFORMS[host.platform]!.MAP_NORESERVE;
      const at = num(
        s.anymmap_native_mmap(BigInt(state.address), BigInt(state.length), zero.prot, zero.flags | fixed, -1, 0n),
      );
      return Math.min(at, 0);
    },
  };

  // Does transfer(0) detach a buffer over mapped memory in this runtime? Find out before relying on it.
  const page = 4096;
  const probeMap = probeFlags(host.platform);
  const at = mman.mmap(0, page, probeMap.prot, probeMap.flags, -1, 0n);
  if (at < 0) throw new Error(`${host.binding} cannot map memory (errno ${-at})`);
  const probe = host.arrayBuffer(at, page);
  const view = new Uint8Array(probe);
  const detached = detach(probe) && view.length === 0;
  munmap(at, page);
  if (!detached)
    throw new Error(
      `ArrayBuffer.prototype.transfer(0) does not detach a buffer over mapped memory here; unmapping would leave views that crash`,
    );
  return mman;
}
