import type { HostIOStats, SharedMemoryHandle } from "../contract/api.js";
import {
  MADV_FREE,
  MADV_REMOVE,
  MS_ASYNC,
  MS_INVALIDATE,
  MS_SYNC,
  PAGE_SIZE,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
} from "../contract/constants.js";
import {
  ACCESS_WRITE,
  acquireShared,
  type Engine,
  type EngineShare,
  releaseShared,
  SAFE_ADVICE,
} from "../engines/engine.js";
import { MmapError } from "../contract/errors.js";
import { MAX_MAPPING } from "../engines/wasm-engine.js";
import { hint } from "../contract/messages.js";

const UNMAPPED = 0xff;

/**
 * Another thread's MAP_SHARED|MAP_ANONYMOUS WASM mapping, seen through its
 * engine's shared memory at the same addresses: this thread's own view of
 * it, with its own protection and unmapping, as a child's after fork(2).
 * The memory stays the sharer's; while any page is mapped here the
 * handle's lock counts this thread, so the sharer's munmap keeps the pages
 * until it is released. Every runtime with SharedArrayBuffer.
 */
export class AttachedMemory implements Engine {
  readonly backend = "wasm" as const;
  readonly addressLimit = 2 ** 32;
  readonly maxMapping = MAX_MAPPING;
  readonly length: number;
  readonly stats: HostIOStats = { reads: 0, readBytes: 0, writes: 0, writtenBytes: 0, syncs: 0, truncates: 0 };
  readonly start: number;
  readonly #buffer: SharedArrayBuffer;
  readonly #lock: Int32Array;
  /** Per page: its protection, or UNMAPPED. */
  readonly #pages: Uint8Array;
  #attached = true;

  constructor(handle: SharedMemoryHandle) {
    const { buffer, address, length, prot, lock } = handle;
    // The handle's fields were checked by attach(); the buffer is this engine's alone to check.
    if (!(buffer instanceof SharedArrayBuffer) || address + length > buffer.byteLength) {
      throw new MmapError(
        "EINVAL",
        "attach",
        "handle.buffer is not the sharer's shared memory: pass the object share() returned, as postMessage delivered it",
      );
    }
    if (!acquireShared(lock)) throw new MmapError("EBADF", "attach", hint("attach", "EBADF"));
    this.#buffer = buffer;
    this.#lock = lock;
    this.start = address;
    this.length = length;
    this.#pages = new Uint8Array(Math.ceil(length / PAGE_SIZE)).fill(prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
  }

  resetStats(): void {}

  private files(syscall: string): never {
    throw new MmapError(
      "EBADF",
      syscall,
      "an attached mapping has no files: open files in this thread's own address space",
    );
  }

  open(): number {
    return this.files("open");
  }
  close(): void {
    this.files("close");
  }
  size(): number {
    return this.files("fstat");
  }
  fsync(): void {
    this.files("fsync");
  }
  ftruncate(): void {
    this.files("ftruncate");
  }
  pread(): number {
    return this.files("pread");
  }
  pwrite(): number {
    return this.files("pwrite");
  }
  mmap(): number {
    throw new MmapError(
      "EINVAL",
      "mmap",
      "map new memory in this thread's own address space, not in an attached mapping",
    );
  }

  /** Page indexes of [address, address+length), or ENOMEM/EFAULT (`code`) when a page is not mapped here. */
  private range(address: number, length: number, syscall: string, code = "ENOMEM"): [number, number] {
    const first = Math.floor((address - this.start) / PAGE_SIZE);
    const end = Math.ceil((address + length - this.start) / PAGE_SIZE);
    if (first < 0 || end > this.#pages.length || this.#pages.subarray(first, end).includes(UNMAPPED)) {
      throw new MmapError(code, syscall, hint(syscall, code));
    }
    return [first, end];
  }

  munmap(address: number, length: number): void {
    const first = Math.max(0, Math.floor((address - this.start) / PAGE_SIZE));
    const end = Math.min(this.#pages.length, Math.ceil((address + length - this.start) / PAGE_SIZE));
    if (first < end) this.#pages.fill(UNMAPPED, first, end);
    if (this.#attached && this.#pages.every((p) => p === UNMAPPED)) {
      this.#attached = false;
      releaseShared(this.#lock);
    }
  }

  msync(address: number, length: number, flags: number): void {
    if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC) || (flags & MS_ASYNC && flags & MS_SYNC)) {
      throw new MmapError("EINVAL", "msync", hint("msync", "EINVAL"));
    }
    // Anonymous memory has nothing to write back.
    this.range(address, length, "msync");
  }

  mprotect(address: number, length: number, prot: number): void {
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
      throw new MmapError("EINVAL", "mprotect", hint("mprotect", "EINVAL"));
    const [first, end] = this.range(address, length, "mprotect");
    this.#pages.fill(prot, first, end);
  }

  mremap(address: number, oldLength: number, newLength: number): number {
    if (newLength === oldLength) return address;
    throw new MmapError(
      "EINVAL",
      "mremap",
      "an attached mapping keeps the size it was shared with: mremap it in the thread that created it, then share it again",
    );
  }

  madvise(address: number, length: number, advice: number): void {
    // MADV_FREE is for private anonymous memory (Linux, the native backend and the sharer's engine: EINVAL);
    // MADV_REMOVE needs hole punching, which the sharer's engine has not either (ENOTSUP). Both were accepted.
    if (!SAFE_ADVICE.has(advice) || advice === MADV_FREE)
      throw new MmapError("EINVAL", "madvise", hint("madvise", "EINVAL"));
    if (advice === MADV_REMOVE) throw new MmapError("ENOTSUP", "madvise", hint("madvise", "ENOTSUP"));
    // Shared memory keeps its bytes through every advice (MADV_DONTNEED included), as Linux's shmem does.
    this.range(address, length, "madvise");
  }

  mincore(address: number, length: number): Uint8Array {
    const [first, end] = this.range(address, length, "mincore");
    return new Uint8Array(end - first).fill(1);
  }

  touch(address: number, length: number, access: number): void {
    if (length === 0) return;
    const [first, end] = this.range(address, length, "access", "EFAULT");
    const need = access === ACCESS_WRITE ? PROT_WRITE : PROT_READ;
    for (let p = first; p < end; p++) {
      if (!(this.#pages[p]! & need)) throw new MmapError("EACCES", "access", hint("access", "EACCES"));
    }
  }

  bytes(address: number, length: number): Uint8Array {
    return new Uint8Array(this.#buffer, address, length);
  }

  share(address: number, length: number): EngineShare {
    this.range(address, length, "share");
    if (address !== this.start || length !== this.length) {
      throw new MmapError("EINVAL", "share", "share the whole attached mapping");
    }
    return { buffer: this.#buffer, lock: this.#lock };
  }

  owns(address: number): boolean {
    return address >= this.start && address < this.start + this.length;
  }

  residentBytes(): number {
    return this.#pages.filter((p) => p !== UNMAPPED).length * PAGE_SIZE;
  }

  mappingCount(): number {
    return this.#attached ? 1 : 0;
  }
}
