import type { FileHandle } from "./api.js";
import type { Engine } from "./engine.js";
import { MmapError } from "./errors.js";
import { integer } from "./validate.js";
import type { HostFile } from "../wasi/host-file.js";

/**
 * An open file of one address space. Its I/O goes through the C core, so
 * shared mappings and descriptor I/O see each other's bytes at once.
 * All runtimes with file access.
 */
export class FileHandleImpl implements FileHandle {
  #closed = false;

  constructor(
    private readonly engine: Engine,
    readonly owner: object,
    readonly fd: number,
    readonly path: string,
    private readonly file: HostFile,
  ) {}

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
    this.use("fstat");
    const st = this.file.stat();
    if (typeof st === "number") {
      throw MmapError.fromWasi(-st, "fstat", "cannot read the file's size", { path: this.path });
    }
    return Number(st.size);
  }

  truncate(length: number): void {
    const fd = this.use("ftruncate");
    this.engine.ftruncate(fd, integer(length, "length", "ftruncate"));
  }

  pread(buffer: Uint8Array, position: number): number {
    const fd = this.use("pread");
    if (!(buffer instanceof Uint8Array)) throw new MmapError("EINVAL", "pread", "buffer must be a Uint8Array");
    return this.engine.pread(fd, buffer, integer(position, "position", "pread"));
  }

  pwrite(buffer: Uint8Array, position: number): number {
    const fd = this.use("pwrite");
    if (!(buffer instanceof Uint8Array)) throw new MmapError("EINVAL", "pwrite", "buffer must be a Uint8Array");
    return this.engine.pwrite(fd, buffer, integer(position, "position", "pwrite"));
  }

  sync(): void {
    this.use("fsync");
    const err = this.file.sync();
    if (err < 0) throw MmapError.fromWasi(-err, "fsync", "the file system could not sync the file", { path: this.path });
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
