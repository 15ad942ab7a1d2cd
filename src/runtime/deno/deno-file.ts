import { MmapError } from "../../core/contract/errors.js";
import type { RemoteOptions } from "../../core/remote/remote-file.js";
import type { HostFile } from "../../wasi/host-file.js";
import { type FsErrors, openHostFile } from "../node-fs/node-file.js";
import { denoErrorName, mapDenoError, missingPermission } from "./map-error.js";

/**
 * The MmapError for a permission Deno was not started with: code EACCES and
 * a message that names the flag to add.
 */
export function permissionError(
  flag: string,
  syscall: string,
  what: string,
  path: string | undefined,
  cause: unknown,
): MmapError {
  const scoped = path === undefined ? "" : ` or ${flag}=${path}`;
  const both = flag === "--allow-write" ? "; writable mappings need both --allow-read and --allow-write" : "";
  return new MmapError(
    "EACCES",
    syscall,
    `Deno was not given permission to ${what}: run deno with ${flag}${scoped}${both}`,
    path === undefined ? { cause } : { path, cause },
  );
}

/**
 * Deno's errors for the shared node:fs file backend: a permission Deno was
 * not started with becomes EACCES naming the flag (--allow-read, or
 * --allow-write for writing). Deno's own `Deno.FsFile` has no positional
 * read (a page-in would be a seek plus a read, moving a shared cursor);
 * node:fs `readSync` with a position is one `pread64` straight into the view
 * of WebAssembly memory, measured as fast or faster, and exact past 4 GiB.
 */
/** Deno's errors for the node:fs backend. */
export const DENO_ERRORS: FsErrors = {
  map: mapDenoError,
  name: denoErrorName,
  open(e: unknown, path: string): MmapError | undefined {
    const flag = missingPermission(e);
    if (flag === undefined) return undefined;
    const what =
      flag === "--allow-write" ? "write this file" : flag === "--allow-read" ? "read this file" : "open this file";
    return permissionError(flag, "open", what, path, e);
  },
};

/** Opens a file through Deno's node:fs (see DENO_ERRORS). */
export function openDenoFile(path: string, flags: string, mode?: number, remote?: RemoteOptions): HostFile {
  return openHostFile(path, flags, mode, DENO_ERRORS, remote);
}
