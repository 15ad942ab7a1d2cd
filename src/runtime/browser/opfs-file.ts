/**
 * Files of the origin private file system (OPFS) in a dedicated worker,
 * through `FileSystemSyncAccessHandle`: synchronous, read-write, and read
 * straight into WebAssembly memory.
 */
import { WASI_ERRNO } from "../../abi/errno.js";
import { MmapError } from "../../core/contract/errors.js";
import {
  FILETYPE_DIRECTORY,
  FILETYPE_REGULAR_FILE,
  HostFile,
  type HostFileOptions,
  type HostFileStat,
} from "../../wasi/host-file.js";
import { browser, type FileSystemDirectoryHandle, type FileSystemFileHandle, type SyncAccessHandle } from "./dom.js";
import { DEV_OPFS, OPEN_HINTS, type OpenMode, opfsComponents, opfsIno, opfsKey } from "./identity.js";
import { browserErrorName, mapBrowserError } from "./map-error.js";

/** The OPFS root of this origin; throws MmapError where there is none. Browsers. */
export async function opfsRoot(path?: string): Promise<FileSystemDirectoryHandle> {
  const getDirectory = browser().navigator?.storage?.getDirectory;
  if (!getDirectory) {
    throw new MmapError(
      "ENOSYS",
      "open",
      "this browser context has no origin private file system (navigator.storage.getDirectory); paths need OPFS — pass a File, Blob or FileSystemFileHandle instead",
      path === undefined ? undefined : { path },
    );
  }
  try {
    return await getDirectory.call(browser().navigator!.storage);
  } catch (e) {
    throw new MmapError(browserErrorName(e), "open", OPEN_HINTS.EACCES!, {
      cause: e,
      ...(path === undefined ? {} : { path }),
    });
  }
}

/** Opens a sync access handle that other handles of the same file (other workers, the agent) can share. */
async function syncHandle(file: FileSystemFileHandle): Promise<SyncAccessHandle> {
  if (typeof file.createSyncAccessHandle !== "function") {
    throw Object.assign(
      new Error("createSyncAccessHandle is not available: OPFS sync access needs a dedicated worker"),
      {
        name: "NotSupportedError",
      },
    );
  }
  try {
    // "readwrite-unsafe" lets several handles of one file coexist (Chromium ≥ 121).
    return await file.createSyncAccessHandle({ mode: "readwrite-unsafe" });
  } catch (e) {
    if ((e as { name?: string }).name === "TypeError") return file.createSyncAccessHandle();
    throw e;
  }
}

/** Where an OPFS path leads: a file handle, or a directory. */
type Target = { kind: "file"; handle: FileSystemFileHandle } | { kind: "directory"; handle: FileSystemDirectoryHandle };

/** Resolves `path` under the OPFS root as `open(2)` would, creating the file if `mode` says so. */
async function resolve(path: string, mode: OpenMode): Promise<Target> {
  const parts = opfsComponents(path);
  let dir = await opfsRoot(path);
  const fail = (e: unknown, last: boolean): never => {
    let code = browserErrorName(e);
    if (code === "EISDIR" && !last) code = "ENOTDIR";
    throw new MmapError(code, "open", OPEN_HINTS[code] ?? (e instanceof Error ? e.message : String(e)), {
      path,
      cause: e,
    });
  };
  if (parts.length === 0) {
    if (mode.writable) fail(Object.assign(new Error("root"), { name: "TypeMismatchError" }), true);
    return { kind: "directory", handle: dir };
  }
  for (const name of parts.slice(0, -1)) {
    try {
      dir = await dir.getDirectoryHandle(name);
    } catch (e) {
      fail(e, false);
    }
  }
  const name = parts[parts.length - 1]!;
  if (mode.exclusive) {
    let exists = true;
    try {
      await dir.getFileHandle(name);
    } catch (e) {
      const n = (e as { name?: string }).name;
      if (n === "NotFoundError") exists = false;
      else if (n !== "TypeMismatchError") fail(e, true);
    }
    if (exists) throw new MmapError("EEXIST", "open", OPEN_HINTS.EEXIST!, { path });
  }
  try {
    return { kind: "file", handle: await dir.getFileHandle(name, { create: mode.create }) };
  } catch (e) {
    // A directory: open(2) allows it read-only (mmap then says ENODEV).
    if ((e as { name?: string }).name !== "TypeMismatchError" || mode.writable) fail(e, true);
  }
  try {
    return { kind: "directory", handle: await dir.getDirectoryHandle(name) };
  } catch (e) {
    return fail(e, true);
  }
}

/**
 * Opens an OPFS path, or a `FileSystemFileHandle`, for synchronous access in
 * this dedicated worker. `key` is the path the handle has under the OPFS
 * root when known (it keys the page cache). Browsers (dedicated workers).
 */
export async function openOpfs(
  source: string | FileSystemFileHandle,
  mode: OpenMode,
  label: string,
): Promise<HostFile> {
  let target: Target;
  let key: string;
  if (typeof source === "string") {
    target = await resolve(source, mode);
    key = opfsKey(source);
  } else {
    target = { kind: "file", handle: source };
    key = await handleKey(source);
  }
  if (target.kind === "directory") return new OpfsDirectory(opfsIno(key), { readable: true, path: label });
  let access: SyncAccessHandle;
  try {
    access = await syncHandle(target.handle);
  } catch (e) {
    const code = browserErrorName(e);
    throw new MmapError(code, "open", OPEN_HINTS[code] ?? (e instanceof Error ? e.message : String(e)), {
      path: label,
      cause: e,
    });
  }
  const file = new OpfsHostFile(access, opfsIno(key), {
    readable: mode.readable,
    writable: mode.writable,
    append: mode.append,
    path: label,
  });
  if (mode.truncate) {
    const r = file.truncate(0);
    if (r < 0) {
      file.close();
      throw MmapError.fromWasi(-r, "open", "cannot truncate the file", { path: label });
    }
  }
  return file;
}

const handleKeys = new WeakMap<object, string>();
let anonymousHandles = 0;

/**
 * The OPFS path of a file handle, from the OPFS root, so that a handle and a
 * path of the same file share pages; a handle outside OPFS gets a key of
 * its own. Browsers.
 */
export async function handleKey(handle: FileSystemFileHandle): Promise<string> {
  const known = handleKeys.get(handle);
  if (known !== undefined) return known;
  let key: string | undefined;
  try {
    const root = await opfsRoot();
    const parts = await root.resolve(handle);
    if (parts) key = `/${parts.join("/")}`;
  } catch {
    // Not in OPFS, or no OPFS here.
  }
  key ??= `handle:${++anonymousHandles}:${handle.name}`;
  handleKeys.set(handle, key);
  return key;
}

/** The label a handle shows in messages (and as FileHandle.path). Browsers. */
export async function handleLabel(handle: FileSystemFileHandle): Promise<string> {
  const key = await handleKey(handle);
  return key.startsWith("/") ? key : handle.name;
}

/**
 * A HostFile over a `FileSystemSyncAccessHandle`: `read({at})` fills the
 * view of WebAssembly memory the engine passes, with no copy. Takes
 * ownership of the handle. Browsers (dedicated workers).
 */
export class OpfsHostFile extends HostFile {
  #handle: SyncAccessHandle | undefined;

  constructor(
    handle: SyncAccessHandle,
    private readonly ino: bigint,
    options: HostFileOptions,
  ) {
    super(options);
    this.#handle = handle;
  }

  override pread(dst: Uint8Array, offset: number): number {
    const h = this.#handle;
    if (!h) return -WASI_ERRNO.EBADF;
    try {
      let done = 0;
      while (done < dst.length) {
        const n = h.read(done === 0 ? dst : dst.subarray(done), { at: offset + done });
        if (n <= 0) break;
        done += n;
      }
      return done;
    } catch (e) {
      return -mapBrowserError(e);
    }
  }

  override pwrite(src: Uint8Array, offset: number): number {
    const h = this.#handle;
    if (!h) return -WASI_ERRNO.EBADF;
    try {
      let done = 0;
      while (done < src.length) {
        const n = h.write(done === 0 ? src : src.subarray(done), { at: offset + done });
        if (n <= 0) return done > 0 ? done : -WASI_ERRNO.ENOSPC;
        done += n;
      }
      return done;
    } catch (e) {
      return -mapBrowserError(e);
    }
  }

  override stat(): HostFileStat | number {
    const h = this.#handle;
    if (!h) return -WASI_ERRNO.EBADF;
    try {
      const size = BigInt(h.getSize());
      return {
        dev: DEV_OPFS,
        ino: this.ino,
        filetype: FILETYPE_REGULAR_FILE,
        nlink: 1n,
        size,
        atimNs: 0n,
        mtimNs: 0n,
        ctimNs: 0n,
      };
    } catch (e) {
      return -mapBrowserError(e);
    }
  }

  override truncate(size: number): number {
    return this.run((h) => h.truncate(size));
  }

  override sync(): number {
    return this.run((h) => h.flush());
  }

  override datasync(): number {
    return this.run((h) => h.flush());
  }

  override close(): number {
    const h = this.#handle;
    if (!h) return -WASI_ERRNO.EBADF;
    this.#handle = undefined;
    try {
      h.flush();
      h.close();
      return 0;
    } catch (e) {
      return -mapBrowserError(e);
    }
  }

  private run(op: (h: SyncAccessHandle) => void): number {
    const h = this.#handle;
    if (!h) return -WASI_ERRNO.EBADF;
    try {
      op(h);
      return 0;
    } catch (e) {
      return -mapBrowserError(e);
    }
  }
}

/** An OPFS directory opened read-only: it stats as a directory (so mmap says ENODEV) and reads fail with EISDIR. Browsers. */
export class OpfsDirectory extends HostFile {
  #open = true;

  constructor(
    private readonly ino: bigint,
    options: HostFileOptions,
  ) {
    super(options);
  }

  override pread(): number {
    return this.#open ? -WASI_ERRNO.EISDIR : -WASI_ERRNO.EBADF;
  }

  override stat(): HostFileStat | number {
    if (!this.#open) return -WASI_ERRNO.EBADF;
    // 4096, as Linux reports for a directory: mmap must get past "nothing to map" to say ENODEV.
    return {
      dev: DEV_OPFS,
      ino: this.ino,
      filetype: FILETYPE_DIRECTORY,
      nlink: 1n,
      size: 4096n,
      atimNs: 0n,
      mtimNs: 0n,
      ctimNs: 0n,
    };
  }

  override close(): number {
    if (!this.#open) return -WASI_ERRNO.EBADF;
    this.#open = false;
    return 0;
  }
}
