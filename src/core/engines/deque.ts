/**
 * A list with O(1) access by index and O(1) insertion and removal at either
 * end; a change elsewhere moves the shorter side (a ring buffer). The native
 * engine keeps its mappings and regions sorted by address in two of these:
 * the kernel hands out addresses top-down, so a new mapping usually goes
 * first, where an array moves every element (60k mappings cost O(n²)).
 * The methods behave as Array's of the same name.
 */
export class Deque<T> implements Iterable<T> {
  /** Its length is a power of two; slots outside the list hold undefined. */
  private ring: Array<T | undefined> = new Array<T | undefined>(16).fill(undefined);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  at(index: number): T | undefined {
    return index >= 0 && index < this.count ? this.ring[this.slot(index)] : undefined;
  }

  /** Removes `deleteCount` elements at `start` and inserts `items` there. */
  splice(start: number, deleteCount: number, ...items: T[]): void {
    const n = this.count;
    const from = Math.min(Math.max(Math.trunc(start) || 0, 0), n);
    const removed = Math.min(Math.max(Math.trunc(deleteCount) || 0, 0), n - from);
    const delta = items.length - removed;
    if (n + delta > this.ring.length) this.grow(n + delta);
    const ring = this.ring;
    const mask = ring.length - 1;
    const head = this.head;
    const at = (i: number) => (head + i) & mask;
    if (from <= n - from - removed) {
      // Move the elements before `from` by -delta, then the head with them.
      if (delta > 0) for (let i = 0; i < from; i++) ring[at(i - delta)] = ring[at(i)];
      else for (let i = from - 1; i >= 0; i--) ring[at(i - delta)] = ring[at(i)];
      for (let i = 0; i < -delta; i++) ring[at(i)] = undefined;
      this.head = at(-delta);
    } else {
      // Move the elements after the removed ones by +delta.
      if (delta > 0) for (let i = n - 1; i >= from + removed; i--) ring[at(i + delta)] = ring[at(i)];
      else for (let i = from + removed; i < n; i++) ring[at(i + delta)] = ring[at(i)];
      for (let i = n + delta; i < n; i++) ring[at(i)] = undefined;
    }
    this.count = n + delta;
    for (let k = 0; k < items.length; k++) ring[this.slot(from + k)] = items[k];
  }

  /** The elements of [start, end) as an array. */
  slice(start = 0, end = this.count): T[] {
    const out: T[] = [];
    for (let i = Math.max(start, 0); i < Math.min(end, this.count); i++) out.push(this.ring[this.slot(i)] as T);
    return out;
  }

  some(predicate: (value: T) => boolean): boolean {
    for (const v of this) if (predicate(v)) return true;
    return false;
  }

  /** Live, as an array's iterator is: it sees changes made while it runs. */
  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.count; i++) yield this.ring[this.slot(i)] as T;
  }

  private slot(index: number): number {
    return (this.head + index) & (this.ring.length - 1);
  }

  private grow(needed: number): void {
    let size = this.ring.length * 2;
    while (size < needed) size *= 2;
    const ring = new Array<T | undefined>(size).fill(undefined);
    for (let i = 0; i < this.count; i++) ring[i] = this.ring[this.slot(i)];
    this.ring = ring;
    this.head = 0;
  }
}
