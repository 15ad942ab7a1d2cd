/**
 * The small tables behind descriptors and least-recently-used files, each
 * checked against the plain structure it replaces, with random operations
 * from a fixed seed: DescriptorNumbers against a scan for the lowest free
 * number, FdMap against Map, Lru against an array in order of use.
 */
import { describe, expect, it } from "vitest";

import { Lru } from "../src/core/engines/lru.js";
import { DescriptorNumbers } from "../src/wasi/descriptor-numbers.js";
import { FdMap } from "../src/wasi/fd-map.js";
import { seededRandom as random } from "./harness/helpers.js";

describe("DescriptorNumbers", () => {
  it("always hands out the lowest free number, stdio's once closed, whatever else takes and frees numbers", () => {
    const rnd = random(7);
    const numbers = new DescriptorNumbers(3);
    const used = new Set<number>([0, 1, 2]);
    const inUse = (fd: number) => used.has(fd);
    for (let step = 0; step < 50_000; step++) {
      const r = rnd();
      if (r < 0.45) {
        let lowest = 0;
        while (used.has(lowest)) lowest++;
        const fd = numbers.take(inUse);
        expect(fd).toBe(lowest);
        used.add(fd);
      } else if (r < 0.85 && used.size > 0) {
        // close(2): any number in use, stdio included.
        const all = [...used];
        const fd = all[Math.floor(rnd() * all.length)]!;
        used.delete(fd);
        numbers.release(fd);
      } else if (r < 0.95) {
        // dup2 or fd_renumber onto a number of the caller's choosing, below or above the others.
        used.add(Math.floor(rnd() * (r < 0.9 ? 64 : 100_000)));
      } else {
        // A number that was never in use is closed again: no effect on what is handed out.
        numbers.release(Math.floor(rnd() * 64));
      }
    }
  });

  it("holds each free number once, however often a number is released and taken back by number (dup2)", () => {
    const numbers = new DescriptorNumbers(3);
    const used = new Set<number>();
    const inUse = (fd: number) => used.has(fd);
    for (let i = 0; i < 10; i++) used.add(numbers.take(inUse));
    // dup2(3, 7) a million times: close(7) releases 7, then 7 is taken again by number.
    for (let i = 0; i < 1_000_000; i++) numbers.release(7);
    expect(numbers.waiting).toBe(1);
    used.delete(5);
    numbers.release(5);
    expect(numbers.take(inUse)).toBe(5);
    used.add(5);
    // 7 was never free: the one entry left for it is skipped, and the next number is 13.
    expect(numbers.take(inUse)).toBe(13);
    expect(numbers.waiting).toBe(0);
  });
});

describe("FdMap", () => {
  it("matches Map over 50,000 random sets, gets and deletes, low and high numbers", () => {
    const rnd = random(11);
    const fds = new FdMap<object>();
    const model = new Map<number, object>();
    const key = () => (rnd() < 0.8 ? Math.floor(rnd() * 300) : 0x40000000 + Math.floor(rnd() * 300));
    for (let step = 0; step < 50_000; step++) {
      const fd = key();
      const r = rnd();
      if (r < 0.4) {
        const value = { step };
        fds.set(fd, value);
        model.set(fd, value);
      } else if (r < 0.7) {
        expect(fds.delete(fd)).toBe(model.delete(fd));
      } else {
        expect(fds.get(fd)).toBe(model.get(fd));
        expect(fds.has(fd)).toBe(model.has(fd));
      }
    }
    expect(fds.get(-1)).toBeUndefined();
    expect(fds.get(1.5)).toBeUndefined();
    expect(fds.delete(1 << 20)).toBe(false);
  });
});

describe("Lru", () => {
  it("keeps items in the order of last use over 50,000 random uses and deletes, deleting while iterating", () => {
    const rnd = random(13);
    const lru = new Lru<number>();
    let model: number[] = [];
    for (let step = 0; step < 50_000; step++) {
      const item = Math.floor(rnd() * 200);
      const r = rnd();
      if (r < 0.6) {
        lru.use(item);
        model = model.filter((x) => x !== item);
        model.push(item);
      } else if (r < 0.9) {
        expect(lru.delete(item)).toBe(model.includes(item));
        model = model.filter((x) => x !== item);
      } else {
        // Eviction as the descriptor pools do it: the oldest first, each deleted as it is given.
        const keep = Math.floor(rnd() * model.length);
        for (const old of lru) {
          if (lru.size <= keep) break;
          lru.delete(old);
        }
        model = model.slice(model.length - keep);
      }
      expect(lru.size).toBe(model.length);
    }
    expect([...lru]).toEqual(model);
  });
});
