/**
 * The advisory-lock vocabulary shared by `anymmap run`'s `anymmap.fd_lock`
 * and `anymmap.fd_getlk` imports (wasm/posix/locks.c), the WASI host and the
 * native library: lock types are Linux's (and musl's) `l_type` values.
 */

/** A shared (read) lock. */
export const F_RDLCK = 0;
/** An exclusive (write) lock. */
export const F_WRLCK = 1;
/** No lock: releases. */
export const F_UNLCK = 2;

/** fcntl byte-range locks (`F_SETLK`, `F_OFD_SETLK`...). */
export const LOCK_RECORD = 0;
/** flock(2) locks of the whole file, a separate kind on Linux. */
export const LOCK_FLOCK = 1;
/**
 * Not a lock: the program holds no lock of either kind on the file any more,
 * so the host may let go of what it keeps for them.
 */
export const LOCK_NONE_HELD = 2;
