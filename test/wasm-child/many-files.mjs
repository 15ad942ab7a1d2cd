// Run by test/wasm-descriptors.test.ts in Node, Deno (-A) and Bun, under a
// low open-file limit (ulimit -n) or none: N files mapped at once by the WASM
// engine. Read-only files give up their descriptors beyond a budget, or when
// an open fails with EMFILE, and are opened again by path when read; a file
// mapped writable keeps its descriptor. Prints one JSON line of what it saw.
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const runtime = typeof Deno !== "undefined" ? "deno" : typeof Bun !== "undefined" ? "bun" : "node";
const anymmap = await import(new URL(`../../dist/${runtime}.js`, import.meta.url).href);
const N = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), "anymmap-wasm-many-"));
// Descriptors of this test's files (the runtime opens sockets and files of its own meanwhile).
const descriptors = () =>
  readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir);
    } catch {
      return false;
    }
  }).length;
const text = (m, length) => new TextDecoder().decode(m.read(0, length));
const failure = (f) => {
  try {
    return `no error: ${f()}`;
  } catch (e) {
    return `${e.code} ${e.syscall}`;
  }
};
const out = { runtime };
try {
  const at = (name) => join(dir, name);
  for (const name of ["replaced", "deleted", "moved", "written"]) writeFileSync(at(name), `${name} original`);
  const paths = Array.from({ length: N }, (_, i) => at(`f${i}`));
  for (const [i, p] of paths.entries()) writeFileSync(p, `file ${i}`);
  const space = anymmap.createInstance();
  const before = descriptors();
  // Mapped first and not read yet: by the time they are, the pool has closed their descriptors.
  const replaced = space.mmapSync(at("replaced"), { backend: "wasm" });
  const deleted = space.mmapSync(at("deleted"), { backend: "wasm" });
  const moved = space.mmapSync(at("moved"), { backend: "wasm" });
  const written = space.mmapSync(at("written"), { prot: "rw", flags: "shared", backend: "wasm" });
  const maps = paths.map((p) => space.mmapSync(p, { backend: "wasm" }));
  out.backend = maps[0].backend;
  out.mapped = maps.length;
  out.heldDescriptors = descriptors() - before;
  out.contentsOk = maps.every((m, i) => text(m, 5 + String(i).length) === `file ${i}`);
  // Another file renamed over the path, the file deleted: not the file that was mapped.
  writeFileSync(at("other"), "other bytes here");
  renameSync(at("other"), at("replaced"));
  out.replaced = failure(() => text(replaced, 16));
  unlinkSync(at("deleted"));
  out.deleted = failure(() => text(deleted, 16));
  // Renamed away and back: the same file, read as it is.
  renameSync(at("moved"), at("moved-away"));
  renameSync(at("moved-away"), at("moved"));
  out.moved = text(moved, 14);
  // The writable file kept its descriptor: written after a rename, the bytes reach it under its new name.
  renameSync(at("written"), at("written-renamed"));
  written.write("WRITTEN", 0);
  written.munmap();
  out.written = readFileSync(at("written-renamed"), "utf8");
  for (const m of [replaced, deleted, moved, ...maps]) m.munmap();
  out.leftDescriptors = descriptors() - before;
  out.mappings = space.info().mappings;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
