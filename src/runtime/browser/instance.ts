/**
 * An address space in a browser: the core's AnymmapInstance plus the
 * sources a browser has (OPFS paths and handles, Files and Blobs), and the
 * main thread's load-ahead.
 */
import type {
  Access,
  Anymmap,
  BackendChoice,
  FileHandle,
  HostIOStats,
  Info,
  InstanceOptions,
  MapOptions,
  MapSource,
  Mapping,
  OpenFlags,
  Prot,
  SharedMemoryHandle,
  WindowedMapping,
  WindowedOptions,
  EntryTypes,
} from "../../core/contract/api.js";
import { WindowedMappingImpl } from "../../core/address-space/windowed.js";
import type { RemoteOptions } from "../../core/remote/remote-file.js";
import { isUrl, openRemote } from "./remote-file.js";
import { AnymmapInstance, type RuntimeAdapter, WASM_FILES } from "../../core/address-space/anymmap.js";
import { MAP_POPULATE, PAGE_SIZE } from "../../core/contract/constants.js";
import { MmapError, isMmapError } from "../../core/contract/errors.js";
import { bits, describeValue, plainBytes, remoteOptions, urlSource } from "../../core/contract/validate.js";
import type { HostFile } from "../../wasi/host-file.js";
import { BlobHostFile, StagedHostFile } from "./blob-file.js";
import { type FileSystemFileHandle, browser, inDedicatedWorker, isBlob, isFileSystemFileHandle } from "./dom.js";
import { blobIno, opfsComponents, opfsIno, OPEN_HINTS, openMode } from "./identity.js";
import { browserErrorName, mapBrowserError } from "./map-error.js";
import type { OpfsAgent } from "./opfs-agent.js";
import { handleKey, handleLabel, openOpfs, opfsRoot } from "./opfs-file.js";
import { loadWasm, loadedWasm } from "./wasm.js";

/** What a browser can map: a path in the origin private file system (OPFS), a FileSystemFileHandle, a File or Blob, an open FileHandle, or null for anonymous memory. Browsers. */
export type BrowserMapSource = MapSource | Blob | FileSystemFileHandle;

/** What a browser can open: an OPFS path, a FileSystemFileHandle, or a File or Blob (read-only). Browsers. */
export type BrowserOpenSource = string | URL | Blob | FileSystemFileHandle;

/**
 * A mapping in a browser: the `Mapping` of every runtime plus the
 * asynchronous calls the main thread needs. Browsers.
 */
export interface BrowserMapping extends Mapping {
  /**
   * Reads the file pages of `[offset, offset + length)` that are not
   * resident yet, asynchronously; afterwards views of that range are
   * synchronous. Needed on the main thread before any view of a file
   * mapping (a view of pages not loaded throws MmapError EAGAIN); in a
   * worker it prefetches (MADV_WILLNEED). Browsers.
   */
  load(offset?: number, length?: number): Promise<void>;
  /**
   * `msync`, then waits until the written pages are on storage: on the main
   * thread OPFS writes are queued in memory and written asynchronously.
   * Browsers.
   */
  msyncAsync(flags?: number | string, offset?: number, length?: number): Promise<void>;
}

/** An address space in a browser. Browsers. */
export interface BrowserAnymmap extends Anymmap {
  mmapSync(source: BrowserMapSource, options?: MapOptions): BrowserMapping;
  mmap(source: BrowserMapSource, options?: MapOptions): Promise<BrowserMapping>;
  mmapWindowedSync(source: BrowserMapSource, options?: WindowedOptions): WindowedMapping;
  mmapWindowed(source: BrowserMapSource, options?: WindowedOptions): Promise<WindowedMapping>;
  open(source: BrowserOpenSource, flags?: OpenFlags, mode?: number): Promise<FileHandle>;
  attach(handle: SharedMemoryHandle): BrowserMapping;
  /** Waits until every write queued on the main thread (msync, munmap, truncate) is on storage. Browsers. */
  flush(): Promise<void>;
}

/** The browser entry's sources and mappings (`createEntry`'s type parameter). Browsers. */
export interface BrowserEntryTypes extends EntryTypes {
  readonly source: BrowserMapSource;
  readonly openSource: BrowserOpenSource;
  readonly mapping: BrowserMapping;
  readonly instance: BrowserAnymmap;
}

/** How the runtime reaches files here; set by the entry. Browsers. */
export interface BrowserEnvironment {
  runtime: string;
  version: string;
  /** Loads the engine (and the OPFS agent in workers). */
  init(): Promise<void>;
  /** The agent for synchronous OPFS paths, or why there is none. */
  agent(): OpfsAgent | string;
}

/** An http(s) URL as a read-only host file: dedicated workers only (synchronous XMLHttpRequest). */
function openUrl(url: string, flags: OpenFlags, remote?: RemoteOptions): HostFile {
  if (openMode(flags).writable) {
    throw new MmapError("EACCES", "open", "a URL is read-only: open it 'r' and map it 'r' or 'private'", { path: url });
  }
  if (!inDedicatedWorker()) {
    throw new MmapError(
      "ENOTSUP",
      "open",
      "URLs are read with synchronous range requests, which only a dedicated worker may make: map the URL in a worker",
      { path: url },
    );
  }
  return openRemote(url, remote);
}

/** Thrown by the adapter to stop the core right after it validated a call. */
const PROBE = Symbol("probe");

/**
 * The browser address space: the core instance with an adapter that opens
 * what the browser layer prepared, synchronous OPFS paths through the agent,
 * and mappings that know their host file. Browsers.
 */
export class BrowserInstance implements BrowserAnymmap {
  readonly pageSize = PAGE_SIZE;
  readonly backend = "wasm" as const;
  readonly #core: AnymmapInstance;
  #prepared: { path: string; file: HostFile } | undefined;
  #probing = false;
  #probedFlags: OpenFlags | undefined;
  #lastOpened: HostFile | undefined;
  readonly #files = new WeakMap<FileHandle, HostFile>();
  /** Main-thread files with writes not yet on storage: flush() waits for them. */
  readonly #queued = new Set<StagedHostFile>();
  readonly #onQueued = (file: StagedHostFile): void => {
    this.#queued.add(file);
  };

  constructor(
    private readonly env: BrowserEnvironment,
    options?: InstanceOptions,
  ) {
    const adapter: RuntimeAdapter = {
      runtime: env.runtime,
      version: env.version,
      openFile: (path, flags, _mode, remote) => this.openFile(path, flags, remote),
      mapError: mapBrowserError,
      compileSync: (variant) => {
        const module = loadedWasm(variant);
        if (!module) {
          throw new MmapError(
            "ENOSYS",
            "load",
            `${WASM_FILES[variant]} is not loaded yet and browsers cannot fetch it synchronously: \`await init()\` (or any async call of this instance, such as \`await mmap(...)\`) once first`,
          );
        }
        return module;
      },
      compile: async (variant) => {
        await env.init();
        return loadWasm(undefined, variant);
      },
    };
    this.#core = new AnymmapInstance(adapter, options);
  }

  get runtime(): string {
    return this.#core.runtime;
  }

  get hostIO(): HostIOStats {
    return this.#core.hostIO;
  }

  resetHostIO(): void {
    this.#core.resetHostIO();
  }

  info(): Info {
    return this.#core.info();
  }

  /** Loads the engine; resolves once this instance can run. */
  async ready(): Promise<void> {
    await this.#core.ready();
  }

  // ---- opening ----

  /** The core asks for a host file: the one prepared asynchronously, or an OPFS path through the agent. */
  private openFile(path: string, flags: OpenFlags, remote?: RemoteOptions): HostFile {
    if (this.#probing) {
      this.#probedFlags = flags;
      throw PROBE;
    }
    const prepared = this.#prepared;
    if (prepared && prepared.path === path) {
      this.#prepared = undefined;
      return (this.#lastOpened = prepared.file);
    }
    if (isUrl(path)) return (this.#lastOpened = openUrl(path, flags, remote));
    const agent = this.env.agent();
    if (typeof agent === "string") throw new MmapError("ENOTSUP", "open", agent, { path });
    return (this.#lastOpened = agent.openFile(path, openMode(flags)));
  }

  /** Runs a core call only to validate its arguments and learn the open flags it would use. */
  private probe(call: () => unknown): OpenFlags {
    this.#probing = true;
    this.#probedFlags = undefined;
    try {
      call();
    } catch (e) {
      if (e !== PROBE) throw e;
    } finally {
      this.#probing = false;
    }
    return this.#probedFlags ?? "r";
  }

  /** Opens through the core with a host file made beforehand. */
  private openPrepared(label: string, file: HostFile, flags: OpenFlags, mode?: number): FileHandle {
    this.#prepared = { path: label, file };
    this.#lastOpened = undefined;
    try {
      return this.track(this.#core.openSync(label, flags, mode));
    } finally {
      if (this.#prepared?.file === file) {
        this.#prepared = undefined;
        file.close();
      }
    }
  }

  private track(handle: FileHandle): FileHandle {
    if (this.#lastOpened) this.#files.set(handle, this.#lastOpened);
    this.#lastOpened = undefined;
    return handle;
  }

  /** `backend` and `remote` (not part of the public contract) as the core's: mmapSync and mmapWindowedSync of a URL pass their timeout and signal. */
  openSync(
    path: string | URL,
    flags?: OpenFlags,
    mode?: number,
    backend?: BackendChoice,
    remote?: RemoteOptions,
  ): FileHandle {
    this.#lastOpened = undefined;
    return this.track(this.#core.openSync(path, flags, mode, backend, remote));
  }

  async open(
    sourceOrUrl: BrowserOpenSource,
    flags: OpenFlags = "r",
    mode?: number,
    remote?: RemoteOptions,
  ): Promise<FileHandle> {
    const source = urlSource(sourceOrUrl, "open");
    await this.ready();
    if (isBlob(source) || isFileSystemFileHandle(source)) {
      // Validate flags and mode as for a path.
      this.probe(() => this.#core.openSync("source", flags, mode));
      const label = isBlob(source) ? blobLabel(source) : await handleLabel(source);
      const file = await this.hostFileOf(source, flags, label);
      return this.openPrepared(label, file, flags, mode);
    }
    this.probe(() => this.#core.openSync(source as string, flags, mode));
    const path = source as string;
    const file = isUrl(path) ? openUrl(path, flags, remote) : await this.openPath(path, flags);
    return this.openPrepared(path, file, flags, mode);
  }

  /** A host file for an OPFS path, opened asynchronously: direct sync access in a worker, staged on the main thread. */
  private async openPath(path: string, flags: OpenFlags): Promise<HostFile> {
    const mode = openMode(flags);
    if (inDedicatedWorker()) return openOpfs(path, mode, path);
    // Main thread (or another context without sync access handles).
    const parts = opfsComponents(path);
    let dir = await opfsRoot(path);
    try {
      for (const name of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(name);
      if (parts.length === 0) throw Object.assign(new Error("root"), { name: "TypeMismatchError" });
      const name = parts[parts.length - 1]!;
      if (mode.exclusive) {
        let exists = true;
        await dir.getFileHandle(name).catch((e: { name?: string }) => {
          if (e?.name === "NotFoundError") exists = false;
        });
        if (exists) throw new MmapError("EEXIST", "open", OPEN_HINTS.EEXIST!, { path });
      }
      const handle = await dir.getFileHandle(name, { create: mode.create });
      const file = new StagedHostFile(handle, opfsIno(await handleKey(handle)), (await handle.getFile()).size, {
        writable: mode.writable,
        path,
        onQueued: this.#onQueued,
      });
      if (mode.truncate) file.truncate(0);
      return file;
    } catch (e) {
      if (isMmapError(e)) throw e;
      const code = browserErrorName(e);
      throw new MmapError(code, "open", OPEN_HINTS[code] ?? String(e), { path, cause: e });
    }
  }

  /** A host file for a Blob or a FileSystemFileHandle. */
  private async hostFileOf(source: Blob | FileSystemFileHandle, flags: OpenFlags, label: string): Promise<HostFile> {
    const mode = openMode(flags);
    if (isBlob(source)) {
      if (mode.writable) {
        throw new MmapError(
          "EACCES",
          "open",
          "a File or Blob is read-only: open it 'r' (MAP_PRIVATE writes stay in memory)",
          { path: label },
        );
      }
      return browser().FileReaderSync
        ? new BlobHostFile(source, blobIno(source), label)
        : new StagedHostFile(source, blobIno(source), source.size, { writable: false, path: label });
    }
    const key = await handleKey(source);
    const inOpfs = key.startsWith("/");
    if (inDedicatedWorker() && inOpfs && typeof source.createSyncAccessHandle === "function")
      return openOpfs(source, mode, label);
    if (!inDedicatedWorker()) {
      const file = new StagedHostFile(source, opfsIno(key), (await source.getFile()).size, {
        writable: mode.writable,
        path: label,
        onQueued: this.#onQueued,
      });
      if (mode.truncate) file.truncate(0);
      return file;
    }
    // A handle outside OPFS (a file the user picked): no sync access handle
    // exists for it, so read-only, through its File.
    if (mode.writable) {
      throw new MmapError(
        "EACCES",
        "open",
        "only OPFS file handles can be written synchronously; open it 'r' or copy it into OPFS",
        { path: label },
      );
    }
    const blob = await source.getFile();
    return new BlobHostFile(blob, blobIno(source), label);
  }

  // ---- mapping ----

  mmapSync(sourceOrUrl: BrowserMapSource, options?: MapOptions): BrowserMapping {
    const source = urlSource(sourceOrUrl, "mmap");
    if (isFileSystemFileHandle(source)) {
      throw new MmapError(
        "ENOTSUP",
        "mmap",
        "a FileSystemFileHandle opens asynchronously only: use `await mmap(handle)` (or `await open(handle)` once, then mmapSync(fileHandle))",
      );
    }
    if (isBlob(source)) {
      const flags = this.probe(() => this.#core.mmapSync("source", options));
      const label = blobLabel(source);
      const file = browser().FileReaderSync
        ? new BlobHostFile(source, blobIno(source), label)
        : new StagedHostFile(source, blobIno(source), source.size, { writable: false, path: label });
      if (openMode(flags).writable) {
        file.close();
        throw new MmapError(
          "EACCES",
          "mmap",
          "a File or Blob is read-only: map it 'private' to keep writes in memory, or 'r'",
          { path: label },
        );
      }
      const handle = this.openPrepared(label, file, "r");
      try {
        return this.mapHandle(handle, options);
      } finally {
        handle.close();
      }
    }
    if (typeof source === "string") {
      const flags = this.probe(() => this.#core.mmapSync(source, options));
      const handle = this.openSync(source, flags, undefined, undefined, remoteOptions(options ?? {}, "mmap"));
      try {
        return this.mapHandle(handle, options);
      } finally {
        handle.close();
      }
    }
    return this.mapHandle(source, options);
  }

  mmapWindowedSync(source: BrowserMapSource, options?: WindowedOptions): WindowedMapping {
    if (isFileSystemFileHandle(source)) {
      throw new MmapError(
        "ENOTSUP",
        "mmap",
        "a FileSystemFileHandle opens asynchronously only: use `await mmapWindowed(handle)`",
      );
    }
    return new WindowedMappingImpl(this, urlSource(source, "mmap"), options);
  }

  async mmapWindowed(sourceOrUrl: BrowserMapSource, options?: WindowedOptions): Promise<WindowedMapping> {
    const source = urlSource(sourceOrUrl, "mmap");
    await this.ready();
    if (!isFileSystemFileHandle(source)) return this.mmapWindowedSync(source, options);
    const writable = (options?.prot === "rw" || options?.prot === 3) && (options?.flags ?? "shared") === "shared";
    const handle = await this.open(source, writable ? "r+" : "r");
    try {
      return new WindowedMappingImpl(this, handle, options, handle);
    } catch (e) {
      handle.close();
      throw e;
    }
  }

  private mapHandle(source: Exclude<MapSource, URL>, options?: MapOptions): BrowserMapping {
    const file = source !== null && typeof source === "object" ? this.#files.get(source) : undefined;
    return this.wrap(this.#core.mmapSync(source, options), file);
  }

  private wrap(inner: Mapping, file: HostFile | undefined): BrowserMapping {
    return new BrowserMappingImpl(inner, file);
  }

  async mmap(sourceOrUrl: BrowserMapSource, options?: MapOptions): Promise<BrowserMapping> {
    const source = urlSource(sourceOrUrl, "mmap");
    if (typeof source !== "string" && !isBlob(source) && !isFileSystemFileHandle(source)) {
      // A FileHandle or anonymous memory: mapped within the call once the engine is loaded (core's mmap).
      if (!this.#core.loaded) await this.ready();
      return this.mmapSync(source, options);
    }
    await this.ready();
    const flags = this.probe(() => this.#core.mmapSync(typeof source === "string" ? source : "source", options));
    if (isBlob(source) && openMode(flags).writable) {
      throw new MmapError(
        "EACCES",
        "mmap",
        "a File or Blob is read-only: map it 'private' to keep writes in memory, or 'r'",
        {
          path: blobLabel(source),
        },
      );
    }
    const handle = await this.open(source, flags, undefined, remoteOptions(options ?? {}, "mmap"));
    try {
      const file = this.#files.get(handle);
      const populate = (bits("MAP", options?.flags ?? "shared", "flags", "mmap") & MAP_POPULATE) !== 0;
      if (populate && file instanceof StagedHostFile) {
        // MAP_POPULATE reads everything now: fetch it first.
        const offset = options?.offset ?? 0;
        const release = await file.stage([[offset, options?.length ?? Math.max(0, file.size - offset)]]);
        try {
          return this.mapHandle(handle, options);
        } finally {
          release();
        }
      }
      return this.mapHandle(handle, options);
    } finally {
      handle.close();
    }
  }

  attach(handle: SharedMemoryHandle): BrowserMapping {
    return this.wrap(this.#core.attach(handle), undefined);
  }

  async flush(): Promise<void> {
    const files = [...this.#queued];
    await Promise.all(files.map((f) => f.flush()));
    for (const f of files) if (!f.dirty) this.#queued.delete(f);
  }

  // ---- address-level calls ----

  munmap(address: number, length: number): void {
    this.#core.munmap(address, length);
  }

  msync(address: number, length: number, flags?: number | string): void {
    this.#core.msync(address, length, flags);
  }

  mprotect(address: number, length: number, prot: Prot): void {
    this.#core.mprotect(address, length, prot);
  }

  madvise(address: number, length: number, advice: number | string): void {
    this.#core.madvise(address, length, advice);
  }

  mincore(address: number, length: number): Uint8Array {
    return this.#core.mincore(address, length);
  }
}

function blobLabel(blob: Blob): string {
  const name = (blob as { name?: unknown }).name;
  return typeof name === "string" && name !== "" ? name : `blob (${blob.size} bytes)`;
}

/**
 * A mapping as the browser entry hands it out: the core's mapping plus
 * load-ahead, and errors that say what to do when a page is not loaded.
 * Browsers.
 */
class BrowserMappingImpl implements BrowserMapping {
  readonly backend = "wasm" as const;

  constructor(
    private readonly inner: Mapping,
    private readonly file: HostFile | undefined,
  ) {}

  get address(): number {
    return this.inner.address;
  }
  get length(): number {
    return this.inner.length;
  }
  get offset(): number {
    return this.inner.offset;
  }
  get prot(): number {
    return this.inner.prot;
  }
  get flags(): number {
    return this.inner.flags;
  }
  get mapped(): boolean {
    return this.inner.mapped;
  }
  get path(): string | undefined {
    return (this.inner as { path?: string }).path;
  }

  /** Runs an access; a page that is not loaded becomes an error that says to load it. */
  private guard<T>(call: () => T, offset: number | undefined, length: number | undefined): T {
    try {
      return call();
    } catch (e) {
      if (isMmapError(e) && e.code === "EAGAIN" && this.file instanceof StagedHostFile) {
        const from = offset ?? 0;
        const size = length ?? Math.max(0, this.length - from);
        const path = this.path;
        throw new MmapError(
          "EAGAIN",
          e.syscall,
          `bytes ${from}..${from + size} of this file mapping are not loaded, and the main thread cannot read files synchronously: \`await mapping.load(${from}, ${size})\` first (or use the mapping in a dedicated worker)`,
          path === undefined ? { cause: e } : { path, cause: e },
        );
      }
      throw e;
    }
  }

  get bytes(): Uint8Array {
    return this.guard(() => this.inner.bytes, 0, this.length);
  }

  view(offset?: number, length?: number, access?: Access): Uint8Array {
    return this.guard(() => this.inner.view(offset, length, access), offset, length);
  }

  read(offset?: number, length?: number): Uint8Array {
    return this.guard(() => this.inner.read(offset, length), offset, length);
  }

  // The caller's buffer's length through the intrinsic getters: its own getter is the caller's code (plainBytes).
  readInto(target: Uint8Array, offset?: number): number {
    return this.guard(() => this.inner.readInto(target, offset), offset, plainBytes(target)?.length);
  }

  write(source: Uint8Array | string, offset?: number): number {
    return this.guard(
      () => this.inner.write(source, offset),
      offset,
      typeof source === "string" ? undefined : plainBytes(source)?.length,
    );
  }

  msync(flags?: number | string, offset?: number, length?: number): void {
    this.guard(() => this.inner.msync(flags, offset, length), offset, length);
  }

  munmap(offset?: number, length?: number): void {
    this.guard(() => this.inner.munmap(offset, length), offset, length);
  }

  mprotect(prot: Prot, offset?: number, length?: number): void {
    this.inner.mprotect(prot, offset, length);
  }

  mremap(newLength: number, flags?: number | string): void {
    this.inner.mremap(newLength, flags);
  }

  madvise(advice: number | string, offset?: number, length?: number): void {
    this.guard(() => this.inner.madvise(advice, offset, length), offset, length);
  }

  mincore(offset?: number, length?: number): Uint8Array {
    return this.inner.mincore(offset, length);
  }

  share(): SharedMemoryHandle {
    return this.inner.share();
  }

  async load(offset = 0, length?: number): Promise<void> {
    const size = length ?? Math.max(0, this.length - offset);
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(size) || size < 0 || offset + size > this.length) {
      throw new MmapError(
        "EINVAL",
        "load",
        `offset ${describeValue(offset)} + length ${describeValue(length)} must lie within the mapping (${this.length} bytes)`,
      );
    }
    if (size === 0) return;
    const start = offset - (offset % PAGE_SIZE);
    const end = Math.min(this.length, Math.ceil((offset + size) / PAGE_SIZE) * PAGE_SIZE);
    const file = this.file;
    if (!(file instanceof StagedHostFile)) {
      // Synchronous access exists here: loading is a prefetch.
      this.inner.madvise("willneed", start, end - start);
      return;
    }
    const resident = this.inner.mincore(start, end - start);
    const ranges: Array<[number, number]> = [];
    for (let i = 0; i < resident.length; ) {
      if (resident[i]) {
        i++;
        continue;
      }
      let j = i;
      while (j < resident.length && !resident[j]) j++;
      ranges.push([this.offset + start + i * PAGE_SIZE, (j - i) * PAGE_SIZE]);
      i = j;
    }
    if (ranges.length === 0) return;
    const release = await file.stage(ranges);
    try {
      this.guard(() => this.inner.madvise("willneed", start, end - start), offset, size);
    } finally {
      release();
    }
  }

  async msyncAsync(flags?: number | string, offset?: number, length?: number): Promise<void> {
    this.msync(flags, offset, length);
    if (this.file instanceof StagedHostFile) await this.file.flush();
  }

  [Symbol.dispose](): void {
    if (this.mapped) this.munmap();
  }
}
