import { WASI_ERRNO } from "../../abi/errno.js";
import { Lru } from "../../core/engines/lru.js";

/**
 * The host descriptors of the WASM engine's read-only files, bounded. The
 * engine keeps each mapped file open for as long as it is mapped (a page-in
 * is a `pread`), where the kernel keeps a mapped file without a descriptor:
 * without a bound, mapping 20,000 files took 20,000 descriptors and the
 * next open failed with EMFILE. Node, Bun, Deno.
 *
 * A file in the pool that has not been used for the longest is closed
 * ("parked") when the pool holds more than its budget, or when an open
 * fails for lack of descriptors; it is opened again by its path at its next
 * use, and must still be the same file (device, inode and birth time) or
 * that use fails with ESTALE. Only files opened read-only join: a write
 * never needs a file that may have moved (the engine reads and writes a
 * file through its writable descriptor when it has one, and that stays
 * open until it is closed), and nothing read-only can be lost by closing it.
 */

/** A file that can give up its descriptor and take it back by itself. */
export interface Parkable {
  /** Closes the descriptor for now; false if this file cannot be opened again by path (it leaves the pool). */
  park(): boolean;
}

/**
 * Read-only files holding a descriptor at most, per thread. The process's
 * open-file limit is not readable from JavaScript in every runtime (Linux
 * only shows it in /proc, which Deno may not be allowed to read, and
 * reading it could prompt), so the budget is fixed, well under the limits
 * every runtime raises itself to at start, and EMFILE makes room below it
 * when the limit is lower.
 */
export const DESCRIPTOR_BUDGET = 4096;
/** The least an EMFILE shrinks the budget to: parking every file at each use would be worse than failing. */
const MIN_BUDGET = 16;

export class DescriptorPool {
  readonly #held = new Lru<Parkable>();
  // DESCRIPTOR_BUDGET, or less once an open failed for lack of descriptors (relieve()).
  #budget = DESCRIPTOR_BUDGET;

  /** `file` holds a descriptor and was just used; parks the least recently used beyond the budget. */
  use(file: Parkable): void {
    this.#held.use(file);
    if (this.#held.size > this.#budget) this.#park(this.#held.size - this.#budget, file);
  }

  /** `file` closed its descriptor (or was closed) by itself. */
  forget(file: Parkable): void {
    this.#held.delete(file);
  }

  /**
   * After an open failed with EMFILE or ENFILE: parks the least recently
   * used half of the pool (one at least), and keeps the pool at that half
   * from now on, so that the rest of the program (and the runtime) still
   * finds descriptors to open. False when there was nothing to park, so
   * that the open's error stands.
   */
  relieve(): boolean {
    const half = this.#held.size >> 1;
    this.#budget = Math.max(MIN_BUDGET, Math.min(this.#budget, half));
    return this.#park(Math.max(1, this.#held.size - this.#budget)) > 0;
  }

  #park(count: number, keep?: Parkable): number {
    let parked = 0;
    for (const old of this.#held) {
      if (parked >= count) break;
      if (old === keep) continue;
      this.forget(old);
      if (old.park()) parked++;
    }
    return parked;
  }
}

/**
 * The pool of this thread: each worker thread has its own (its files are
 * its own), though threads share the process's descriptors, so N workers
 * may hold N times the budget, and an EMFILE in one frees none of another's.
 */
export const descriptorPool = new DescriptorPool();

/**
 * Runs `open`; if it fails for lack of descriptors (EMFILE, ENFILE as
 * `errnoOf` maps its error to a WASI errno), parks half of the pool and
 * runs it once more.
 */
export function openWithRoom<T>(open: () => T, errnoOf: (e: unknown) => number): T {
  try {
    return open();
  } catch (e) {
    if (!outOfDescriptors(errnoOf(e)) || !descriptorPool.relieve()) throw e;
    return open();
  }
}

/** Whether a WASI errno says the process (EMFILE) or the system (ENFILE) has no descriptor left. */
export function outOfDescriptors(err: number): boolean {
  return err === WASI_ERRNO.EMFILE || err === WASI_ERRNO.ENFILE;
}
