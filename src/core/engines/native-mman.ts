/**
 * What a runtime adapter hands the native engine: the operating system's
 * calls, reached through the runtime's own foreign-function interface
 * (N-API in Node, Deno.dlopen, bun:ffi). Every call returns its result or a
 * negated errno of the OS; addresses and lengths are exact integers below
 * 2^53, file offsets are BigInt so that offsets past 4 GiB reach the kernel
 * exactly. Implemented in Node, Deno (with --allow-ffi) and Bun.
 */
export interface NativeMman {
  /** `process.platform`-style name of the OS: a key of PLATFORMS. */
  readonly platform: string;
  /** How the calls are reached, for info(): "N-API addon", "Deno FFI", "bun:ffi". */
  readonly binding: string;
  /** The largest ArrayBuffer the runtime can make over mapped memory. */
  readonly maxBuffer: number;
  mmap(address: number, length: number, prot: number, flags: number, fd: number, offset: bigint): number;
  munmap(address: number, length: number): number;
  msync(address: number, length: number, flags: number): number;
  madvise(address: number, length: number, advice: number): number;
  /** Fills `vec` with one byte per page. */
  mincore(address: number, length: number, vec: Uint8Array): number;
  /** `info`, when given (24 bytes), receives st_dev, st_ino and st_size as three native-endian uint64s. */
  open(path: string, flags: number, mode: number, info?: Uint8Array): number;
  close(fd: number): number;
  /** A new anonymous shared memory object (memfd_create), empty: what MAP_SHARED|MAP_ANONYMOUS maps, so that workers can map it too. */
  memfd(): number;
  dup(fd: number): number;
  /** dup of a memfd made by memfd(), else -EBADF: what a share handle may name. */
  dupMemfd(fd: number): number;
  /** The descriptor's access mode and O_APPEND bits (fcntl F_GETFL). */
  accessMode(fd: number): number;
  pread(fd: number, target: Uint8Array, offset: bigint): number;
  pwrite(fd: number, source: Uint8Array, offset: bigint): number;
  ftruncate(fd: number, length: bigint): number;
  /** fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE): the range reads as zeros again. */
  punchHole(fd: number, offset: bigint, length: bigint): number;
  fsync(fd: number): number;
  /** st_size, or a negated errno. */
  fsize(fd: number): number;
  /** Writes st_dev and st_ino (two native-endian uint64s) into out[0..16); 0 or a negated errno. */
  identity(fd: number, out: Uint8Array): number;
  /** The soft limit on open descriptors (RLIMIT_NOFILE), or a negated errno. */
  fdLimit(): number;
  /**
   * An advisory lock on the host file that other processes see (for `anymmap
   * run`): kind 0 an fcntl open-file-description record lock over
   * [start, start+length) (length 0: to the end), kind 1 flock of the whole
   * file; type F_RDLCK, F_WRLCK or F_UNLCK; wait blocks until granted. 0 or a
   * negated errno.
   */
  lock(fd: number, kind: number, type: number, start: bigint, length: bigint, wait: boolean): number;
  /** F_OFD_GETLK: out (32 bytes) receives l_type, l_start, l_len, l_pid as native-endian int64s. 0 or a negated errno. */
  getlk(fd: number, type: number, start: bigint, length: bigint, out: Uint8Array): number;

  /**
   * How many accesses past the end of a truncated file the process's SIGBUS
   * guard has absorbed ([0], counting up): read without a call, so that the
   * engine notices a fault at the cost of a memory read.
   */
  readonly faultCounter: Uint32Array;
  /**
   * For a runner that runs a program on the runtime's main thread, where no
   * JavaScript signal listener runs while the program computes (Deno, Bun):
   * catches SIGINT and SIGTERM and returns the cell that holds the first
   * one's number (0 until then); the process dies of that signal `graceMs`
   * later, or at a second one. Throws when it cannot. The FFI bindings only.
   */
  stopSignals?(graceMs: number): Int32Array;
  /** Ends the process as `signal`'s default action does. The FFI bindings only. */
  dieOf?(signal: number): void;
  /** The lowest page the SIGBUS guard zero-filled in the reservation since the last call (then forgotten), or 0. */
  takeFault(reservation: NativeReservation): number;

  /**
   * A range the engine keeps mapped while ArrayBuffers over it may be used.
   * If the engine never releases it, the runtime unmaps it once it and all
   * its buffers are garbage.
   */
  reserve(address: number, length: number): NativeReservation;
  /** The reservation grew or shrank in place. */
  resize(reservation: NativeReservation, length: number): void;
  /** A zero-copy ArrayBuffer over [address, address+length) of the reservation. */
  buffer(reservation: NativeReservation, address: number, length: number): ArrayBuffer;
  /**
   * Ends the reservation, exactly once. With no buffer made over it, it is
   * unmapped: returns 0. Otherwise its pages become private zero pages and
   * the range stays reserved until every buffer over it is garbage (then
   * the runtime unmaps it): stale views keep their length, read zeros and
   * what they write stays in those pages, never in the file or another
   * mapping; returns 1. Buffers are not detached: detaching any ArrayBuffer
   * makes V8 check every typed-array access in the process for detachment
   * from then on. Beyond a cap on such ranges (VMAs and address space held
   * until a garbage collection) it detaches `buffers` (views read length 0)
   * and unmaps: returns 0. A negated errno on failure.
   */
  release(reservation: NativeReservation, buffers: ArrayBuffer[]): number;
  /**
   * Before a mapping at a fixed address in [address, address+length):
   * detaches the live buffers of the released ranges kept there (release()
   * returned 1) and unmaps them, so that nothing new is ever mapped under a
   * stale view. Returns how many it evicted, or -EBUSY if a buffer could not
   * be detached.
   */
  evict(address: number, length: number): number;
}

/** An opaque handle of a NativeMman's reservation. */
export type NativeReservation = { readonly __reservation: unique symbol } | object;
