interface Link<T> {
  readonly item: T;
  older: Link<T> | undefined;
  newer: Link<T> | undefined;
}

/**
 * Items in the order of their last use, O(1) per call. A Set used the same
 * way (delete and add again to move an item to the end, evict from the
 * front) makes every eviction walk the deleted entries V8 leaves at the
 * Set's front until the Set next grows: 1.5 µs per eviction at 4,096
 * items, 3.5 µs at 16,384. Iterating from the least recently used, the
 * caller may delete the item it was just given.
 */
export class Lru<T> implements Iterable<T> {
  readonly #links = new Map<T, Link<T>>();
  #oldest: Link<T> | undefined;
  #newest: Link<T> | undefined;

  get size(): number {
    return this.#links.size;
  }

  /** Adds `item`, or moves it, to the most recently used end. */
  use(item: T): void {
    const link = this.#links.get(item);
    if (link === this.#newest && link) return;
    if (link) this.#unlink(link);
    const fresh = link ?? { item, older: undefined, newer: undefined };
    if (!link) this.#links.set(item, fresh);
    fresh.older = this.#newest;
    fresh.newer = undefined;
    if (this.#newest) this.#newest.newer = fresh;
    else this.#oldest = fresh;
    this.#newest = fresh;
  }

  delete(item: T): boolean {
    const link = this.#links.get(item);
    if (!link) return false;
    this.#links.delete(item);
    this.#unlink(link);
    return true;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let link = this.#oldest; link; ) {
      const next = link.newer;
      yield link.item;
      link = next;
    }
  }

  // Leaves the link's own pointers alone, so that an iterator standing on it still finds the next one.
  #unlink(link: Link<T>): void {
    if (link.older) link.older.newer = link.newer;
    else this.#oldest = link.newer;
    if (link.newer) link.newer.older = link.older;
    else this.#newest = link.older;
  }
}
