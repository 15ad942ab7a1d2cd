/**
 * Shared anonymous memory between the page and a real dedicated Worker
 * (the page is cross-origin isolated): the worker attaches the page's
 * MAP_SHARED|MAP_ANONYMOUS mapping of a `sharedMemory` instance, both add to
 * one counter with Atomics, each reads the other's bytes, and the worker
 * keeps the memory after the page unmaps it.
 */
import { anymmap, describe, expect, it } from "../harness/browser.js";

const P = 4096;

interface WorkerLike {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message: string }) => void) | null;
  terminate(): void;
}
const g = globalThis as unknown as {
  Worker: new (url: string, options: { type: "module" }) => WorkerLike;
  Blob: new (parts: string[], options: { type: string }) => unknown;
  URL: { createObjectURL(blob: unknown): string };
  location: { href: string };
  crossOriginIsolated: boolean;
};

// The worker imports the same built package the page does.
const WORKER = `
const anymmap = await import(${JSON.stringify(new URL("/dist/browser.js", g.location.href).href)});
let mapping;
self.onmessage = ({ data }) => {
  try {
    if (data.op === "count") {
      mapping = anymmap.attach(data.page);
      const view = mapping.view(0, 8, "write");
      const counter = new Int32Array(view.buffer, view.byteOffset, 2);
      for (let i = 0; i < data.rounds; i++) Atomics.add(counter, 0, 1);
      mapping.write("from the worker", 2 * ${P});
      self.postMessage({ read: new TextDecoder().decode(mapping.read(${P}, 13)), backend: mapping.backend, address: mapping.address });
    } else if (data.op === "write") {
      mapping.write(data.text, 0);
      self.postMessage({ read: new TextDecoder().decode(mapping.read(0, data.text.length)), mapped: mapping.mapped });
    }
  } catch (e) {
    self.postMessage({ code: e.code, message: e.message });
  }
};
self.postMessage("ready");
`;

function start(): { worker: WorkerLike; next: () => Promise<unknown> } {
  const worker = new g.Worker(g.URL.createObjectURL(new g.Blob([WORKER], { type: "text/javascript" })), {
    type: "module",
  });
  const queue: unknown[] = [];
  const waiting: Array<(v: unknown) => void> = [];
  worker.onmessage = ({ data }) => (waiting.length > 0 ? waiting.shift()!(data) : queue.push(data));
  worker.onerror = (e) =>
    waiting.length > 0 ? waiting.shift()!({ error: e.message }) : queue.push({ error: e.message });
  const next = () =>
    queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve));
  return { worker, next };
}

describe("shared anonymous memory with a Worker", () => {
  it("the page and a Worker share a MAP_SHARED|MAP_ANONYMOUS mapping", async () => {
    expect(g.crossOriginIsolated).toBe(true);
    const space = anymmap.createInstance({ sharedMemory: true });
    const m = await space.mmap(null, { length: 3 * P, prot: "rw", flags: "shared" });
    m.write("from the page", P);
    const { worker, next } = start();
    try {
      expect(await next()).toBe("ready");
      const rounds = 50_000;
      worker.postMessage({ op: "count", page: m.share(), rounds });
      const view = m.view(0, 8, "write");
      const counter = new Int32Array(view.buffer, view.byteOffset, 2);
      for (let i = 0; i < rounds; i++) Atomics.add(counter, 0, 1);
      expect(await next()).toEqual({ read: "from the page", backend: "wasm", address: m.address });
      expect(Atomics.load(counter, 0)).toBe(2 * rounds);
      expect(new TextDecoder().decode(m.read(2 * P, 15))).toBe("from the worker");
      // The page unmaps; the worker's mapping is its own and keeps the memory.
      const mappings = space.info().mappings;
      m.munmap();
      expect(space.info().mappings).toBe(mappings);
      worker.postMessage({ op: "write", text: "after the page's munmap" });
      expect(await next()).toEqual({ read: "after the page's munmap", mapped: true });
    } finally {
      worker.terminate();
    }
  });
});
