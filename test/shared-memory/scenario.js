// Shared anonymous memory across real workers, in whichever runtime runs
// this file (Node worker_threads, Deno and Bun Web Workers) on the backend
// ANYMMAP_BACKEND names; prints one JSON line of what it saw, which
// test/shared-memory.test.ts checks.
import { anymmap, startWorker } from "../../examples/shared-memory/runtime.js";

const ROUNDS = 100_000;
const space = anymmap.createInstance({ sharedMemory: true });
const out = { backend: space.backend, runtime: space.info().runtime };
const baseline = space.info().mappings;

async function worker() {
  const w = await startWorker(new URL("./worker.js", import.meta.url));
  await w.next(); // ready
  return w;
}

// Three threads add to one counter in the shared page at once: every increment lands.
const m = space.mmapSync(null, { length: 2 * 4096, prot: "rw", flags: "shared" });
const view = m.view(0, 8, "write");
const counter = new Int32Array(view.buffer, view.byteOffset, 2);
const workers = [await worker(), await worker()];
for (const w of workers) w.post({ op: "count", page: m.share(), rounds: ROUNDS });
for (let i = 0; i < ROUNDS; i++) Atomics.add(counter, 0, 1);
out.counted = await Promise.all(workers.map((w) => w.next()));
out.counter = Atomics.load(counter, 0);
out.expected = 3 * ROUNDS;
m.munmap();

// The sharer unmaps while a worker still uses the memory: the worker keeps it, and the memory returns once it unmaps.
const n = space.mmapSync(null, { length: 4096, prot: "rw", flags: "shared" });
n.write("before", 0);
const w = workers[0];
w.post({ op: "attach", page: n.share() });
out.attached = await w.next();
n.munmap();
out.mappingsWhileAttached = space.info().mappings - baseline;
w.post({ op: "write", text: "after the sharer's munmap" });
out.afterMunmap = await w.next();
w.post({ op: "detach" });
out.detached = await w.next();
out.mappingsAfter = space.info().mappings - baseline;

// A worker attaching after the sharer unmapped gets EBADF, not someone else's memory.
const late = space.mmapSync(null, { length: 4096, prot: "rw", flags: "shared" });
const handle = late.share();
late.munmap();
w.post({ op: "attach", page: handle });
out.lateAttach = await w.next();

for (const x of workers) await x.terminate();
console.log(JSON.stringify(out));
