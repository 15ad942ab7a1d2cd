/**
 * Helpers every harness variant exports unchanged (Node's vitest, Deno, Bun,
 * Chromium): the page size, deterministic bytes and the shared assertions.
 * Runtime-free: no imports. The assertions are built on the harness's own
 * `expect` (`assertions(expect)`), so that they count as the test's
 * assertions (expect.hasAssertions()) in every runner.
 */

/** The page size of every alignment rule (anymmap.pageSize). */
export const PAGE = 4096;

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

/** Deterministic numbers in [0, 1) from a seed (a linear congruential generator), for randomized tests that repeat. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
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

/**
 * Linux x86-64 errno numbers of the codes the suites expect, so that an
 * error test asserts the exact `errno` (MmapError.errno is Linux's number
 * in every runtime and on every OS).
 */
export const LINUX_ERRNO: Readonly<Record<string, number>> = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  ENXIO: 6,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  ERANGE: 34,
  ENOSYS: 38,
  EOVERFLOW: 75,
  EILSEQ: 84,
  ENOTSUP: 95,
  EOPNOTSUPP: 95,
  ETIMEDOUT: 110,
  ESTALE: 116,
  ECANCELED: 125,
};

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

/** The part of vitest's `expect` (and the portable harness's, which is vitest's matchers) the shared assertions use. */
export type ExpectLike = (
  value: unknown,
  message?: string,
) => { toBe(expected: unknown): void; toEqual(expected: unknown): void; toBeInstanceOf(expected: unknown): void };

/** The shared assertions over a harness's `expect`. */
export interface Assertions {
  /**
   * Byte-for-byte equality that stays fast on megabytes (toEqual walks typed
   * arrays element by element) and reports the first differing offset;
   * `what` names the bytes in the failure.
   */
  expectBytes(actual: Uint8Array, expected: Uint8Array, what?: string): void;
  /** fn throws an MmapError with this code, its exact Linux errno, this syscall (when given) and a message; returns it. */
  expectMmapError(fn: () => unknown, code: string, syscall?: string): ThrownMmapError;
}

/** The shared assertions, each one an assertion of the harness whose `expect` is given. */
export function assertions(expect: ExpectLike): Assertions {
  return {
    expectBytes(actual, expected, what = "bytes") {
      expect(actual, what).toBeInstanceOf(Uint8Array);
      expect(actual.length, `${what}: length`).toBe(expected.length);
      let i = 0;
      while (i < expected.length && actual[i] === expected[i]) i++;
      if (i < expected.length) {
        const from = Math.max(0, i - 8);
        const to = Math.min(expected.length, i + 24);
        expect(
          Array.from(actual.subarray(from, to)),
          `${what} differ from offset ${i} (showing ${from}..${to})`,
        ).toEqual(Array.from(expected.subarray(from, to)));
      }
    },
    expectMmapError(fn, code, syscall) {
      const e = mmapErrorOf(fn);
      const seen = {
        code: e.code,
        errno: e.errno,
        ...(syscall === undefined ? {} : { syscall: e.syscall }),
        hasMessage: e.message.length > 0,
      };
      const wanted = {
        code,
        errno: LINUX_ERRNO[code],
        ...(syscall === undefined ? {} : { syscall }),
        hasMessage: true,
      };
      expect(seen, `MmapError: ${e.message}`).toEqual(wanted);
      return e;
    },
  };
}

/** The part of a harness's `it` that partialTests uses. */
export interface ItLike {
  (name: string, fn: () => unknown): void;
  skip(name: string, fn: () => unknown): void;
}

/**
 * Tests some of whose checks only some backends can make (host I/O
 * counters, one shared memory...): `itPartly(observable, reason)(name,
 * body)` runs `body(true)` as one test where `observable`; elsewhere it runs
 * `body(false)` (the checks every backend makes, which must still assert
 * something) and reports `body(true)` as a skipped test "name (reason)", so
 * that the checks a backend cannot make are never counted as passed. A test
 * made of such checks only is `it.skipIf(!observable)` instead.
 */
export function partialTests(
  it: ItLike,
): (observable: boolean, reason: string) => (name: string, body: (checks: boolean) => unknown) => void {
  return (observable, reason) => (name, body) => {
    it(name, () => body(observable));
    if (!observable) it.skip(`${name} (${reason})`, () => body(true));
  };
}
