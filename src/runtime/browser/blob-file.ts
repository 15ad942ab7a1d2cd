/**
 * Blobs and Files as read-only host files: synchronously through
 * `FileReaderSync` in workers; on the main thread, from ranges loaded ahead.
 */
import { WASI_ERRNO } from "../../abi/errno.js";
import { FILETYPE_REGULAR_FILE, HostFile, type HostFileStat } from "../../wasi/host-file.js";
import { browser, type FileSystemFileHandle } from "./dom.js";
import { DEV_BLOB, DEV_OPFS } from "./identity.js";
import { mapBrowserError } from "./map-error.js";

/**
 * A Blob (or File) read page by page with `FileReaderSync`: one
 * `readAsArrayBuffer` of a `slice` per engine read, copied into WebAssembly
 * memory (the API returns a fresh buffer, so one copy is unavoidable).
 * Read-only. Browsers (workers).
 */
export class BlobHostFile extends HostFile {
  #blob: Blob | undefined;
  readonly #reader: { readAsArrayBuffer(blob: Blob): ArrayBuffer };

  constructor(
    blob: Blob,
    private readonly ino: bigint,
    path: string,
  ) {
    super({ readable: true, writable: false, path });
    this.#blob = blob;
    const FileReaderSync = browser().FileReaderSync;
    if (!FileReaderSync) throw new Error("FileReaderSync is only available in workers");
    this.#reader = new FileReaderSync();
  }

  override pread(dst: Uint8Array, offset: number): number {
    const blob = this.#blob;
    if (!blob) return -WASI_ERRNO.EBADF;
    const n = Math.min(dst.length, blob.size - offset);
    if (n <= 0) return 0;
    try {
      dst.set(new Uint8Array(this.#reader.readAsArrayBuffer(blob.slice(offset, offset + n))));
      return n;
    } catch (e) {
      return -mapBrowserError(e);
    }
  }

  override stat(): HostFileStat | number {
    const blob = this.#blob;
    if (!blob) return -WASI_ERRNO.EBADF;
    return blobStat(this.ino, blob.size, DEV_BLOB);
  }

  override sync(): number {
    return this.#blob ? 0 : -WASI_ERRNO.EBADF;
  }

  override datasync(): number {
    return this.sync();
  }

  override close(): number {
    if (!this.#blob) return -WASI_ERRNO.EBADF;
    this.#blob = undefined;
    return 0;
  }
}

function blobStat(ino: bigint, size: number, dev: bigint): HostFileStat {
  return {
    dev,
    ino,
    filetype: FILETYPE_REGULAR_FILE,
    nlink: 1n,
    size: BigInt(size),
    atimNs: 0n,
    mtimNs: 0n,
    ctimNs: 0n,
  };
}

/** Bytes fetched ahead for the engine, keyed by file offset. */
interface Staged {
  offset: number;
  bytes: Uint8Array;
}

/** A write or truncate the engine made that has not reached OPFS yet. */
type Pending = { offset: number; bytes: Uint8Array } | { truncate: number };

/**
 * A file on the main thread, where nothing can be read synchronously: the
 * engine's reads are served from ranges that `stage()` fetched ahead
 * (Blob.slice().arrayBuffer()); a read of anything else fails with EAGAIN,
 * so a page never silently reads as zeros. For an OPFS file opened
 * writable, writes and truncates queue in memory (visible to later reads
 * at once) and `flush()` writes them with a writable stream.
 * Browsers (main thread).
 */
export class StagedHostFile extends HostFile {
  #closed = false;
  #size: number;
  #staged = new Set<Staged>();
  #pending: Pending[] = [];
  #flushing: Promise<void> = Promise.resolve();
  #error: unknown;

  readonly #onQueued: ((file: StagedHostFile) => void) | undefined;

  /** `onQueued` hears of the first write queued after the queue was empty, so someone can wait for it. */
  constructor(
    private readonly source: Blob | FileSystemFileHandle,
    private readonly ino: bigint,
    size: number,
    options: { writable: boolean; path: string; onQueued?: (file: StagedHostFile) => void },
  ) {
    super({ readable: true, writable: options.writable, path: options.path });
    this.#size = size;
    this.#onQueued = options.onQueued;
  }

  private queue(p: Pending): void {
    this.#pending.push(p);
    if (this.#pending.length === 1) this.#onQueued?.(this);
  }

  /** The bytes of a Blob or of the OPFS file now. */
  private async blob(): Promise<Blob> {
    const s = this.source;
    return "getFile" in s && typeof s.getFile === "function" ? s.getFile() : (s as Blob);
  }

  /** The size the engine sees (pending writes and truncates included). */
  get size(): number {
    return this.#size;
  }

  /**
   * Fetches [offset, offset+length) (clipped to the file) and keeps it for
   * the engine's reads until the returned release function is called.
   */
  async stage(ranges: Array<[number, number]>): Promise<() => void> {
    const blob = await this.blob();
    if (this.#pending.length === 0) this.#size = blob.size;
    const added: Staged[] = [];
    for (const [offset, length] of ranges) {
      const end = Math.min(offset + length, this.#size);
      if (end <= offset) continue;
      const bytes = new Uint8Array(end - offset);
      const diskEnd = Math.min(end, blob.size);
      if (diskEnd > offset) bytes.set(new Uint8Array(await blob.slice(offset, diskEnd).arrayBuffer()));
      this.overlay(offset, bytes);
      added.push({ offset, bytes });
    }
    for (const s of added) this.#staged.add(s);
    return () => {
      for (const s of added) this.#staged.delete(s);
    };
  }

  /** Applies the queued writes and truncates to bytes read from the file at `offset`. */
  private overlay(offset: number, bytes: Uint8Array): void {
    const end = offset + bytes.length;
    for (const p of this.#pending) {
      if ("truncate" in p) {
        if (p.truncate < end) bytes.fill(0, Math.max(0, p.truncate - offset));
        continue;
      }
      const a = Math.max(offset, p.offset);
      const b = Math.min(end, p.offset + p.bytes.length);
      if (a < b) bytes.set(p.bytes.subarray(a - p.offset, b - p.offset), a - offset);
    }
  }

  override pread(dst: Uint8Array, offset: number): number {
    if (this.#closed) return -WASI_ERRNO.EBADF;
    const want = Math.min(dst.length, this.#size - offset);
    if (want <= 0) return 0;
    for (const s of this.#staged) {
      if (s.offset <= offset && offset + want <= s.offset + s.bytes.length) {
        dst.set(s.bytes.subarray(offset - s.offset, offset - s.offset + want));
        return want;
      }
    }
    // Not loaded: the browser layer turns this into "await mapping.load() first".
    return -WASI_ERRNO.EAGAIN;
  }

  override pwrite(src: Uint8Array, offset: number): number {
    if (this.#closed) return -WASI_ERRNO.EBADF;
    if (!this.writable) return -WASI_ERRNO.EBADF;
    const bytes = src.slice();
    this.queue({ offset, bytes });
    for (const s of this.#staged) {
      const a = Math.max(offset, s.offset);
      const b = Math.min(offset + bytes.length, s.offset + s.bytes.length);
      if (a < b) s.bytes.set(bytes.subarray(a - offset, b - offset), a - s.offset);
    }
    this.#size = Math.max(this.#size, offset + bytes.length);
    return bytes.length;
  }

  override truncate(size: number): number {
    if (this.#closed) return -WASI_ERRNO.EBADF;
    if (!this.writable) return -WASI_ERRNO.EINVAL;
    this.queue({ truncate: size });
    for (const s of this.#staged) if (size < s.offset + s.bytes.length) s.bytes.fill(0, Math.max(0, size - s.offset));
    this.#size = size;
    return 0;
  }

  override stat(): HostFileStat | number {
    if (this.#closed) return -WASI_ERRNO.EBADF;
    return blobStat(this.ino, this.#size, "getFile" in this.source ? DEV_OPFS : DEV_BLOB);
  }

  /** Synchronous callers cannot wait for OPFS: the data is queued, `flush()` writes it. */
  override sync(): number {
    if (this.#closed) return -WASI_ERRNO.EBADF;
    if (this.#pending.length > 0) void this.flush().catch(() => undefined);
    return 0;
  }

  override datasync(): number {
    return this.sync();
  }

  override close(): number {
    if (this.#closed) return -WASI_ERRNO.EBADF;
    this.#closed = true;
    // Queued writes still go out; flush() reports their fate.
    if (this.#pending.length > 0) void this.flush().catch(() => undefined);
    return 0;
  }

  /** True while writes are queued or being written. */
  get dirty(): boolean {
    return this.#pending.length > 0;
  }

  /**
   * Writes every queued write and truncate to the OPFS file (one writable
   * stream, committed on close); resolves when they are on storage,
   * rejects with the browser's error (they stay queued for a retry).
   */
  flush(): Promise<void> {
    const run = async (): Promise<void> => {
      const batch = this.#pending.slice();
      if (batch.length === 0) {
        if (this.#error !== undefined) {
          const e = this.#error;
          this.#error = undefined;
          throw e;
        }
        return;
      }
      const handle = this.source as FileSystemFileHandle;
      if (typeof handle.createWritable !== "function")
        throw Object.assign(new Error("no createWritable"), { name: "NotSupportedError" });
      try {
        const w = await handle.createWritable({ keepExistingData: true });
        try {
          for (const p of batch) {
            if ("truncate" in p) await w.write({ type: "truncate", size: p.truncate });
            else await w.write({ type: "write", position: p.offset, data: p.bytes });
          }
          await w.close();
        } catch (e) {
          await w.abort().catch(() => undefined);
          throw e;
        }
      } catch (e) {
        this.#error = e;
        throw e;
      }
      this.#error = undefined;
      this.#pending.splice(0, batch.length);
    };
    const next = this.#flushing.then(run, run);
    this.#flushing = next.catch(() => undefined);
    return next;
  }
}
