/**
 * Asynchronous OPFS helpers for the browser API tests: what a page or
 * worker would do with the File System API itself, outside anymmap.
 */
import type { FileSystemDirectoryHandle, FileSystemFileHandle } from "../../dist/browser.js";

type Storage = { navigator: { storage: { getDirectory(): Promise<FileSystemDirectoryHandle> } } };

/** The file handle of an OPFS path, created (with its directories) when `create`. */
export async function handleOf(path: string, create = false): Promise<FileSystemFileHandle> {
  const parts = path.split("/").filter((p) => p !== "");
  let dir = await (globalThis as unknown as Storage).navigator.storage.getDirectory();
  for (const name of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(name, { create });
  return dir.getFileHandle(parts[parts.length - 1]!, { create });
}

/** Writes a whole OPFS file through a writable stream (main thread and workers). */
export async function writeFile(path: string, bytes: Uint8Array): Promise<FileSystemFileHandle> {
  const handle = await handleOf(path, true);
  const w = await handle.createWritable!({ keepExistingData: false });
  await w.write({ type: "write", position: 0, data: bytes });
  await w.close();
  return handle;
}

/** Reads a whole OPFS file through getFile(). */
export async function readFile(path: string): Promise<Uint8Array> {
  const file = await (await handleOf(path)).getFile();
  return new Uint8Array(await file.arrayBuffer());
}

/** A fresh path under a per-run directory. */
let n = 0;
const run = `/anymmap-api-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
export function freshPath(name = "file"): string {
  return `${run}/${n++}-${name}`;
}

/** Runs `fn`, expecting an MmapError; returns it (or throws what was thrown instead). */
export async function rejection(
  fn: () => unknown,
): Promise<{ code: string; syscall: string; message: string; name: string }> {
  try {
    await fn();
  } catch (e) {
    return e as { code: string; syscall: string; message: string; name: string };
  }
  throw new Error("expected an error, nothing was thrown");
}
