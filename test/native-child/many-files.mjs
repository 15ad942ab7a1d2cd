// Run by test/native-faults.test.ts in Node, Deno (-A) and Bun under a low
// open-file limit (ulimit -n): 10,000 files mapped at once. The native
// backend keeps one descriptor per file only up to a quarter of the limit
// and opens the others again by path when a call needs one. Prints one JSON
// line of what it saw.
import { mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const runtime = typeof Deno !== "undefined" ? "deno" : typeof Bun !== "undefined" ? "bun" : "node";
const anymmap = await import(new URL(`../../dist/${runtime}.js`, import.meta.url).href);
const N = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), "anymmap-many-"));
const descriptors = () => readdirSync("/proc/self/fd").length;
const out = { runtime };
try {
  const paths = Array.from({ length: N }, (_, i) => join(dir, `f${i}`));
  for (const [i, p] of paths.entries()) writeFileSync(p, `file ${i}`);
  const space = anymmap.createInstance();
  const before = descriptors();
  const maps = paths.map((p) => space.mmapSync(p, { prot: "rw", flags: "shared", backend: "native" }));
  out.mapped = maps.length;
  out.backend = maps[0].backend;
  out.heldDescriptors = descriptors() - before;
  out.contentsOk = maps.every((m, i) => new TextDecoder().decode(m.read(0, 5 + String(i).length)) === `file ${i}`);
  // The last files got no descriptor of their own (the first ones hold the budget): these calls open them by path.
  const [a, b, c] = [maps[N - 1], maps[N - 2], maps[N - 3]];
  a.mprotect("r");
  a.mprotect("rw");
  a.write("FILE", 0);
  b.mremap(2 * anymmap.pageSize, "maymove");
  out.reopened = new TextDecoder().decode(a.read(0, 6));
  // A file renamed since: the engine cannot find it again, and says so.
  renameSync(paths[N - 3], join(dir, "moved"));
  try {
    c.mprotect("r");
    out.renamed = "no error";
  } catch (e) {
    out.renamed = `${e.code} ${e.syscall}`;
  }
  for (const m of maps) m.munmap();
  out.leftDescriptors = descriptors() - before;
  out.info = space.info().mappings;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
