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
  anymmap_native_stop_signals: { parameters: ["i32"], result: "i64" },
  anymmap_native_die_of: { parameters: ["i32"], result: "i32" },
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
  /** "zombie": released, its pages zero pages kept for stale views (release()). */
  state: "live" | "zombie" | "gone";
  /** The handle is not garbage yet. */
  handle: boolean;
  /** Buffers made over it that are not garbage yet. */
  buffers: number;
  /** The lowest start and highest end of the buffers ever made over it: all that stale views can reach. */
  low: number;
  high: number;
  /** A zombie's buffers, held so that evict() can see whether one was transferred. */
  kept?: ArrayBuffer[];
}

/**
 * Released ranges kept as zero pages for stale views (zombies). Unlike
 * Node's addon, whose buffer finalizers follow the memory wherever a buffer
 * is transferred, a FinalizationRegistry here sees only the buffer object a
 * transfer leaves detached, not the new one that still points at the pages:
 * a zombie is never unmapped on garbage collection, only by evict() (after
 * checking that none of its buffers was transferred). These caps bound what
 * zombies hold (a VMA each, address space, their buffer objects); past them
 * release() detaches and unmaps as before.
 */
const ZOMBIE_MAX_COUNT = 1024;
const ZOMBIE_MAX_BYTES = 256 * 2 ** 30;
const ZOMBIE_MAX_BUFFERS = 65536;

interface DetachableBuffer extends ArrayBuffer {
  readonly detached: boolean;
  transfer(length: number): ArrayBuffer;
}

/**
 * The NativeMman of a plain FFI. A released range that buffers were made
 * over becomes zero pages until they are garbage (release()); buffers are
 * detached, with `ArrayBuffer.prototype.transfer(0)`, only past the zombie
 * caps or before a fixed mapping over such a range (evict()), and a buffer
 * that does not detach leaves its pages zero pages for good.
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
  const zombies = new Set<ReservationState>();
  let zombieBytes = 0;
  let zombieBuffers = 0;
  const unmap = (state: ReservationState): number => {
    if (state.state === "zombie") {
      zombies.delete(state);
      zombieBytes -= state.length;
      zombieBuffers -= state.kept!.length;
      state.kept = undefined;
    }
    state.state = "gone";
    untrack(state);
    return munmap(state.address, state.length);
  };
  const platform = PLATFORMS[host.platform]!;
  // The pages buffers were made over: all that stale views can reach.
  const buffered = (state: ReservationState): { low: number; high: number } => {
    const page = platform.pageSize;
    return {
      low: Math.max(state.address, Math.floor(state.low / page) * page),
      high: Math.min(state.address + state.length, Math.ceil(state.high / page) * page),
    };
  };
  /**
   * Private zero pages over the pages buffers were made over, what stale
   * views read once the mapping is gone; the rest of the range is unmapped
   * now, as munmap would (a view of the last page of a 3 GiB window keeps
   * 64 KiB of zero pages, not 3 GiB, and counts 64 KiB against the caps).
   * The reservation shrinks to those pages.
   */
  const zeroFill = (state: ReservationState): number => {
    const zero = probeFlags(host.platform);
    const { low, high } = buffered(state);
    const end = state.address + state.length;
    const fixed = platform.MAP_FIXED | platform.MAP_NORESERVE;
    const at = num(s.anymmap_native_mmap(BigInt(low), BigInt(high - low), zero.prot, zero.flags | fixed, -1, 0n));
    if (at < 0) return at;
    const before = low > state.address ? munmap(state.address, low - state.address) : 0;
    const after = high < end ? munmap(high, end - high) : 0;
    state.address = low;
    state.length = high - low;
    return Math.min(before, after, 0);
  };
  // Unmaps a reservation never released once its handle and its buffers are garbage.
  const settle = (state: ReservationState) => {
    if (state.buffers === 0 && state.state === "live" && !state.handle) unmap(state);
  };
  const handles = new FinalizationRegistry<ReservationState>((state) => {
    state.handle = false;
    settle(state);
  });
  const registry = new FinalizationRegistry<ReservationState>((state) => {
    state.buffers--;
    settle(state);
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
    stopSignals(graceMs) {
      const cell = num(s.anymmap_native_stop_signals(graceMs));
      if (cell <= 0) throw new Error(`${host.binding} cannot catch SIGINT and SIGTERM (errno ${-cell})`);
      return new Int32Array(host.arrayBuffer(cell, 8), 0, 1);
    },
    dieOf: (signal) => void s.anymmap_native_die_of(signal),
    takeFault(reservation) {
      const state = stateOf.get(reservation);
      return state && state.slot >= 0 ? num(s.anymmap_native_take_fault(state.slot)) : 0;
    },
    reserve(address, length) {
      const handle = {};
      const slot = num(s.anymmap_native_track(BigInt(address), BigInt(length)));
      if (slot < 0) throw new Error(`cannot track the mapping for the SIGBUS guard (errno ${-slot})`);
      const state: ReservationState = {
        address,
        length,
        slot,
        state: "live",
        handle: true,
        buffers: 0,
        low: Number.POSITIVE_INFINITY,
        high: 0,
      };
      stateOf.set(handle, state);
      handles.register(handle, state);
      return handle;
    },
    resize(reservation, length) {
      const state = stateOf.get(reservation);
      if (state?.state !== "live") return;
      state.length = length;
      if (state.slot >= 0) s.anymmap_native_retrack(state.slot, BigInt(state.address), BigInt(length));
    },
    buffer(reservation, address, length) {
      const state = stateOf.get(reservation);
      if (state?.state !== "live") throw new Error("the reservation was released");
      // A null pointer or memory outside the reservation is nothing anymmap keeps mapped.
      if (address === 0 || address < state.address || address + length > state.address + state.length) {
        throw new RangeError("the buffer's range is not inside the reservation");
      }
      const buffer = host.arrayBuffer(address, length);
      state.buffers++;
      state.low = Math.min(state.low, address);
      state.high = Math.max(state.high, address + length);
      registry.register(buffer, state);
      return buffer;
    },
    release(reservation, buffers) {
      const state = stateOf.get(reservation);
      if (state?.state !== "live") return 0;
      if (state.buffers === 0) return unmap(state);
      // A buffer detached before we would detach it was transferred (postMessage,
      // structuredClone): its new owner still points at these pages and no
      // finalizer here sees it, so they become zero pages for good.
      const transferred = buffers.some((b) => (b as DetachableBuffer).detached);
      const kept = buffered(state);
      if (kept.high <= kept.low) return unmap(state);
      if (
        !transferred &&
        zombies.size < ZOMBIE_MAX_COUNT &&
        zombieBytes + kept.high - kept.low <= ZOMBIE_MAX_BYTES &&
        zombieBuffers + buffers.length <= ZOMBIE_MAX_BUFFERS &&
        zeroFill(state) === 0
      ) {
        untrack(state);
        state.state = "zombie";
        state.kept = [...buffers];
        zombies.add(state);
        zombieBytes += state.length;
        zombieBuffers += buffers.length;
        return 1;
      }
      if (transferred || !buffers.every(detach)) {
        const err = zeroFill(state);
        if (err < 0) return err;
        state.state = "gone";
        untrack(state);
        return 1;
      }
      return unmap(state);
    },
    evict(address, length) {
      let evicted = 0;
      for (const state of zombies) {
        if (state.address >= address + length || state.address + state.length <= address) continue;
        // A buffer transferred since (detached here) has a new owner on these pages: they stay.
        if (state.kept!.some((b) => (b as DetachableBuffer).detached)) return -16;
        if (!state.kept!.every(detach)) return -16;
        const err = unmap(state);
        if (err < 0) return err;
        evicted++;
      }
      return evicted;
    },
  };

  return mman;
}
