// The seeds' fork example in JavaScript: a MAP_SHARED | MAP_ANONYMOUS page
// seen by a parent and a worker (fork's child), next to a variable each has
// its own copy of. Same output as examples/c/shared_anonymous.c on Linux.
//   node examples/shared-memory/fork.js                 (worker_threads)
//   deno run --allow-read examples/shared-memory/fork.js
//   bun examples/shared-memory/fork.js
//   index.html beside it, served with COOP/COEP (browsers need SharedArrayBuffer)
// ANYMMAP_BACKEND=wasm|native picks the engine (Deno: add --allow-env, and
// --allow-ffi for native). In a project: import from "anymmap".
import { anymmap, startWorker } from "./runtime.js";

const unshared = 15;
// sharedMemory: the WASM engine's memory must be shareable; the native backend shares regardless.
const space = anymmap.createInstance({ sharedMemory: true });
// The async form loads the engine first: browsers cannot load it synchronously.
const mapping = await space.mmap(null, { length: 4096, prot: "rw", flags: "shared" });
const shared = mapping.bytes;
shared[0] = 1;

// fork(): the worker gets a copy of `unshared` and the same shared page.
const child = await startWorker(new URL("./child.js", import.meta.url));
await child.next(); // "ready": a worker may miss messages posted before it listens
child.post({ unshared, page: mapping.share() });
// wait(NULL): the worker sends its lines, then "exit".
for (let message = await child.next(); message !== "exit"; message = await child.next()) console.log(message);
await child.terminate();

console.log("Parent process checking `shared` and `unshared`...");
console.log(`On parent process, \`unshared\` is ${unshared}, \`shared\` is ${shared[0]}`);
mapping.munmap();
