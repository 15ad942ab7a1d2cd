import { WASI_ERRNO, errnoName, wasiErrnoFromName } from "../../core/errno.js";

/**
 * The one place Bun's errors become WASI errnos. Bun's node:fs throws
 * Node-style system errors (`code` "ENOENT", ...), so the mapping is Node's.
 */

// Node-style validation codes (Bun uses Node's names); in C they would have
// been the kernel's EINVAL.
const NODE_CODES: Readonly<Record<string, number>> = {
  ERR_INVALID_ARG_TYPE: WASI_ERRNO.EINVAL,
  ERR_INVALID_ARG_VALUE: WASI_ERRNO.EINVAL,
  ERR_OUT_OF_RANGE: WASI_ERRNO.EINVAL,
  ERR_FS_FILE_TOO_LARGE: WASI_ERRNO.EFBIG,
  ERR_BUFFER_TOO_LARGE: WASI_ERRNO.ENOMEM,
};

/**
 * WASI errno for an error thrown by a Bun API: a system error's `code`
 * ("ENOENT", "EOPNOTSUPP", ...) through the errno table, a few validation
 * codes as EINVAL, anything else EIO. Never throws. Works in Bun.
 */
export function mapBunError(e: unknown): number {
  const code =
    typeof e === "object" && e !== null && "code" in e && typeof e.code === "string" ? e.code : undefined;
  if (code === undefined) return WASI_ERRNO.EIO;
  const n = wasiErrnoFromName(code) ?? NODE_CODES[code];
  return n === undefined || n === WASI_ERRNO.SUCCESS ? WASI_ERRNO.EIO : n;
}

/** The POSIX name anymmap reports for an error thrown by a Bun API, e.g. "ENOENT" or "EIO". Works in Bun. */
export function bunErrorName(e: unknown): string {
  return errnoName(mapBunError(e));
}
