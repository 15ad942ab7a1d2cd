/**
 * One operation of bench/profile.mjs in a process of its own: warm up for a
 * second, then run it in a loop for `seconds` under V8's sampling profiler
 * (50 µs interval) and print the self time of the top functions per op.
 */
import { Session } from "node:inspector";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PAGE, touch, xor32 } from "./kernels.mjs";

const spec = JSON.parse(process.argv[2]);
const A = await import(pathToFileURL(spec.dist).href);
const GiB = 2 ** 30;

const OPS = {
  "s1-touch": () => ({
    what: "map 1 GiB, bytes, touch every page, munmap",
    run() {
      const m = A.mmapSync(spec.dense.path);
      touch(m.bytes);
      m.munmap();
    },
  }),
  "s1-scan": () => ({
    what: "map 1 GiB, bytes, XOR scan, munmap",
    run() {
      const m = A.mmapSync(spec.dense.path);
      xor32(m.bytes);
      m.munmap();
    },
  }),
  "s3-page": () => ({
    what: "map the last page of a 6 GiB file (1-page window), read it, munmap",
    run() {
      const { path, size } = spec.sparse;
      const m = A.mmapSync(path, { offset: size - PAGE, length: PAGE });
      m.view(0, PAGE);
      m.munmap();
    },
  }),
  "s3-window": () => ({
    what: "map the last 1 GiB window of a 6 GiB file, read its last page, munmap (3 GiB windows run out of address space: see the bench)",
    run() {
      const { path, size } = spec.sparse;
      const m = A.mmapSync(path, { offset: size - GiB, length: GiB });
      m.view(GiB - PAGE, PAGE);
      m.munmap();
    },
  }),
  s4: () => {
    const { path, size, randomPages } = spec.sparse;
    const windows = [];
    for (let at = 0; at < size; at += GiB) windows.push({ instance: A.createInstance(), offset: at });
    return {
      what: "6 × 1 GiB windows mapped, 1000 random page views, unmapped (map/unmap included here)",
      run() {
        const maps = windows.map((w) => w.instance.mmapSync(path, { offset: w.offset, length: GiB }));
        for (const p of randomPages) {
          const off = p * PAGE;
          const k = Math.floor(off / GiB);
          maps[k].view(off - k * GiB, PAGE);
        }
        for (const m of maps) m.munmap();
      },
    };
  },
  s5: () => ({
    what: "map 1 GiB shared rw, dirty 1000 random pages, msync(MS_SYNC), munmap",
    run() {
      const m = A.mmapSync(spec.dense.path, { prot: "rw", flags: "shared" });
      for (let i = 0; i < 1000; i++) {
        const v = m.view(((i * 2654435761) % (spec.dense.size / PAGE)) * PAGE, PAGE, "write");
        v[0] = (v[0] + 1) & 255;
      }
      m.msync("sync");
      m.munmap();
    },
  }),
  s7: () => ({
    what: `${spec.many.count} one-page files: open + map shared read-only + read the first byte, all kept; then munmap each`,
    run() {
      const maps = [];
      for (const path of manyPaths) {
        const m = A.mmapSync(path, { prot: "r" });
        maps.push(m);
        m.view(0, 1);
      }
      for (const m of maps) m.munmap();
    },
  }),
  s6: () => ({
    what: "map 1 GiB, read page 0, munmap",
    run() {
      const m = A.mmapSync(spec.dense.path);
      m.view(0, PAGE);
      m.munmap();
    },
  }),
};

const manyPaths = Array.from({ length: spec.many.count }, (_, i) => join(spec.many.dir, `f${i}.bin`));
const op = OPS[spec.op]?.();
if (!op) {
  console.log(`unknown op ${spec.op}; ops: ${Object.keys(OPS).join(" ")}`);
  process.exit(2);
}

const now = () => Number(process.hrtime.bigint());
const warmEnd = now() + 1e9;
while (now() < warmEnd) op.run();

const session = new Session();
session.connect();
const post = (method, params) =>
  new Promise((res, rej) => session.post(method, params, (err, r) => (err ? rej(err) : res(r))));
await post("Profiler.enable");
await post("Profiler.setSamplingInterval", { interval: 50 });
await post("Profiler.start");
const t0 = now();
let n = 0;
while (now() - t0 < spec.seconds * 1e9) {
  op.run();
  n++;
}
const elapsed = now() - t0;
const { profile } = await post("Profiler.stop");

const self = new Map();
const byId = new Map(profile.nodes.map((x) => [x.id, x]));
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const node = byId.get(id);
  const f = node.callFrame;
  const where = f.url.startsWith("wasm://") ? "wasm" : f.url ? f.url.split("/").at(-1) : "native";
  const key = `${f.functionName || "(anonymous)"}  [${where}]`;
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
const perOp = elapsed / n / 1e6;
const lines = [
  `== ${spec.op}: ${op.what}`,
  `   ${n} ops in ${(elapsed / 1e9).toFixed(1)} s under the profiler: ${perOp >= 1 ? `${perOp.toFixed(2)} ms` : `${(perOp * 1e3).toFixed(1)} µs`} per op`,
];
for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, spec.top)) {
  const ms = t / 1e3 / n;
  lines.push(
    `   ${(ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1e3).toFixed(1)} µs`).padStart(10)}  ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`,
  );
}
console.log(lines.join("\n"));
