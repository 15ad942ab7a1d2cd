import { WASI_ERRNO, errnoName, linuxErrnoName, wasiErrnoFromName } from "../../abi/errno.js";
import { NODE_CODES } from "../node-fs/map-error.js";

/**
 * The one place Deno's errors become WASI errnos. Deno throws two kinds:
 * its own `Deno.errors.*` classes (from `Deno.*` calls and for missing
 * permissions, which node:fs reports the same way) and Node-style errors
 * with a `code` (from its node:fs layer).
 */

// Deno.errors.* by class name, for errors that carry no POSIX `code`.
const DENO_ERRORS: Readonly<Record<string, number>> = {
  NotFound: WASI_ERRNO.ENOENT,
  PermissionDenied: WASI_ERRNO.EACCES,
  // A permission flag Deno was not given (Deno 2); Deno 1 said PermissionDenied.
  NotCapable: WASI_ERRNO.EACCES,
  AlreadyExists: WASI_ERRNO.EEXIST,
  BadResource: WASI_ERRNO.EBADF,
  Busy: WASI_ERRNO.EBUSY,
  Interrupted: WASI_ERRNO.EINTR,
  InvalidData: WASI_ERRNO.EINVAL,
  IsADirectory: WASI_ERRNO.EISDIR,
  NotADirectory: WASI_ERRNO.ENOTDIR,
  FilesystemLoop: WASI_ERRNO.ELOOP,
  NotSupported: WASI_ERRNO.ENOTSUP,
  TimedOut: WASI_ERRNO.ETIMEDOUT,
  BrokenPipe: WASI_ERRNO.EPIPE,
  UnexpectedEof: WASI_ERRNO.EIO,
  WriteZero: WASI_ERRNO.EIO,
};

/**
 * The `--allow-*` flag a Deno permission error asks for ("--allow-read",
 * "--allow-write"), or undefined when `e` is not a missing permission (an
 * OS-level EACCES is not: no flag can fix it).
 */
export function missingPermission(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  if (e.name !== "NotCapable" && e.name !== "PermissionDenied") return undefined;
  const flag = /--allow-[a-z-]+/.exec(e.message)?.[0];
  // Deno 2 always names the flag; an unnamed NotCapable is still a permission.
  return flag ?? (e.name === "NotCapable" ? "--allow-read" : undefined);
}

/**
 * WASI errno for an error thrown by Deno or its node:fs layer: a POSIX
 * `code` ("ENOENT") through the errno table, a `Deno.errors.*` class by
 * name (NotCapable, a missing permission flag, is EACCES), a few Node
 * validation codes as EINVAL, else the OS's number in a message ending
 * "(os error N)", anything else EIO. Never throws.
 */
export function mapDenoError(e: unknown): number {
  if (typeof e !== "object" || e === null) return WASI_ERRNO.EIO;
  const code = "code" in e && typeof e.code === "string" ? e.code : undefined;
  let n = code === undefined ? undefined : (wasiErrnoFromName(code) ?? NODE_CODES[code]);
  if (n === undefined && e instanceof Error) n = DENO_ERRORS[e.name];
  // Some OS errors come with neither a code nor a class of their own, only
  // the OS's number in the message: a write past `ulimit -f` throws a plain
  // Error "File too large (os error 27)", which is EFBIG, not EIO.
  const os = n === undefined && e instanceof Error ? /\(os error (\d+)\)/.exec(e.message) : null;
  if (os) n = wasiErrnoFromName(linuxErrnoName(Number(os[1])));
  return n === undefined || n === WASI_ERRNO.SUCCESS ? WASI_ERRNO.EIO : n;
}

/** The POSIX name anymmap reports for an error thrown by Deno, e.g. "ENOENT" or "EACCES". */
export function denoErrorName(e: unknown): string {
  return errnoName(mapDenoError(e));
}
