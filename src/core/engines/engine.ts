import type { RemoteOptions } from "../remote/remote-file.js";
import type { Backend, HostIOStats, OpenFlags, SharedMemoryHandle } from "../contract/api.js";

/** anymmap_touch access kinds. */
export const ACCESS_READ = 1;
/** @see ACCESS_READ */
export const ACCESS_WRITE = 2;

/** The madvise advice values Linux accepts that cannot harm the process (MADV_HWPOISON and friends can). */
export const SAFE_ADVICE: ReadonlySet<number> = new Set([
  0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
]);

/**
 * What an address space needs from the memory behind it: the mman calls on
 * its addresses and the file calls on its descriptors, errors thrown as
 * MmapError. The WASM engine (WasmEngine, every runtime) and the kernel's
 * (NativeEngine: Node, Deno with --allow-ffi, Bun) implement it.
 */
/** What the caller of Engine.mmap knows that spares the engine system calls. */
export interface MapKnown {
  /** The file's size, read within this same call. */
  fileSize?: number;
  /**
   * The caller opened `fd` in this same call and closes it right after,
   * never using its number again: the engine may keep the descriptor itself
   * instead of a copy, and what it learnt at open is still current.
   */
  closesFd?: boolean;
}

export interface Engine {
  readonly backend: Backend;
  /** The longest mapping, in bytes. */
  readonly maxMapping: number;
  /** Addresses are below this. */
  readonly addressLimit: number;
  /** Host I/O that reached the file system through this engine. */
  readonly stats: HostIOStats;
  resetStats(): void;

  /** Opens a file; the descriptor belongs to this engine. */
  /** `remote` bounds the reads of a URL (engines that open no URLs ignore it). */
  open(path: string, flags: OpenFlags, mode?: number, remote?: RemoteOptions): number;
  close(fd: number): void;
  /** The file's size in bytes. */
  size(fd: number, path: string): number;
  /**
   * The size the file had when open() returned `fd`, where the engine learnt
   * it for free: for a caller that maps a file it opened in the same call,
   * so that it need not ask again.
   */
  openedSize?(fd: number): number | undefined;
  /**
   * Whether a MAP_SHARED mapping of `fd` may become writable: the descriptor
   * was opened for writing, not append-only. For an engine whose mappings of
   * one file share their pages (WASM), so that mprotect can refuse one
   * mapping what another of the same pages may do; the kernel checks its own.
   */
  sharedWritable?(fd: number): boolean;
  /**
   * After a store into, or a copy out of, [address, address+length) that
   * touch() allowed: EFAULT when it touched a page someone else truncated
   * away meanwhile (native: the SIGBUS guard took a store into a zero page,
   * so the bytes are lost, and a copy read zeros that are not the file's).
   */
  faulted?(address: number, length: number): void;
  fsync(fd: number, path: string): void;
  ftruncate(fd: number, length: number): void;
  /** pread(2) that sees unsynced writes of shared mappings. */
  pread(fd: number, target: Uint8Array, position: number): number;
  /** pwrite(2) that shared mappings see at once. */
  pwrite(fd: number, source: Uint8Array, position: number): number;

  mmap(
    address: number,
    length: number,
    prot: number,
    flags: number,
    fd: number,
    offset: number,
    path?: string,
    known?: MapKnown,
  ): number;
  munmap(address: number, length: number): void;
  msync(address: number, length: number, flags: number): void;
  mprotect(address: number, length: number, prot: number): void;
  mremap(address: number, oldLength: number, newLength: number, flags: number, newAddress: number): number;
  madvise(address: number, length: number, advice: number): void;
  mincore(address: number, length: number): Uint8Array;
  /** Makes a range ready for an access; throws what Linux would signal (SIGBUS as EFAULT, EACCES for protection). */
  touch(address: number, length: number, access: number): void;
  /** A view of [address, address+length); the range lies in one mapping. */
  bytes(address: number, length: number): Uint8Array;
  /**
   * What another thread needs to map the pages of [address, address+length),
   * which one MAP_SHARED|MAP_ANONYMOUS mapping holds; MmapError where this
   * engine cannot share them.
   */
  share(address: number, length: number): EngineShare;
  /** True when the address is one this engine handed out. */
  owns(address: number): boolean;

  residentBytes(): number;
  mappingCount(): number;
}

/** The engine's part of a SharedMemoryHandle. */
export type EngineShare = Pick<SharedMemoryHandle, "lock" | "buffer" | "fd" | "offset">;

/*
 * A shared lock (handle.lock) counts the threads that use the memory: -1
 * once its owner released it for good; SHARE_CLOSED set while the owner has
 * unmapped it but threads still use it, which they keep doing while no new
 * one may attach.
 */
const SHARE_CLOSED = 1 << 30;
const SHARE_USES = SHARE_CLOSED - 1;

/** Takes one use of a shared lock: false when its owner has unmapped the memory (closed, or released for good). */
export function acquireShared(lock: Int32Array): boolean {
  for (;;) {
    const n = Atomics.load(lock, 0);
    if (n < 0 || n & SHARE_CLOSED) return false;
    if (Atomics.compareExchange(lock, 0, n, n + 1) === n) return true;
  }
}

/** Gives a use back; wakes an owner waiting for the count to reach 0. */
export function releaseShared(lock: Int32Array): void {
  if ((Atomics.sub(lock, 0, 1) & SHARE_USES) === 1) Atomics.notify(lock, 0);
}

/** No thread may attach the memory from now on; those that did keep it. */
export function closeShared(lock: Int32Array): void {
  Atomics.or(lock, 0, SHARE_CLOSED);
}

/** Releases the memory for good (-1) if no thread uses it; false if some still do. */
export function retireShared(lock: Int32Array): boolean {
  for (;;) {
    const n = Atomics.load(lock, 0);
    if (n < 0) return true;
    if (n & SHARE_USES) return false;
    if (Atomics.compareExchange(lock, 0, n, -1) === n) return true;
  }
}
