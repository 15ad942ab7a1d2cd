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
  statSync,
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
  for (const name of ["replaced", "deleted", "moved", "written", "both", "handle"]) {
    writeFileSync(at(name), `${name} original`);
  }
  // 64 pages: the first read at once (resident in the engine, read-ahead takes 32), the last only after the file is gone.
  writeFileSync(at("recycled"), "recycled page 0".padEnd(63 * 4096, ".") + "recycled last page");
  const paths = Array.from({ length: N }, (_, i) => at(`f${i}`));
  for (const [i, p] of paths.entries()) writeFileSync(p, `file ${i}`);
  const space = anymmap.createInstance();
  const before = descriptors();
  // Mapped first and not read yet: by the time they are, the pool has closed their descriptors.
  const replaced = space.mmapSync(at("replaced"), { backend: "wasm" });
  const deleted = space.mmapSync(at("deleted"), { backend: "wasm" });
  const moved = space.mmapSync(at("moved"), { backend: "wasm" });
  const written = space.mmapSync(at("written"), { prot: "rw", flags: "shared", backend: "wasm" });
  // Mapped read-only first (its descriptor is the one the pool may close), then read-write.
  const bothRead = space.mmapSync(at("both"), { backend: "wasm" });
  const bothWritten = space.mmapSync(at("both"), { prot: "rw", flags: "shared", backend: "wasm" });
  const recycled = space.mmapSync(at("recycled"), { backend: "wasm" });
  // A file handle opened read-only gives up its descriptor as a mapping does.
  const handle = space.openSync(at("handle"), "r", undefined, "wasm");
  const recycledIno = statSync(at("recycled")).ino;
  text(recycled, 15);
  const maps = paths.map((p) => space.mmapSync(p, { backend: "wasm" }));
  out.backend = maps[0].backend;
  out.mapped = maps.length;
  out.heldDescriptors = descriptors() - before;
  out.contentsOk = maps.every((m, i) => text(m, 5 + String(i).length) === `file ${i}`);
  // Another file renamed over the path, the file deleted: not the file that was mapped.
  writeFileSync(at("other"), "other bytes here");
  writeFileSync(at("other-for-handle"), "other bytes here");
  renameSync(at("other"), at("replaced"));
  out.replaced = failure(() => text(replaced, 16));
  renameSync(at("other-for-handle"), at("handle"));
  try {
    handle.pread(new Uint8Array(8), 0);
    out.handle = "no error";
  } catch (e) {
    out.handle = `${e.code} ${e.syscall} ${/ failed/.test(e.message) ? "without a hint" : "with a hint"}`;
  }
  handle.close();
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
  renameSync(at("both"), at("both-renamed"));
  bothWritten.write("BOTH", 0);
  bothWritten.munmap();
  out.both = readFileSync(at("both-renamed"), "utf8");
  // The file deleted and a new one made at its path with the same inode number (ext4 hands a freed
  // number to a new file at once; files are made until one gets it), which the engine must not take
  // for the old file.
  unlinkSync(at("recycled"));
  out.inodeReused = false;
  for (let i = 0; i < 64 && !out.inodeReused; i++) {
    const candidate = at(`candidate-${i}`);
    writeFileSync(candidate, "newcomer page 0".padEnd(63 * 4096, "-") + "newcomer last page");
    if (statSync(candidate).ino === recycledIno) {
      renameSync(candidate, at("recycled"));
      out.inodeReused = true;
    }
  }
  out.recycledOld = failure(() => new TextDecoder().decode(recycled.read(63 * 4096, 18)));
  const newcomer = space.mmapSync(at("recycled"), { backend: "wasm" });
  out.recycledNew = text(newcomer, 15);
  newcomer.munmap();
  for (const m of [replaced, deleted, moved, bothRead, recycled, ...maps]) m.munmap();
  out.leftDescriptors = descriptors() - before;
  out.mappings = space.info().mappings;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
