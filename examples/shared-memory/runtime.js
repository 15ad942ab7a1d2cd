// What differs between runtimes in these examples: which build of anymmap
// to import (in a project, `import * as anymmap from "anymmap"` picks it),
// and how to start a worker and talk to it: Web Workers in Deno, Bun and
// browsers, worker_threads in Node.
const entry =
  typeof Deno !== "undefined"
    ? "deno.js"
    : typeof Bun !== "undefined"
      ? "bun.js"
      : globalThis.process?.versions?.node
        ? "node.js"
        : "browser.js";
export const anymmap = await import(new URL(`../../dist/${entry}`, import.meta.url).href);

/** Messages in arrival order: next() resolves with the next one. */
function inbox(subscribe) {
  const queue = [];
  const waiting = [];
  subscribe((data) => (waiting.length > 0 ? waiting.shift()(data) : queue.push(data)));
  return () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve)));
}

/** Starts a module worker: { post, next, terminate }. */
export async function startWorker(url) {
  if (typeof Worker === "function") {
    const worker = new Worker(url.href, { type: "module" });
    const next = inbox((deliver) => (worker.onmessage = (event) => deliver(event.data)));
    worker.onerror = (event) => {
      console.error(event.message);
      if (globalThis.process) process.exitCode = 1;
    };
    return { post: (m) => worker.postMessage(m), next, terminate: async () => worker.terminate() };
  }
  const { Worker: NodeWorker } = await import("node:worker_threads");
  const worker = new NodeWorker(url);
  const next = inbox((deliver) => worker.on("message", deliver));
  worker.on("error", (e) => {
    console.error(e);
    process.exitCode = 1;
  });
  return { post: (m) => worker.postMessage(m), next, terminate: () => worker.terminate() };
}

/** The worker's side: { post, next } towards whoever started it. */
export async function parent() {
  if (typeof self !== "undefined" && typeof self.postMessage === "function") {
    const next = inbox((deliver) => (self.onmessage = (event) => deliver(event.data)));
    return { post: (m) => self.postMessage(m), next };
  }
  const { parentPort } = await import("node:worker_threads");
  const next = inbox((deliver) => parentPort.on("message", deliver));
  return { post: (m) => parentPort.postMessage(m), next };
}
