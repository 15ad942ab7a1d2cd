/**
 * The native engine's Deque behaves as an array under every kind of splice
 * (at either end, in the middle, across the ring's wrap, while it grows),
 * checked against Array with random operations from a fixed seed.
 */
import { describe, expect, it } from "vitest";

import { Deque } from "../src/core/engines/deque.js";
import { seededRandom as random } from "./harness/helpers.js";

describe("Deque", () => {
  it("matches Array over 20,000 random splices, reads, slices and iterations", () => {
    const rnd = random(15);
    const deque = new Deque<number>();
    const array: number[] = [];
    let next = 0;
    for (let step = 0; step < 20_000; step++) {
      const n = array.length;
      // Ends most often (the engine's pattern), the middle too; growth wins slightly.
      const where = rnd();
      const start = where < 0.35 ? 0 : where < 0.6 ? n : Math.floor(rnd() * (n + 1));
      const remove = rnd() < 0.45 ? Math.floor(rnd() * 4) : 0;
      const items = Array.from({ length: Math.floor(rnd() * 4) }, () => next++);
      deque.splice(start, remove, ...items);
      array.splice(start, remove, ...items);
      expect(deque.length).toBe(array.length);
      const probe = Math.floor(rnd() * (array.length + 2)) - 1;
      expect(deque.at(probe)).toBe(array.at(probe) === undefined || probe < 0 ? undefined : array[probe]);
      if (step % 97 === 0) {
        expect([...deque]).toEqual(array);
        const a = Math.floor(rnd() * (array.length + 1));
        const b = a + Math.floor(rnd() * 5);
        expect(deque.slice(a, b)).toEqual(array.slice(a, b));
        expect(deque.some((x) => x === array[a])).toBe(a < array.length);
      }
    }
    expect([...deque]).toEqual(array);
    // The list must have grown through many rings (16 slots at first).
    expect(array.length).toBeGreaterThan(1000);
  });

  it("empties from the front and from the back", () => {
    const deque = new Deque<number>();
    for (let i = 0; i < 100; i++) deque.splice(0, 0, i);
    expect(deque.at(0)).toBe(99);
    expect(deque.at(99)).toBe(0);
    for (let i = 0; i < 50; i++) deque.splice(0, 1);
    for (let i = 0; i < 50; i++) deque.splice(deque.length - 1, 1);
    expect(deque.length).toBe(0);
    expect([...deque]).toEqual([]);
    expect(deque.at(0)).toBeUndefined();
  });
});
