/**
 * The spec harness in Chromium (a dedicated worker or the main thread): the
 * same exports as ./index.ts. The runner and `expect` are the portable
 * harness's (vitest's own matchers); `anymmap` is the built browser entry
 * (dist/browser.js); file fixtures live in the origin private file system
 * (OPFS), reached synchronously through a helper worker of the harness's
 * own, so fixtures bypass the anymmap under test as another process would.
 *
 * On the main thread nothing can touch a file synchronously: `fx` hands out
 * paths (so files whose describe bodies create fixtures still load, and
 * their anonymous-memory tests run), but every access to a file throws
 * NO_SYNC_FILES, which the browser runner reports as a skip with that
 * reason (the test needs synchronous file access).
 */
import { OpfsAgent } from "../../src/runtime/browser/opfs-agent.js";
import * as anymmap from "../../dist/browser.js";

import type { Fixtures } from "./fixtures.js";

export {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  expectBytes,
  expectMmapError,
  it,
  itPartly,
  test,
} from "./portable.js";
export { anymmap };
export { LINUX_ERRNO, mmapErrorOf, PAGE, pattern } from "./helpers.js";

/** What every fx call throws where there is no synchronous file access. */
export const NO_SYNC_FILES = "needs synchronous file fixtures, which the browser main thread cannot have";

let agent: OpfsAgent | undefined;
let root = "";
let counter = 0;

/**
 * Starts the fixtures' OPFS helper worker and makes a fresh fixture
 * directory; call (and await) before importing spec files. Main thread:
 * does nothing, and fx stays unavailable.
 */
export async function setupFixtures(): Promise<void> {
  const g = globalThis as { DedicatedWorkerGlobalScope?: unknown; crossOriginIsolated?: boolean };
  // The helper worker needs SharedArrayBuffer (cross-origin isolation) and a worker to block in.
  if (g.DedicatedWorkerGlobalScope === undefined || g.crossOriginIsolated !== true) return;
  agent = await OpfsAgent.start();
  root = `/anymmap-spec-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  check(agent.mkdir(root), "mkdir", root);
}

/** Removes the fixture directory and stops the helper worker. */
export function teardownFixtures(): void {
  if (!agent) return;
  agent.remove(root);
  agent.terminate();
  agent = undefined;
}

function fs(): OpfsAgent {
  if (!agent) throw new Error(NO_SYNC_FILES);
  return agent;
}

function check(r: number, what: string, path: string): number {
  if (r < 0) throw new Error(`fx: ${what} '${path}' failed with WASI errno ${-r}`);
  return r;
}

/** Opens, runs, closes: flags 1 create, 2 exclusive, 4 truncate, 8 writable. */
function withFile<T>(path: string, flags: number, body: (id: number) => T): T {
  const a = fs();
  const r = a.open(path, flags);
  if (r[0] !== 0) throw new Error(`fx: open '${path}' failed with WASI errno ${r[0]}`);
  const id = r[1]!;
  try {
    return body(id);
  } finally {
    a.close(id);
  }
}

const bytesOf = (contents: Uint8Array | string) =>
  typeof contents === "string" ? new TextEncoder().encode(contents) : contents;

/** File fixtures over OPFS: the only file-system access spec files have. */
export const fx: Fixtures = {
  /** OPFS has no FIFOs, devices or /proc. */
  hostFiles: false,
  fifo(): never {
    throw new Error("fx.fifo: the origin private file system has no FIFOs (skip where !fx.hostFiles)");
  },
  socket(): never {
    throw new Error("fx.socket: the origin private file system has no sockets (skip where !fx.hostFiles)");
  },
  /** A fresh path in the suite's OPFS directory (the file does not exist). */
  path(name = "file"): string {
    return `${agent ? root : "/no-sync-files"}/${counter++}-${name}`;
  },
  /** A new file with these bytes (a string is UTF-8) and its path. */
  file(contents: Uint8Array | string = new Uint8Array(0), name?: string): string {
    const path = fx.path(name);
    if (agent) fx.write(path, contents);
    return path;
  },
  /** A new sparse file of `size` bytes (holes read as zeros). */
  sparse(size: number, name?: string): string {
    const path = fx.file(new Uint8Array(0), name);
    if (agent) fx.truncate(path, size);
    return path;
  },
  /** A new directory. */
  dir(): string {
    const path = `${agent ? root : "/no-sync-files"}/dir-${counter++}`;
    if (agent) check(fs().mkdir(path), "mkdir", path);
    return path;
  },
  read(path: string): Uint8Array {
    return withFile(path, 0, (id) => {
      const size = check(fs().size(id), "size", path);
      const out = new Uint8Array(size);
      return out.subarray(0, check(fs().read(id, out, 0), "read", path));
    });
  },
  /** Bytes [offset, offset+length) of a file, read without loading it whole. */
  readRange(path: string, offset: number, length: number): Uint8Array {
    return withFile(path, 0, (id) => {
      const out = new Uint8Array(length);
      return out.subarray(0, check(fs().read(id, out, offset), "read", path));
    });
  },
  write(path: string, contents: Uint8Array | string): void {
    const bytes = bytesOf(contents);
    withFile(path, 1 | 4 | 8, (id) => {
      check(fs().write(id, bytes, 0), "write", path);
      check(fs().flush(id), "flush", path);
    });
  },
  /**
   * Writes `contents` at `offset` of an existing file, bypassing anymmap (as
   * another process would); the file grows if the bytes end past its end.
   */
  writeAt(path: string, offset: number, contents: Uint8Array | string): void {
    const bytes = bytesOf(contents);
    withFile(path, 8, (id) => {
      check(fs().write(id, bytes, offset), "write", path);
      check(fs().flush(id), "flush", path);
    });
  },
  size(path: string): number {
    return withFile(path, 0, (id) => check(fs().size(id), "size", path));
  },
  truncate(path: string, size: number): void {
    withFile(path, 8, (id) => {
      check(fs().truncate(id, size), "truncate", path);
      check(fs().flush(id), "flush", path);
    });
  },
};
