import { WASI_ERRNO, errnoName } from "../../abi/errno.js";

/**
 * The one place browser exceptions (DOMException names of the File System
 * and File APIs) become WASI errnos.
 */
const DOM_NAMES: Readonly<Record<string, number>> = {
  NotFoundError: WASI_ERRNO.ENOENT,
  TypeMismatchError: WASI_ERRNO.EISDIR,
  // Another handle holds the file's lock (a sync access handle elsewhere).
  NoModificationAllowedError: WASI_ERRNO.EBUSY,
  QuotaExceededError: WASI_ERRNO.ENOSPC,
  InvalidStateError: WASI_ERRNO.EBADF,
  InvalidModificationError: WASI_ERRNO.ENOTEMPTY,
  SecurityError: WASI_ERRNO.EACCES,
  NotAllowedError: WASI_ERRNO.EACCES,
  NotReadableError: WASI_ERRNO.EIO,
  NotSupportedError: WASI_ERRNO.ENOTSUP,
  AbortError: WASI_ERRNO.ECANCELED,
  // Bad names ("..", "a/b" for one component) and out-of-range offsets.
  TypeError: WASI_ERRNO.EINVAL,
  RangeError: WASI_ERRNO.EINVAL,
};

/** WASI errno for an exception thrown by a browser file API; EIO when unknown. Never throws. Browsers. */
export function mapBrowserError(e: unknown): number {
  const name = typeof e === "object" && e !== null && "name" in e && typeof e.name === "string" ? e.name : undefined;
  return (name !== undefined ? DOM_NAMES[name] : undefined) ?? WASI_ERRNO.EIO;
}

/** The POSIX name anymmap reports for a browser exception, e.g. "ENOENT". Browsers. */
export function browserErrorName(e: unknown): string {
  return errnoName(mapBrowserError(e));
}
