/**
 * Synchronous OPFS paths in a dedicated worker. Opening an OPFS file is
 * asynchronous everywhere (getFileHandle, createSyncAccessHandle), so
 * `openSync(path)` cannot open one itself; instead a helper worker (the
 * "agent") holds the files, and this worker asks it through a
 * SharedArrayBuffer and blocks in `Atomics.wait` until it answers. Data
 * crosses through a shared staging buffer: one copy per read or write,
 * against none for files opened with `await open()`. Needs cross-origin
 * isolation (COOP/COEP) for SharedArrayBuffer and a dedicated worker for
 * Atomics.wait.
 */
import { WASI_ERRNO, errnoName as errnoNameOf } from "../../abi/errno.js";
import { MmapError } from "../../core/contract/errors.js";
import {
  FILETYPE_DIRECTORY,
  FILETYPE_REGULAR_FILE,
  HostFile,
  type HostFileOptions,
  type HostFileStat,
} from "../../wasi/host-file.js";
import { browser, type WorkerLike } from "./dom.js";
import { DEV_OPFS, OPEN_HINTS, type OpenMode, opfsIno, opfsKey } from "./identity.js";
import { mapBrowserError } from "./map-error.js";

// Operation codes; agentMain repeats them as literals (it runs as a string).
const OP_OPEN = 1;
const OP_READ = 2;
const OP_WRITE = 3;
const OP_SIZE = 4;
const OP_TRUNCATE = 5;
const OP_FLUSH = 6;
const OP_CLOSE = 7;
const OP_MKDIR = 8;
const OP_REMOVE = 9;

const IDLE = 0;
const REQUEST = 1;
// 2 is DONE, which only the agent stores: agentMain cannot see these constants.

/** Staging buffer: the most one round trip moves. */
const DATA_SIZE = 4 << 20;
/** How long a call waits for the agent before failing with EIO. */
const TIMEOUT_MS = 60_000;

/**
 * The agent's code. It runs in its own worker from a Blob URL, so it must
 * not refer to anything outside this function.
 */
function agentMain(): void {
  // biome-ignore lint/suspicious/noExplicitAny: the agent drives OPFS objects reached through an untyped globalThis in its own worker (agentMain runs from its source text)
  const g: any = globalThis;
  let i32: Int32Array;
  let f64: Float64Array;
  let data: Uint8Array;
  // biome-ignore lint/suspicious/noExplicitAny: the agent drives OPFS objects reached through an untyped globalThis in its own worker (agentMain runs from its source text)
  let root: any;
  // biome-ignore lint/suspicious/noExplicitAny: the agent drives OPFS objects reached through an untyped globalThis in its own worker (agentMain runs from its source text)
  const files = new Map<number, { kind: "file"; h: any } | { kind: "dir" }>();
  let next = 1;
  // ignoreBOM: a name that begins with U+FEFF keeps it (the default drops it: another name).
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const encoder = new TextEncoder();

  const named = (name: string): Error => Object.assign(new Error(name), { name });
  const parts = (path: string): string[] => {
    const out: string[] = [];
    for (const p of path.split("/")) {
      if (p === "" || p === ".") continue;
      if (p === "..") out.pop();
      else out.push(p);
    }
    return out;
  };
  const parent = async (names: string[], create: boolean) => {
    let dir = root;
    for (const n of names.slice(0, -1)) {
      try {
        dir = await dir.getDirectoryHandle(n, { create });
      } catch (e) {
        throw (e as Error).name === "TypeMismatchError" ? named("NotADirectoryError") : e;
      }
    }
    return dir;
  };
  // biome-ignore lint/suspicious/noExplicitAny: the agent drives OPFS objects reached through an untyped globalThis in its own worker (agentMain runs from its source text)
  const syncHandle = async (fh: { createSyncAccessHandle(o?: unknown): Promise<any> }) => {
    try {
      return await fh.createSyncAccessHandle({ mode: "readwrite-unsafe" });
    } catch (e) {
      if ((e as Error).name === "TypeError") return fh.createSyncAccessHandle();
      throw e;
    }
  };
  const file = (id: number) => {
    const f = files.get(id);
    if (!f) throw named("InvalidStateError");
    if (f.kind !== "file") throw named("TypeMismatchError");
    return f.h;
  };

  // flags: 1 create, 2 exclusive, 4 truncate, 8 writable
  async function open(path: string, flags: number): Promise<void> {
    const names = parts(path);
    const writable = (flags & 8) !== 0;
    if (names.length === 0) {
      if (writable) throw named("TypeMismatchError");
      files.set(next, { kind: "dir" });
      f64[0] = next++;
      i32[5] = 2;
      return;
    }
    const dir = await parent(names, false);
    const name = names[names.length - 1];
    if (flags & 2) {
      let exists = true;
      try {
        await dir.getFileHandle(name);
      } catch (e) {
        if ((e as Error).name === "NotFoundError") exists = false;
        else if ((e as Error).name !== "TypeMismatchError") throw e;
      }
      if (exists) throw named("FileExistsError");
    }
    // biome-ignore lint/suspicious/noExplicitAny: a FileSystemFileHandle, untyped like every OPFS object of the agent
    let fh: any;
    try {
      fh = await dir.getFileHandle(name, { create: (flags & 1) !== 0 });
    } catch (e) {
      if ((e as Error).name !== "TypeMismatchError" || writable) throw e;
      await dir.getDirectoryHandle(name);
      files.set(next, { kind: "dir" });
      f64[0] = next++;
      i32[5] = 2;
      return;
    }
    const h = await syncHandle(fh);
    if (flags & 4) h.truncate(0);
    files.set(next, { kind: "file", h });
    f64[0] = next++;
    i32[5] = 1;
  }

  async function handle(): Promise<void> {
    const op = i32[1];
    const id = i32[3]!;
    if (op === 1) {
      await open(decoder.decode(data.slice(0, i32[4])), i32[6]!);
    } else if (op === 2) {
      f64[0] = file(id).read(data.subarray(0, i32[4]), { at: f64[1] });
    } else if (op === 3) {
      f64[0] = file(id).write(data.subarray(0, i32[4]), { at: f64[1] });
    } else if (op === 4) {
      const f = files.get(id);
      f64[0] = f && f.kind === "dir" ? 0 : file(id).getSize();
      i32[5] = f && f.kind === "dir" ? 2 : 1;
    } else if (op === 5) {
      file(id).truncate(f64[1]);
    } else if (op === 6) {
      file(id).flush();
    } else if (op === 7) {
      const f = files.get(id);
      if (!f) throw named("InvalidStateError");
      files.delete(id);
      if (f.kind === "file") {
        f.h.flush();
        f.h.close();
      }
    } else if (op === 8) {
      const names = parts(decoder.decode(data.slice(0, i32[4])));
      let dir = root;
      for (const n of names) dir = await dir.getDirectoryHandle(n, { create: true });
    } else if (op === 9) {
      const names = parts(decoder.decode(data.slice(0, i32[4])));
      if (names.length === 0) throw named("InvalidModificationError");
      const dir = await parent(names, false);
      await dir.removeEntry(names[names.length - 1], { recursive: true });
    } else {
      throw named("NotSupportedError");
    }
  }

  async function serve(): Promise<void> {
    for (;;) {
      const state = Atomics.load(i32, 0);
      if (state !== 1) {
        const w = g.Atomics.waitAsync(i32, 0, state);
        if (w.async) await w.value;
        continue;
      }
      try {
        i32[2] = 0;
        await handle();
      } catch (e) {
        // The caller maps the DOMException name to an errno.
        const bytes = encoder.encode(String((e as Error)?.name ?? "Error"));
        data.set(bytes.subarray(0, 256));
        i32[4] = Math.min(bytes.length, 256);
        i32[2] = -1;
      }
      Atomics.store(i32, 0, 2); // DONE
      Atomics.notify(i32, 0);
    }
  }

  g.addEventListener("message", async (event: { data: { ctl: SharedArrayBuffer; data: SharedArrayBuffer } }) => {
    try {
      i32 = new Int32Array(event.data.ctl, 0, 8);
      f64 = new Float64Array(event.data.ctl, 32, 4);
      data = new Uint8Array(event.data.data);
      root = await g.navigator.storage.getDirectory();
      g.postMessage({ ready: true });
    } catch (e) {
      g.postMessage({ ready: false, error: String((e as Error)?.message ?? e) });
      return;
    }
    void serve();
  });
}

/** Errors the agent reports that are not DOMExceptions. */
const AGENT_NAMES: Readonly<Record<string, number>> = {
  FileExistsError: WASI_ERRNO.EEXIST,
  NotADirectoryError: WASI_ERRNO.ENOTDIR,
};

/**
 * The client side: blocking calls to an agent worker. One per worker (or
 * test harness); calls never overlap because each blocks until answered.
 * Browsers (dedicated workers, cross-origin isolated).
 */
export class OpfsAgent {
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #data: Uint8Array;
  readonly #encoder = new TextEncoder();
  readonly #decoder = new TextDecoder("utf-8", { ignoreBOM: true });

  private constructor(
    private readonly worker: WorkerLike,
    ctl: SharedArrayBuffer,
    data: SharedArrayBuffer,
  ) {
    this.#i32 = new Int32Array(ctl, 0, 8);
    this.#f64 = new Float64Array(ctl, 32, 4);
    this.#data = new Uint8Array(data);
  }

  /** Starts an agent worker and waits until it can serve. Rejects with the reason it cannot. Browsers (dedicated workers). */
  static async start(): Promise<OpfsAgent> {
    const Worker = browser().Worker;
    if (!Worker) throw new Error("this context cannot start workers");
    const code = `(${agentMain.toString()})();`;
    const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
    const worker = new Worker(url, { name: "anymmap-opfs-agent" });
    const ctl = new SharedArrayBuffer(64);
    const data = new SharedArrayBuffer(DATA_SIZE);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("the OPFS agent worker did not start within 10 s")), 10_000);
        worker.addEventListener("message", (event) => {
          clearTimeout(timer);
          const m = event.data as { ready: boolean; error?: string };
          if (m.ready) resolve();
          else reject(new Error(`the OPFS agent worker failed: ${m.error}`));
        });
        worker.addEventListener("error", (event) => {
          clearTimeout(timer);
          reject(
            new Error(
              `the OPFS agent worker failed to load: ${event.message ?? "unknown error"} (a Content-Security-Policy must allow worker-src blob:)`,
            ),
          );
        });
        worker.postMessage({ ctl, data });
      });
    } catch (e) {
      worker.terminate();
      throw e;
    } finally {
      URL.revokeObjectURL(url);
    }
    return new OpfsAgent(worker, ctl, data);
  }

  /** Stops the agent; its files are closed with it. */
  terminate(): void {
    this.worker.terminate();
  }

  /** One round trip: 0 or a positive WASI errno. */
  private call(op: number): number {
    const i32 = this.#i32;
    i32[1] = op;
    Atomics.store(i32, 0, REQUEST);
    Atomics.notify(i32, 0);
    const deadline = Date.now() + TIMEOUT_MS;
    while (Atomics.load(i32, 0) === REQUEST) {
      const left = deadline - Date.now();
      if (left <= 0) return WASI_ERRNO.EIO;
      Atomics.wait(i32, 0, REQUEST, left);
    }
    Atomics.store(i32, 0, IDLE);
    if (i32[2] === 0) return 0;
    const name = this.#decoder.decode(this.#data.slice(0, i32[4]));
    return AGENT_NAMES[name] ?? mapBrowserError({ name });
  }

  private putString(s: string): void {
    const bytes = this.#encoder.encode(s);
    if (bytes.length > this.#data.length) throw new MmapError("ENAMETOOLONG", "open", "path too long");
    this.#data.set(bytes);
    this.#i32[4] = bytes.length;
  }

  /** Opens a path: [0, id, 1 file | 2 directory] or [errno]. Flags: 1 create, 2 exclusive, 4 truncate, 8 writable. */
  open(path: string, flags: number): [number, number, number] | [number] {
    this.putString(path);
    this.#i32[6] = flags;
    const err = this.call(OP_OPEN);
    return err ? [err] : [0, this.#f64[0]!, this.#i32[5]!];
  }

  /** Reads into `dst` at `offset`: bytes read (fewer only at end of file) or -errno. */
  read(id: number, dst: Uint8Array, offset: number): number {
    let done = 0;
    while (done < dst.length) {
      const want = Math.min(dst.length - done, this.#data.length);
      this.#i32[3] = id;
      this.#i32[4] = want;
      this.#f64[1] = offset + done;
      const err = this.call(OP_READ);
      if (err) return done > 0 ? done : -err;
      const n = this.#f64[0]!;
      dst.set(this.#data.subarray(0, n), done);
      done += n;
      if (n < want) break;
    }
    return done;
  }

  /** Writes all of `src` at `offset`: bytes written or -errno. */
  write(id: number, src: Uint8Array, offset: number): number {
    let done = 0;
    while (done < src.length) {
      const want = Math.min(src.length - done, this.#data.length);
      this.#data.set(src.subarray(done, done + want));
      this.#i32[3] = id;
      this.#i32[4] = want;
      this.#f64[1] = offset + done;
      const err = this.call(OP_WRITE);
      if (err) return done > 0 ? done : -err;
      const n = this.#f64[0]!;
      done += n;
      if (n < want) return done > 0 ? done : -WASI_ERRNO.ENOSPC;
    }
    return done;
  }

  /** Size in bytes, or -errno. */
  size(id: number): number {
    this.#i32[3] = id;
    const err = this.call(OP_SIZE);
    return err ? -err : this.#f64[0]!;
  }

  /** 0 or -errno. */
  truncate(id: number, size: number): number {
    this.#i32[3] = id;
    this.#f64[1] = size;
    return -this.call(OP_TRUNCATE);
  }

  /** 0 or -errno. */
  flush(id: number): number {
    this.#i32[3] = id;
    return -this.call(OP_FLUSH);
  }

  /** 0 or -errno. */
  close(id: number): number {
    this.#i32[3] = id;
    return -this.call(OP_CLOSE);
  }

  /** Creates a directory and its parents: 0 or -errno. */
  mkdir(path: string): number {
    this.putString(path);
    return -this.call(OP_MKDIR);
  }

  /** Removes a file or a directory tree: 0 or -errno. */
  remove(path: string): number {
    this.putString(path);
    return -this.call(OP_REMOVE);
  }

  /**
   * Opens a path as a HostFile for the engine, or throws MmapError("open")
   * as Node's open(2) would. Browsers (dedicated workers).
   */
  openFile(path: string, mode: OpenMode): HostFile {
    const flags = (mode.create ? 1 : 0) | (mode.exclusive ? 2 : 0) | (mode.truncate ? 4 : 0) | (mode.writable ? 8 : 0);
    const r = this.open(path, flags);
    if (r[0] !== 0) {
      let code = errnoNameOf(r[0]);
      if (code === "ENOTSUP") code = "EIO";
      throw new MmapError(code, "open", OPEN_HINTS[code] ?? `cannot open (${code})`, { path });
    }
    const [, id, kind] = r;
    const ino = opfsIno(opfsKey(path));
    const options: HostFileOptions = { readable: mode.readable, writable: mode.writable, append: mode.append, path };
    return new AgentHostFile(this, id!, kind === 2, ino, options);
  }
}

/**
 * A HostFile whose file the agent holds: synchronous, read-write, one copy
 * through the staging buffer. Browsers (dedicated workers, cross-origin isolated).
 */
export class AgentHostFile extends HostFile {
  #open = true;

  constructor(
    private readonly agent: OpfsAgent,
    private readonly id: number,
    private readonly directory: boolean,
    private readonly ino: bigint,
    options: HostFileOptions,
  ) {
    super(options);
  }

  override pread(dst: Uint8Array, offset: number): number {
    if (!this.#open) return -WASI_ERRNO.EBADF;
    if (this.directory) return -WASI_ERRNO.EISDIR;
    return this.agent.read(this.id, dst, offset);
  }

  override pwrite(src: Uint8Array, offset: number): number {
    if (!this.#open) return -WASI_ERRNO.EBADF;
    return this.agent.write(this.id, src, offset);
  }

  override stat(): HostFileStat | number {
    if (!this.#open) return -WASI_ERRNO.EBADF;
    // A directory reports 4096, as on Linux (mmap then says ENODEV, not "nothing to map").
    const size = this.directory ? 4096 : this.agent.size(this.id);
    if (size < 0) return size;
    return {
      dev: DEV_OPFS,
      ino: this.ino,
      filetype: this.directory ? FILETYPE_DIRECTORY : FILETYPE_REGULAR_FILE,
      nlink: 1n,
      size: BigInt(size),
      atimNs: 0n,
      mtimNs: 0n,
      ctimNs: 0n,
    };
  }

  override truncate(size: number): number {
    if (!this.#open) return -WASI_ERRNO.EBADF;
    return this.agent.truncate(this.id, size);
  }

  override sync(): number {
    if (!this.#open) return -WASI_ERRNO.EBADF;
    return this.directory ? 0 : this.agent.flush(this.id);
  }

  override datasync(): number {
    return this.sync();
  }

  override close(): number {
    if (!this.#open) return -WASI_ERRNO.EBADF;
    this.#open = false;
    return this.agent.close(this.id);
  }
}
