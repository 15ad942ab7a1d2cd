import { WASI_ERRNO, errnoName, wasiErrnoFromName } from "../../abi/errno.js";

/**
 * The one place the errors of `node:fs` (Node's, and Bun's, which throws the
 * same Node-style system errors) become WASI errnos, so every code path
 * reports the same failure the same way.
 */

// Node-specific codes with an obvious POSIX meaning; they come from argument
// validation, which in C would have been the kernel's EINVAL. Deno's node:fs
// layer throws them too (deno/map-error.ts).
export const NODE_CODES: Readonly<Record<string, number>> = {
  ERR_INVALID_ARG_TYPE: WASI_ERRNO.EINVAL,
  ERR_INVALID_ARG_VALUE: WASI_ERRNO.EINVAL,
  ERR_OUT_OF_RANGE: WASI_ERRNO.EINVAL,
  ERR_FS_FILE_TOO_LARGE: WASI_ERRNO.EFBIG,
  ERR_BUFFER_TOO_LARGE: WASI_ERRNO.ENOMEM,
};

/**
 * WASI errno for an error thrown by a Node API: a system error's `code`
 * ("ENOENT", "EOPNOTSUPP", ...) through the errno table, a few Node
 * validation codes as EINVAL, anything else EIO. Never throws.
 */
export function mapNodeError(e: unknown): number {
  const code = typeof e === "object" && e !== null && "code" in e && typeof e.code === "string" ? e.code : undefined;
  if (code === undefined) return WASI_ERRNO.EIO;
  const n = wasiErrnoFromName(code) ?? NODE_CODES[code];
  return n === undefined || n === WASI_ERRNO.SUCCESS ? WASI_ERRNO.EIO : n;
}

/** The POSIX name anymmap reports for an error thrown by a Node API, e.g. "ENOENT" or "EIO". */
export function nodeErrorName(e: unknown): string {
  return errnoName(mapNodeError(e));
}
