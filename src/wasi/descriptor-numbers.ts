/**
 * Hands out the lowest unused descriptor number, as POSIX requires of open,
 * in O(log n): scanning up from the first number cost each open a step per
 * open descriptor, a quarter of the time of mapping the 60,000th file.
 *
 * Every number at or above `#next` is unused unless something took it by
 * number (dup2, fd_renumber, a preopen); every number below `#next` is in
 * use or in `#released`, a min-heap that may also hold numbers taken again
 * since, which `take` skips. A number is in the heap once at most
 * (`#queued`), so dup2 onto an open number again and again (a close, then
 * the number taken back by number) cannot grow it.
 */
export class DescriptorNumbers {
  readonly #released: number[] = [];
  /** `#queued[fd]`: fd is in `#released`. */
  readonly #queued: boolean[] = [];
  #next: number;

  /**
   * Numbers below `next` (stdio) are in use at the start; once released
   * they are handed out again, as Linux reuses 1 after close(1).
   */
  constructor(next: number) {
    this.#next = next;
  }

  /** How many numbers wait in the heap (each once at most). */
  get waiting(): number {
    return this.#released.length;
  }

  /** The lowest number that `inUse` says is free; the caller now owns it. */
  take(inUse: (fd: number) => boolean): number {
    const heap = this.#released;
    while (heap.length > 0 && heap[0]! < this.#next) {
      const fd = this.#pop();
      if (!inUse(fd)) return fd;
    }
    while (inUse(this.#next)) this.#next++;
    return this.#next++;
  }

  /** `fd` may be free now (a number still in use is harmless here). */
  release(fd: number): void {
    if (fd < 0 || fd >= this.#next || this.#queued[fd]) return;
    this.#queued[fd] = true;
    const heap = this.#released;
    let i = heap.push(fd) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! <= fd) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = fd;
  }

  #pop(): number {
    const heap = this.#released;
    const top = heap[0]!;
    this.#queued[top] = false;
    const last = heap.pop()!;
    const n = heap.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap[child + 1]! < heap[child]!) child++;
      if (heap[child]! >= last) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
