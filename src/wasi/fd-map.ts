/** Numbers below this live in an array: 512 KiB at most, for a program that uses them all. */
const ARRAY_LIMIT = 1 << 16;

/**
 * A map keyed by descriptor numbers, for tables where one number comes and
 * goes while many others stay. A JavaScript `Map` keeps a deleted entry in
 * its bucket until it next grows, so deleting and adding the same number
 * beside 60,000 others left thousands of dead entries in that number's
 * bucket, and every lookup walked them (20 µs per open in V8). Numbers
 * below 65,536 are slots in an array, emptied rather than deleted; the
 * others (the C core's hidden numbers, each used once) stay in a `Map`.
 */
export class FdMap<T> {
  readonly #low: (T | undefined)[] = [];
  readonly #high = new Map<number, T>();

  get(fd: number): T | undefined {
    return FdMap.#isLow(fd) ? this.#low[fd] : this.#high.get(fd);
  }

  has(fd: number): boolean {
    return this.get(fd) !== undefined;
  }

  set(fd: number, value: T): this {
    if (!FdMap.#isLow(fd)) {
      this.#high.set(fd, value);
      return this;
    }
    // Filled up to fd, so that V8 keeps the array's elements in one block, not a dictionary.
    while (this.#low.length < fd) this.#low.push(undefined);
    this.#low[fd] = value;
    return this;
  }

  delete(fd: number): boolean {
    if (!FdMap.#isLow(fd)) return this.#high.delete(fd);
    if (fd >= this.#low.length) return false;
    const had = this.#low[fd] !== undefined;
    this.#low[fd] = undefined;
    return had;
  }

  static #isLow(fd: number): boolean {
    return Number.isInteger(fd) && fd >= 0 && fd < ARRAY_LIMIT;
  }
}
