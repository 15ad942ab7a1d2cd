import type { Backend, FileHandle } from "../contract/api.js";
import type { Engine } from "../engines/engine.js";
import { MmapError } from "../contract/errors.js";
import { integer, plainBytes } from "../contract/validate.js";

/**
 * An open file of one address space and one engine. Its I/O goes through
 * that engine (the C core or the kernel), so shared mappings and descriptor
 * I/O see each other's bytes at once.
 * All runtimes with file access.
 */
export class FileHandleImpl implements FileHandle {
  #closed = false;

  constructor(
    readonly engine: Engine,
    readonly owner: object,
    readonly fd: number,
    readonly path: string,
  ) {}

  get backend(): Backend {
    return this.engine.backend;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The descriptor, or EBADF naming the call when the handle is closed. */
  use(syscall: string): number {
    if (this.#closed) {
      throw new MmapError("EBADF", syscall, "the file handle is closed; open the file again", { path: this.path });
    }
    return this.fd;
  }

  size(): number {
    return this.engine.size(this.use("fstat"), this.path);
  }

  truncate(length: number): void {
    const fd = this.use("ftruncate");
    this.engine.ftruncate(fd, integer(length, "length", "ftruncate"));
  }

  pread(into: Uint8Array, position: number): number {
    const fd = this.use("pread");
    const buffer = plainBytes(into);
    if (buffer === undefined) throw new MmapError("EINVAL", "pread", "buffer must be a Uint8Array");
    return this.engine.pread(fd, buffer, integer(position, "position", "pread"));
  }

  pwrite(from: Uint8Array, position: number): number {
    const fd = this.use("pwrite");
    const buffer = plainBytes(from);
    if (buffer === undefined) throw new MmapError("EINVAL", "pwrite", "buffer must be a Uint8Array");
    return this.engine.pwrite(fd, buffer, integer(position, "position", "pwrite"));
  }

  sync(): void {
    this.engine.fsync(this.use("fsync"), this.path);
  }

  close(): void {
    const fd = this.use("close");
    this.#closed = true;
    this.engine.close(fd);
  }

  [Symbol.dispose](): void {
    if (!this.#closed) this.close();
  }
}
