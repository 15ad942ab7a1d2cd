import type { Anymmap, FileHandle, HostIOStats, Info, MapOptions, MapSource, OpenFlags, Prot, WindowedOptions } from "./api.js";
import { MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_SHARED, MAP_SHARED_VALIDATE, MAP_TYPE, PAGE_SIZE, PROT_WRITE } from "./constants.js";
import { Engine, MAX_MAPPING } from "./engine.js";
import { MmapError } from "./errors.js";
import { FileHandleImpl } from "./file-handle.js";
import { MappingImpl, MappingState } from "./mapping.js";
import { bits, integer, pageAligned } from "./validate.js";
import { DEFAULT_WINDOW_BUDGET, WindowedMappingImpl } from "./windowed.js";
import type { HostFile } from "../wasi/host-file.js";
import { WasiHost } from "../wasi/host.js";

/** What a runtime gives the core: files, errors and the compiled module. */
export interface RuntimeAdapter {
  readonly runtime: string;
  readonly version: string;
  /** Opens a host file; throws MmapError (syscall "open") on failure. */
  openFile(path: string, flags: OpenFlags, mode?: number): HostFile;
  /** The runtime's exception to a WASI errno. */
  mapError(e: unknown): number;
  /** The core module, compiled synchronously; absent where only async compilation exists. */
  compileSync?(): WebAssembly.Module;
  compile(): Promise<WebAssembly.Module>;
}

const OPEN_FLAGS = new Set(["r", "r+", "w", "w+", "wx", "wx+", "a", "a+", "ax", "ax+"]);

/**
 * An address space over one runtime adapter, loaded on first use.
 * All runtimes (through their entry's `createInstance`).
 */
export class AnymmapInstance implements Anymmap {
  readonly pageSize = PAGE_SIZE;
  readonly backend = "wasm" as const;
  #engine?: Engine;
  #loading?: Promise<Engine>;
  /** Live mappings, oldest first. */
  #live = new Set<MappingState>();
  /**
   * A mapping dropped without munmap is unmapped once its Mapping object
   * and every view it handed out are garbage: a view kept alone must not
   * start reading zeros.
   */
  #finalizer = new FinalizationRegistry<MappingState>((state) => this.collected(state));

  constructor(private readonly adapter: RuntimeAdapter) {}

  get runtime(): string {
    return this.adapter.runtime;
  }

  get engine(): Engine {
    if (this.#engine) return this.#engine;
    if (!this.adapter.compileSync) {
      throw new MmapError(
        "ENOSYS",
        "mmap",
        `${this.adapter.runtime} cannot compile WebAssembly synchronously here; use the async form (await mmap(...)) first`,
      );
    }
    return this.start(this.adapter.compileSync());
  }

  private start(module: WebAssembly.Module): Engine {
    const host = new WasiHost({ mapError: (e) => this.adapter.mapError(e) });
    this.#engine ??= new Engine(module, host);
    return this.#engine;
  }

  /** Loads the engine once; a failed load is retried by the next call. */
  async ready(): Promise<Engine> {
    if (this.#engine) return this.#engine;
    this.#loading ??= this.adapter.compile().then(
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

  get hostIO(): HostIOStats {
    return this.engine.host.stats;
  }

  resetHostIO(): void {
    this.engine.host.resetStats();
  }

  openSync(path: string, flags: OpenFlags = "r", mode?: number): FileHandle {
    if (typeof path !== "string" || path === "") {
      throw new MmapError("EINVAL", "open", `path must be a non-empty string, got ${String(path)}`);
    }
    if (!OPEN_FLAGS.has(flags)) {
      throw new MmapError("EINVAL", "open", `flags must be one of ${[...OPEN_FLAGS].join(", ")}, got ${String(flags)}`);
    }
    if (mode !== undefined) integer(mode, "mode", "open", 0, 0o7777);
    const engine = this.engine;
    const file = this.adapter.openFile(path, flags, mode);
    return new FileHandleImpl(engine, this, engine.host.open(file), path, file);
  }

  async open(path: string, flags?: OpenFlags, mode?: number): Promise<FileHandle> {
    await this.ready();
    return this.openSync(path, flags, mode);
  }

  mmapSync(source: MapSource, options: MapOptions = {}): MappingImpl {
    if (typeof options !== "object" || options === null) {
      throw new MmapError("EINVAL", "mmap", "options must be an object");
    }
    const anonymous = source === null || source === undefined;
    const prot = bits("PROT", options.prot ?? "r", "prot", "mmap");
    let flags = bits("MAP", options.flags ?? (anonymous ? "private" : "shared"), "flags", "mmap");
    const offset = pageAligned(options.offset ?? 0, "offset", "mmap");
    const address = integer(options.address ?? 0, "address", "mmap", 0, 2 ** 32 - 1);
    // Only an exact address must be aligned: a hint is rounded, as on Linux.
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) pageAligned(address, "address", "mmap");
    if (anonymous) flags |= MAP_ANONYMOUS;
    if (typeof source === "string") {
      const type = flags & MAP_TYPE;
      const writable = (type === MAP_SHARED || type === MAP_SHARED_VALIDATE) && (prot & PROT_WRITE) !== 0;
      const handle = this.openSync(source, writable ? "r+" : "r");
      try {
        return this.mapHandle(handle as FileHandleImpl, prot, flags, offset, options.length, address);
      } finally {
        handle.close();
      }
    }
    if (anonymous) {
      if (options.length === undefined) {
        throw new MmapError("EINVAL", "mmap", "anonymous mappings need a length");
      }
      return this.mapFd(-1, prot, flags, 0, this.length(options.length), address);
    }
    if (!(source instanceof FileHandleImpl) || source.owner !== this) {
      throw new MmapError(
        "EBADF",
        "mmap",
        "source must be a path, null (anonymous) or a FileHandle opened by this instance's open()",
      );
    }
    return this.mapHandle(source, prot, flags, offset, options.length, address);
  }

  async mmap(source: MapSource, options?: MapOptions): Promise<MappingImpl> {
    await this.ready();
    return this.mmapSync(source, options);
  }

  mmapWindowedSync(source: MapSource, options?: WindowedOptions): WindowedMappingImpl {
    return new WindowedMappingImpl(this, source, options);
  }

  async mmapWindowed(source: MapSource, options?: WindowedOptions): Promise<WindowedMappingImpl> {
    await this.ready();
    return this.mmapWindowedSync(source, options);
  }

  private length(value: unknown): number {
    const n = integer(value, "length", "mmap");
    if (n === 0) throw new MmapError("EINVAL", "mmap", "length must be greater than 0");
    if (n > MAX_MAPPING) {
      throw new MmapError(
        "ENOMEM",
        "mmap",
        `${n} bytes do not fit the 4 GiB WebAssembly address space; map a window of at most ${MAX_MAPPING} bytes (offset + length)`,
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
  ): MappingImpl {
    const fd = handle.use("mmap");
    let size: number;
    if (length === undefined) {
      size = handle.size() - offset;
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
    return this.mapFd(fd, prot, flags, offset, this.length(size), address, handle.path);
  }

  private mapFd(fd: number, prot: number, flags: number, offset: number, length: number, address: number, path?: string): MappingImpl {
    const engine = this.engine;
    const at = engine.mmap(address, length, prot, flags, fd, offset, path);
    if (flags & MAP_FIXED) this.release(at, length, true);
    const state = new MappingState(at, length);
    this.#live.add(state);
    return new MappingImpl(this, state, offset, prot, flags, path);
  }

  /** Tells live mappings that [address, address+length) left them: one layer, newest first, or all. */
  private release(address: number, length: number, all: boolean): void {
    let remaining: Array<[number, number]> = [[address, address + length]];
    for (const m of [...this.#live].reverse()) {
      if (remaining.length === 0) break;
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
        this.engine.munmap(a, n);
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
    const n = integer(length, "length", "munmap", 1, 2 ** 32);
    this.engine.munmap(a, n);
    this.release(a, n, false);
  }

  msync(address: number, length: number, flags: number | string = "sync"): void {
    this.engine.msync(
      pageAligned(address, "address", "msync"),
      integer(length, "length", "msync", 0, 2 ** 32),
      bits("MS", flags, "flags", "msync"),
    );
  }

  mprotect(address: number, length: number, prot: Prot): void {
    this.engine.mprotect(
      pageAligned(address, "address", "mprotect"),
      integer(length, "length", "mprotect", 0, 2 ** 32),
      bits("PROT", prot, "prot", "mprotect"),
    );
  }

  madvise(address: number, length: number, advice: number | string): void {
    this.engine.madvise(
      pageAligned(address, "address", "madvise"),
      integer(length, "length", "madvise", 0, 2 ** 32),
      bits("MADV", advice, "advice", "madvise"),
    );
  }

  mincore(address: number, length: number): Uint8Array {
    return this.engine.mincore(pageAligned(address, "address", "mincore"), integer(length, "length", "mincore", 0, 2 ** 32));
  }

  info(): Info {
    const engine = this.engine;
    return {
      version: this.adapter.version,
      runtime: this.adapter.runtime,
      backend: "wasm",
      pageSize: PAGE_SIZE,
      residentBytes: engine.residentBytes(),
      mappings: engine.mappingCount(),
      windowBudget: DEFAULT_WINDOW_BUDGET,
    };
  }
}
