import { canonicalErrnoName, errnoName, linuxErrno } from "../../abi/errno.js";

/** Extra context for an MmapError. */
export interface MmapErrorOptions {
  path?: string;
  cause?: unknown;
}

/**
 * The error every anymmap API throws: shaped like a Node system error
 * (`code`, `errno`, `syscall`, `path`) so that code written against
 * `fs` errors handles it unchanged, in every runtime.
 */
export class MmapError extends Error {
  override readonly name = "MmapError";
  /**
   * POSIX errno name, e.g. "EINVAL"; of two names for one number, always the
   * same one ("ENOTSUP", never "EOPNOTSUPP"; "EAGAIN", never "EWOULDBLOCK").
   */
  readonly code: string;
  /** Linux x86-64 number for `code` (0 if the name is unknown), as a Linux program would see it. */
  readonly errno: number;
  /** The POSIX call that failed, e.g. "mmap", "msync", "open". */
  readonly syscall: string;
  // `declare` so that an error without a path has no `path` key at all, as with Node's errors.
  declare readonly path?: string;

  constructor(name: string, syscall: string, message: string, options?: MmapErrorOptions) {
    // One name per errno, whichever layer (engine, runtime, API) raised it: both backends agree on e.code.
    const code = canonicalErrnoName(name);
    const path = options?.path;
    super(
      `${code}: ${message} (${syscall}${path !== undefined ? ` '${path}'` : ""})`,
      options && "cause" in options ? { cause: options.cause } : undefined,
    );
    this.code = code;
    this.errno = linuxErrno(code) ?? 0;
    this.syscall = syscall;
    if (path !== undefined) this.path = path;
  }

  /** Builds an MmapError from a WASI errno (negated values accepted) as the host and C core report them. */
  static fromWasi(wasiErrno: number, syscall: string, message: string, options?: MmapErrorOptions): MmapError {
    return new MmapError(errnoName(wasiErrno), syscall, message, options);
  }
}

/**
 * True for an MmapError, including one from a second copy of this module
 * (bundlers can load two), where `instanceof` alone would say no.
 */
export function isMmapError(e: unknown): e is MmapError {
  if (e instanceof MmapError) return true;
  if (!(e instanceof Error)) return false;
  const o = e as Error & { code?: unknown; errno?: unknown; syscall?: unknown };
  return (
    o.name === "MmapError" && typeof o.code === "string" && typeof o.errno === "number" && typeof o.syscall === "string"
  );
}
