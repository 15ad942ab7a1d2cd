import type {
  Anymmap,
  Backend,
  BackendChoice,
  FileHandle,
  HostIOStats,
  Info,
  InstanceOptions,
  MapOptions,
  MapSource,
  OpenFlags,
  Prot,
  SharedMemoryHandle,
  WindowedOptions,
} from "../contract/api.js";
import { AttachedMemory } from "./attached-memory.js";
import {
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_PRIVATE,
  MAP_SHARED,
  MAP_SHARED_VALIDATE,
  MAP_TYPE,
  PAGE_SIZE,
  PROT_WRITE,
} from "../contract/constants.js";
import type { Engine, MapKnown } from "../engines/engine.js";
import { MmapError } from "../contract/errors.js";
import { hint, noSharedArrayBuffer } from "../contract/messages.js";
import { FileHandleImpl } from "./file-handle.js";
import { MappingImpl, MappingState } from "./mapping.js";
import { NativeEngine } from "../engines/native-engine.js";
import type { NativeMman } from "../engines/native-mman.js";
import { PLATFORMS } from "../engines/platform.js";
import { isUrl, type RemoteOptions } from "../remote/remote-file.js";
import {
  bits,
  describeValue,
  integer,
  optionalBackend,
  pageAligned,
  remoteOptions,
  urlSource,
} from "../contract/validate.js";
import { type AtExit, WasmEngine } from "../engines/wasm-engine.js";
import { DEFAULT_WINDOW_BUDGET, WindowedMappingImpl } from "./windowed.js";
import type { HostFile } from "../../wasi/host-file.js";
import { WasiHost } from "../../wasi/host.js";

const BACKEND_CHOICES = new Set(["auto", "native", "wasm"]);

/** Linux's default vm.mmap_min_addr: a fixed mapping below it is EPERM (mmap(2)). */
const MMAP_MIN_ADDR = 0x10000;

/** Which build of the core: "shared" is anymmap-shared.wasm, whose memory is a shared WebAssembly.Memory. */
export type WasmVariant = "default" | "shared";

/** The file of each build, next to the runtime entries (dist/). */
export const WASM_FILES: Record<WasmVariant, string> = { default: "anymmap.wasm", shared: "anymmap-shared.wasm" };

/** What a runtime gives the core: files, errors, the compiled module and, where it can reach the OS, the native calls. */
export interface RuntimeAdapter {
  readonly runtime: string;
  readonly version: string;
  /** Opens a host file (`remote` bounds the reads of a URL); throws MmapError (syscall "open") on failure. */
  openFile(path: string, flags: OpenFlags, mode?: number, remote?: RemoteOptions): HostFile;
  /** The runtime's exception to a WASI errno. */
  mapError(e: unknown): number;
  /** The core module, compiled synchronously; absent where only async compilation exists. */
  compileSync?(variant: WasmVariant): WebAssembly.Module;
  compile(variant: WasmVariant): Promise<WebAssembly.Module>;
  /**
   * The operating system's mman calls, for the native backend; throws an
   * Error whose message says why they are unavailable (addon not built, no
   * --allow-ffi...). Absent where a runtime has none (browsers).
   */
  native?(): NativeMman;
  /** The backend asked for by the environment (ANYMMAP_BACKEND), if any. */
  readonly backendChoice?: string;
  /** The WASM engine's memory asked for by the environment (ANYMMAP_WASM_MEMORY: "shared" or "unshared"), if any. */
  readonly memoryChoice?: string;
  /**
   * Runs the WASM engines' write-back of unsynced MAP_SHARED pages when the
   * runtime exits, synchronously; absent where a runtime has no such moment.
   */
  readonly atExit?: AtExit;
}

const OPEN_FLAGS = new Set(["r", "r+", "w", "w+", "wx", "wx+", "a", "a+", "ax", "ax+"]);

/**
 * An address space over one runtime adapter, loaded on first use.
 * All runtimes (through their entry's `createInstance`).
 */
export class AnymmapInstance implements Anymmap {
  readonly pageSize = PAGE_SIZE;
  #engine?: WasmEngine;
  #loading?: Promise<WasmEngine>;
  /** The native engine once loaded; null when it cannot be, with the reason. */
  #native?: NativeEngine | null;
  #nativeReason?: string;
  /** Live mappings, oldest first. */
  #live = new Set<MappingState>();
  /**
   * A mapping dropped without munmap is unmapped once its Mapping object
   * and every view it handed out are garbage: a view kept alone must not
   * start reading zeros.
   */
  #finalizer = new FinalizationRegistry<MappingState>((state) => this.collected(state));

  readonly #variant: WasmVariant;
  /** Why the environment's memory choice is refused, reported when the engine loads. */
  readonly #badMemoryChoice?: string;

  constructor(
    private readonly adapter: RuntimeAdapter,
    options: InstanceOptions = {},
  ) {
    if (typeof options !== "object" || options === null) {
      throw new MmapError("EINVAL", "createInstance", "options must be an object, e.g. { sharedMemory: true }");
    }
    if (options.sharedMemory !== undefined && typeof options.sharedMemory !== "boolean") {
      throw new MmapError(
        "EINVAL",
        "createInstance",
        `options.sharedMemory must be true or false, got ${describeValue(options.sharedMemory)}`,
      );
    }
    const fromEnv = adapter.memoryChoice ?? "";
    if (!["", "shared", "unshared"].includes(fromEnv))
      this.#badMemoryChoice = `ANYMMAP_WASM_MEMORY must be shared or unshared, got ${JSON.stringify(fromEnv)}`;
    this.#variant = (options.sharedMemory ?? fromEnv === "shared") ? "shared" : "default";
    if (this.#variant === "shared" && typeof SharedArrayBuffer === "undefined") {
      throw new MmapError("ENOTSUP", "createInstance", noSharedArrayBuffer(adapter.runtime));
    }
  }

  get runtime(): string {
    return this.adapter.runtime;
  }

  /**
   * The instance's choice: ANYMMAP_BACKEND when set, else "auto". A value
   * it cannot be ("nativ") fails every call that relies on it (not the
   * import, nor calls that pass their own backend).
   */
  private choice(syscall: string): BackendChoice {
    const c = this.adapter.backendChoice;
    if (c === undefined || c === "") return "auto";
    if (!BACKEND_CHOICES.has(c)) {
      throw new MmapError(
        "EINVAL",
        syscall,
        `the environment variable ANYMMAP_BACKEND must be auto, native or wasm, got ${JSON.stringify(c)}: correct or unset it, or pass { backend } to each call`,
      );
    }
    return c as BackendChoice;
  }

  /** The native engine, loaded on first use, or undefined (and #nativeReason says why). */
  private nativeEngine(): NativeEngine | undefined {
    if (this.#native !== undefined) return this.#native ?? undefined;
    this.#native = null;
    if (!this.adapter.native) {
      this.#nativeReason = `${this.adapter.runtime} has no way to call the operating system's mmap`;
      return undefined;
    }
    try {
      const mman = this.adapter.native();
      const platform = PLATFORMS[mman.platform];
      if (!platform)
        throw new Error(
          `no platform table for ${mman.platform} (src/core/engines/platform.ts has ${Object.keys(PLATFORMS).join(", ")})`,
        );
      this.#native = new NativeEngine(mman, platform);
    } catch (e) {
      this.#nativeReason = e instanceof Error ? e.message : String(e);
    }
    return this.#native ?? undefined;
  }

  /**
   * The backend a call gets for `choice` (the instance's when undefined),
   * for `source` when it is a path: a URL is read by the WASM engine only
   * (the kernel cannot map it), whatever the instance's default.
   */
  private backendFor(choice: unknown, syscall: string, source?: unknown): Backend {
    if (choice !== undefined && (typeof choice !== "string" || !BACKEND_CHOICES.has(choice))) {
      throw new MmapError(
        "EINVAL",
        syscall,
        `backend must be "auto", "native" or "wasm", got ${describeValue(choice)}`,
      );
    }
    if (typeof source === "string" && isUrl(source)) {
      if (choice === "native") {
        throw new MmapError(
          "ENOTSUP",
          syscall,
          `the native backend maps the operating system's files and cannot read a URL; URLs are read by the WASM engine: pass backend "auto" or "wasm"`,
          { path: source },
        );
      }
      return "wasm";
    }
    const c = choice ?? this.choice(syscall);
    if (c === "wasm") return "wasm";
    if (this.nativeEngine()) return "native";
    if (c === "native") {
      throw new MmapError(
        "ENOSYS",
        syscall,
        `the native backend is unavailable in ${this.adapter.runtime}: ${this.#nativeReason}; use backend "auto" or "wasm"`,
      );
    }
    return "wasm";
  }

  private engineFor(choice: unknown, syscall: string, source?: unknown): Engine {
    return this.backendFor(choice, syscall, source) === "native" ? this.nativeEngine()! : this.engine;
  }

  /** The engine that holds an address: native addresses are the kernel's, the rest the WASM engine's. */
  private engineAt(address: number): Engine {
    const native = this.#native;
    if (native && (native.owns(address) || !this.#engine)) return native;
    return this.engine;
  }

  /**
   * The backend new mappings get by default. Never throws (the entries read
   * it at import): with an invalid ANYMMAP_BACKEND it is what "auto" would
   * give, and the calls themselves throw EINVAL.
   */
  get backend(): Backend {
    return this.backendFor(this.validChoice() ? undefined : "auto", "mmap");
  }

  private validChoice(): boolean {
    const c = this.adapter.backendChoice;
    return c === undefined || c === "" || BACKEND_CHOICES.has(c);
  }

  /** The WASM engine, compiled synchronously on first use. */
  get engine(): WasmEngine {
    if (this.#engine) return this.#engine;
    if (!this.adapter.compileSync) {
      throw new MmapError(
        "ENOSYS",
        "mmap",
        `${this.adapter.runtime} cannot compile WebAssembly synchronously here; use the async form (await mmap(...)) first`,
      );
    }
    if (this.#badMemoryChoice) throw new MmapError("EINVAL", "load", this.#badMemoryChoice);
    return this.start(this.adapter.compileSync(this.#variant));
  }

  /** True when the WASM engine's memory is (or will be) a shared WebAssembly.Memory. */
  get sharedMemory(): boolean {
    return this.#variant === "shared";
  }

  private start(module: WebAssembly.Module): WasmEngine {
    const host = new WasiHost({ mapError: (e) => this.adapter.mapError(e) });
    this.#engine ??= new WasmEngine(
      module,
      host,
      (path, flags, mode, remote) => this.adapter.openFile(path, flags, mode, remote),
      this.adapter.atExit,
    );
    return this.#engine;
  }

  /** Loads the WASM engine once; a failed load is retried by the next call. */
  /** The WASM engine is loaded: calls that would wait for it run within the call. */
  get loaded(): boolean {
    return this.#engine !== undefined;
  }

  async ready(): Promise<WasmEngine> {
    if (this.#engine) return this.#engine;
    if (this.#badMemoryChoice) throw new MmapError("EINVAL", "load", this.#badMemoryChoice);
    this.#loading ??= this.adapter.compile(this.#variant).then(
      (module) => this.start(module),
      (e: unknown) => {
        this.#loading = undefined;
        // An adapter's own MmapError (a missing permission, say) already says what to do.
        if (e instanceof MmapError) throw e;
        throw new MmapError("ENOEXEC", "load", `cannot load anymmap.wasm: ${String(e)}`, { cause: e });
      },
    );
    return this.#loading;
  }

  /** The engines loaded so far. */
  private engines(): Engine[] {
    const out: Engine[] = [];
    if (this.#engine) out.push(this.#engine);
    if (this.#native) out.push(this.#native);
    return out;
  }

  /** Host I/O of every engine, summed: for the native backend, descriptor I/O (the kernel's paging is not visible). */
  get hostIO(): HostIOStats {
    const engines = this.engines();
    if (engines.length === 0) engines.push(this.engineFor(undefined, "mmap"));
    const sum: HostIOStats = { reads: 0, readBytes: 0, writes: 0, writtenBytes: 0, syncs: 0, truncates: 0 };
    for (const e of engines) for (const k of Object.keys(sum) as Array<keyof HostIOStats>) sum[k] += e.stats[k];
    return sum;
  }

  resetHostIO(): void {
    for (const e of this.engines()) e.resetStats();
  }

  /** `remote` (not part of the public contract) bounds the reads of a URL: mmapSync and mmapWindowedSync pass their options' timeout and signal. */
  openSync(
    pathOrUrl: string | URL,
    flags: OpenFlags = "r",
    mode?: number,
    backend?: BackendChoice,
    remote?: RemoteOptions,
  ): FileHandle {
    const path = urlSource(pathOrUrl, "open");
    if (typeof path !== "string" || path === "") {
      throw new MmapError("EINVAL", "open", `path must be a non-empty string, got ${describeValue(path)}`);
    }
    // The kernel (and every C string) ends a path at its first NUL: "secret.bin\0.public" would open secret.bin.
    if (path.includes("\0")) {
      throw new MmapError(
        "EINVAL",
        "open",
        `path must not contain a NUL character ("\\0"), got ${JSON.stringify(path)}`,
      );
    }
    // A lone surrogate has no UTF-8: every runtime writes it as U+FFFD, so "a\uD800" and "a\uDC00" would be one file.
    if (/[\uD800-\uDFFF]/u.test(path)) {
      throw new MmapError(
        "EILSEQ",
        "open",
        `path ${JSON.stringify(path)} holds a lone UTF-16 surrogate, which no file name can hold; pass a well-formed string`,
      );
    }
    if (!OPEN_FLAGS.has(flags)) {
      throw new MmapError(
        "EINVAL",
        "open",
        `flags must be one of ${[...OPEN_FLAGS].join(", ")}, got ${describeValue(flags)}`,
      );
    }
    const checkedMode = mode === undefined ? undefined : integer(mode, "mode", "open", 0, 0o7777);
    const engine = this.engineFor(backend, "open", path);
    return new FileHandleImpl(engine, this, engine.open(path, flags, checkedMode, remote), path);
  }

  async open(pathOrUrl: string | URL, flags?: OpenFlags, mode?: number, backend?: BackendChoice): Promise<FileHandle> {
    const path = urlSource(pathOrUrl, "open");
    if (this.backendFor(backend, "open", path) === "wasm") await this.ready();
    return this.openSync(path, flags, mode, backend);
  }

  mmapSync(sourceOrUrl: MapSource, options: MapOptions = {}): MappingImpl {
    const source = urlSource(sourceOrUrl, "mmap");
    if (typeof options !== "object" || options === null) {
      throw new MmapError("EINVAL", "mmap", "options must be an object");
    }
    const anonymous = source === null || source === undefined;
    optionalBackend(options.backend, "mmap");
    const remote = remoteOptions(options, "mmap");
    const prot = bits("PROT", options.prot ?? "r", "prot", "mmap");
    let flags = bits("MAP", options.flags ?? (anonymous ? "private" : "shared"), "flags", "mmap");
    const offset = pageAligned(options.offset ?? 0, "offset", "mmap");
    const engine =
      source instanceof FileHandleImpl && options.backend === undefined
        ? source.engine
        : this.engineFor(options.backend, "mmap", source);
    const requested = integer(options.address ?? 0, "address", "mmap", 0, Number.MAX_SAFE_INTEGER);
    const fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;
    // Only an exact address must be aligned: a hint is rounded, as on Linux.
    if (fixed) pageAligned(requested, "address", "mmap");
    // Linux's default vm.mmap_min_addr, on both backends (the WASM engine said ENOMEM, its heap being there).
    const mapType = flags & MAP_TYPE;
    const typed = mapType === MAP_SHARED || mapType === MAP_PRIVATE || mapType === MAP_SHARED_VALIDATE;
    if (fixed && typed && requested < MMAP_MIN_ADDR) {
      throw new MmapError(
        "EPERM",
        "mmap",
        `a fixed address below ${MMAP_MIN_ADDR} (0x${MMAP_MIN_ADDR.toString(16)}, Linux's mmap_min_addr) cannot be mapped; map without a fixed address or at a higher one`,
        typeof source === "string" ? { path: source } : undefined,
      );
    }
    if (fixed && requested >= engine.addressLimit) {
      throw new MmapError(
        "ENOMEM",
        "mmap",
        `the address is past the end of the ${engine.backend} backend's address space (${engine.addressLimit} bytes); choose a lower one`,
      );
    }
    // A hint past the end of the address space is no hint, as Linux ignores one past the end of user space.
    const address = requested < engine.addressLimit ? requested : 0;
    if (anonymous) flags |= MAP_ANONYMOUS;
    if (typeof source === "string") {
      const type = flags & MAP_TYPE;
      const writable = (type === MAP_SHARED || type === MAP_SHARED_VALIDATE) && (prot & PROT_WRITE) !== 0;
      const handle = this.openSync(source, writable ? "r+" : "r", undefined, engine.backend, remote);
      try {
        return this.mapHandle(handle as unknown as FileHandleImpl, prot, flags, offset, options.length, address, true);
      } finally {
        handle.close();
      }
    }
    if (anonymous) {
      if (options.length === undefined) {
        throw new MmapError("EINVAL", "mmap", "anonymous mappings need a length");
      }
      return this.mapFd(engine, -1, prot, flags, 0, this.length(engine, options.length), address);
    }
    if (!(source instanceof FileHandleImpl) || source.owner !== this) {
      throw new MmapError(
        "EBADF",
        "mmap",
        "source must be a path, null (anonymous) or a FileHandle opened by this instance's open()",
      );
    }
    if (source.engine !== engine) {
      throw new MmapError(
        "EINVAL",
        "mmap",
        `this FileHandle was opened for the ${source.engine.backend} backend; open the file with backend "${engine.backend}" to map it there`,
        { path: source.path },
      );
    }
    return this.mapHandle(source, prot, flags, offset, options.length, address);
  }

  async mmap(sourceOrUrl: MapSource, options?: MapOptions): Promise<MappingImpl> {
    const source = urlSource(sourceOrUrl, "mmap");
    const choice = source instanceof FileHandleImpl ? source.engine.backend : options?.backend;
    // Mapped within the call once the engine is loaded, as the native backend maps: the caller may close
    // the handle (or change the file) right after calling, before awaiting.
    if (this.backendFor(choice, "mmap", source) === "wasm" && !this.loaded) await this.ready();
    return this.mmapSync(source, options);
  }

  mmapWindowedSync(source: MapSource, options?: WindowedOptions): WindowedMappingImpl {
    return new WindowedMappingImpl(this, urlSource(source, "mmap"), options);
  }

  async mmapWindowed(source: MapSource, options?: WindowedOptions): Promise<WindowedMappingImpl> {
    await this.ready();
    return this.mmapWindowedSync(source, options);
  }

  private length(engine: Engine, value: unknown): number {
    const n = integer(value, "length", "mmap");
    if (n === 0) throw new MmapError("EINVAL", "mmap", "length must be greater than 0");
    if (n > engine.maxMapping) {
      const where =
        engine.backend === "wasm"
          ? "the 4 GiB WebAssembly address space"
          : `one ArrayBuffer of ${this.adapter.runtime} (at most ${engine.maxMapping} bytes)`;
      throw new MmapError(
        "ENOMEM",
        "mmap",
        `${n} bytes do not fit ${where}; map a window of at most ${engine.maxMapping} bytes (offset + length)`,
      );
    }
    return n;
  }

  private mapHandle(
    handle: FileHandleImpl,
    prot: number,
    flags: number,
    offset: number,
    length: number | undefined,
    address: number,
    justOpened = false,
  ): MappingImpl {
    const fd = handle.use("mmap");
    // A file opened by this very call has the size its open saw, where the engine knows it.
    let fileSize = justOpened ? handle.engine.openedSize?.(fd) : undefined;
    let size: number;
    if (length === undefined) {
      fileSize ??= handle.size();
      size = fileSize - offset;
      if (size <= 0) {
        throw new MmapError(
          "EINVAL",
          "mmap",
          `nothing to map: the file has ${size + offset} bytes and offset is ${offset}; pass a length to map past its end`,
          { path: handle.path },
        );
      }
    } else {
      size = length;
    }
    return this.mapFd(handle.engine, fd, prot, flags, offset, this.length(handle.engine, size), address, handle.path, {
      fileSize,
      closesFd: justOpened,
    });
  }

  private mapFd(
    engine: Engine,
    fd: number,
    prot: number,
    flags: number,
    offset: number,
    length: number,
    address: number,
    path?: string,
    known?: MapKnown,
  ): MappingImpl {
    const at = engine.mmap(address, length, prot, flags, fd, offset, path, known);
    if (flags & MAP_FIXED) this.release(engine, at, length, true);
    const state = new MappingState(engine, at, length);
    this.#live.add(state);
    const type = flags & MAP_TYPE;
    const shared = type === MAP_SHARED || type === MAP_SHARED_VALIDATE;
    const readOnlyFile = fd >= 0 && shared && engine.sharedWritable?.(fd) === false;
    return new MappingImpl(this, state, offset, prot, flags, path, readOnlyFile);
  }

  /** Tells live mappings that [address, address+length) left them: one layer, newest first, or all. */
  private release(engine: Engine, address: number, length: number, all: boolean): void {
    let remaining: Array<[number, number]> = [[address, address + length]];
    for (const m of [...this.#live].reverse()) {
      if (remaining.length === 0) break;
      if (m.engine !== engine) continue;
      const next: Array<[number, number]> = [];
      for (const [a, b] of remaining) {
        if (!m.covers(a, b - a)) {
          next.push([a, b]);
          continue;
        }
        m.cut(a, b - a);
        if (all) next.push([a, b]);
        else {
          if (a < m.address) next.push([a, m.address]);
          if (b > m.address + m.length) next.push([m.address + m.length, b]);
        }
      }
      remaining = next;
      if (!m.mapped) this.released(m);
    }
  }

  released(state: MappingState): void {
    if (state.mapped) return;
    this.#live.delete(state);
    this.#finalizer.unregister(state);
  }

  hold(state: MappingState, holder: object): void {
    state.holders++;
    this.#finalizer.register(holder, state, state);
  }

  private collected(state: MappingState): void {
    if (--state.holders > 0 || !state.mapped) return;
    try {
      for (const [a, n] of state.segments(state.address, state.length)) {
        state.engine.munmap(a, n);
        state.cut(a, n);
      }
    } catch {
      // Write-back failed: the pages stay mapped (and dirty) rather than lost.
      return;
    }
    this.#live.delete(state);
  }

  munmap(address: number, length: number): void {
    const a = pageAligned(address, "address", "munmap");
    const engine = this.engineAt(a);
    const n = integer(length, "length", "munmap", 1, engine.addressLimit);
    engine.munmap(a, n);
    this.release(engine, a, n, false);
  }

  msync(address: number, length: number, flags: number | string = "sync"): void {
    const a = pageAligned(address, "address", "msync");
    const engine = this.engineAt(a);
    engine.msync(a, integer(length, "length", "msync", 0, engine.addressLimit), bits("MS", flags, "flags", "msync"));
  }

  mprotect(address: number, length: number, prot: Prot): void {
    const a = pageAligned(address, "address", "mprotect");
    const engine = this.engineAt(a);
    const n = integer(length, "length", "mprotect", 0, engine.addressLimit);
    const p = bits("PROT", prot, "prot", "mprotect");
    if (p & PROT_WRITE) {
      for (const state of this.#live) {
        if (state.engine === engine && state.readOnlyFile && state.covers(a, n))
          throw new MmapError("EACCES", "mprotect", hint("mprotect", "EACCES"));
      }
    }
    engine.mprotect(a, n, p);
    // The Mappings over the range answer `prot`, and check writes, with the new protection.
    for (const state of this.#live) if (state.engine === engine) state.protect(a, n, p);
  }

  madvise(address: number, length: number, advice: number | string): void {
    const a = pageAligned(address, "address", "madvise");
    const engine = this.engineAt(a);
    engine.madvise(
      a,
      integer(length, "length", "madvise", 0, engine.addressLimit),
      bits("MADV", advice, "advice", "madvise"),
    );
  }

  mincore(address: number, length: number): Uint8Array {
    const a = pageAligned(address, "address", "mincore");
    const engine = this.engineAt(a);
    return engine.mincore(a, integer(length, "length", "mincore", 0, engine.addressLimit));
  }

  attach(handle: SharedMemoryHandle): MappingImpl {
    if (typeof handle !== "object" || handle === null || handle.type !== "anymmap.shared-memory") {
      throw new MmapError(
        "EINVAL",
        "attach",
        "handle must be what a mapping's share() returned, as postMessage delivered it",
      );
    }
    const length = integer(handle.length, "handle.length", "attach", 1);
    const prot = integer(handle.prot, "handle.prot", "attach", 0, 7);
    if (!(handle.lock instanceof Int32Array) || handle.lock.length < 1) {
      throw new MmapError(
        "EINVAL",
        "attach",
        "handle.lock is not share()'s Int32Array: pass the handle share() returned unchanged",
      );
    }
    let engine: Engine;
    let at: number;
    if (handle.backend === "native") {
      const fd = integer(handle.fd, "handle.fd", "attach", 0, 2 ** 31 - 1);
      const offset = integer(handle.offset, "handle.offset", "attach");
      const native = this.nativeEngine();
      if (!native) {
        throw new MmapError(
          "ENOSYS",
          "attach",
          `the memory was shared by the native backend, which is unavailable in ${this.adapter.runtime}: ${this.#nativeReason}`,
        );
      }
      at = native.attach({ ...handle, fd, offset }, length, prot);
      engine = native;
    } else {
      at = pageAligned(handle.address, "handle.address", "attach");
      engine = new AttachedMemory(handle);
    }
    const state = new MappingState(engine, at, length);
    this.#live.add(state);
    return new MappingImpl(this, state, 0, prot, MAP_SHARED | MAP_ANONYMOUS);
  }

  info(): Info {
    this.choice("info");
    const backend = this.backend;
    const engines = this.engines();
    if (engines.length === 0) engines.push(this.engineFor(backend, "mmap"));
    const info: Info = {
      version: this.adapter.version,
      runtime: this.adapter.runtime,
      backend,
      pageSize: PAGE_SIZE,
      residentBytes: engines.reduce((n, e) => n + e.residentBytes(), 0),
      mappings: engines.reduce((n, e) => n + e.mappingCount(), 0),
      windowBudget: DEFAULT_WINDOW_BUDGET,
      sharedMemory: this.sharedMemory,
    };
    if (backend !== "native") {
      info.nativeUnavailable = this.nativeEngine()
        ? `ANYMMAP_BACKEND=${this.adapter.backendChoice} asks for the WASM engine`
        : this.#nativeReason;
    }
    return info;
  }
}
