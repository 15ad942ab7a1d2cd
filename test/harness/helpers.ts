/**
 * Helpers every harness variant exports unchanged (Node's vitest, Deno, Bun,
 * Chromium): deterministic bytes and MmapError assertions. Runtime-free: no
 * imports, and failures are plain Errors, which every runner reports.
 */

/**
 * Deterministic bytes: pattern(n, seed)[i] depends on i and seed only
 * (test/fixtures/durability-child.mjs, a plain script, computes the same).
 */
export function pattern(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = Math.imul(seed, 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** What tests read of an MmapError. */
export interface ThrownMmapError {
  readonly name: string;
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
  readonly message: string;
  readonly path?: string;
  readonly cause?: unknown;
}

/** The MmapError fn throws; fails when it throws something else, or nothing. */
export function mmapErrorOf(fn: () => unknown): ThrownMmapError {
  try {
    fn();
  } catch (e) {
    if (e instanceof Error && e.name === "MmapError") return e as unknown as ThrownMmapError;
    throw new Error(`expected an MmapError, got ${String(e)}`, { cause: e });
  }
  throw new Error("expected an MmapError, but the call succeeded");
}

/** fn throws an MmapError with this code (and syscall, when given) and a message; returns it. */
export function expectMmapError(fn: () => unknown, code: string, syscall?: string): ThrownMmapError {
  const e = mmapErrorOf(fn);
  if (e.code !== code || (syscall !== undefined && e.syscall !== syscall) || e.message.length === 0) {
    throw new Error(`expected MmapError ${code}${syscall === undefined ? "" : ` from ${syscall}`}, got ${e.code} from ${e.syscall}: ${e.message}`, { cause: e });
  }
  return e;
}
