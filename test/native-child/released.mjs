// Run by test/native-child.test.ts in Node, Deno (-A) and Bun: what munmap
// leaves of a native mapping that views were made over. Stale views keep
// their length and read zeros (docs/security.md), so their pages stay
// mapped as zero pages; every other page of the range goes at once, as
// C's munmap takes it. Prints one JSON line of what /proc/self/maps showed.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const runtime = typeof Deno !== "undefined" ? "deno" : typeof Bun !== "undefined" ? "bun" : "node";
const anymmap = await import(new URL(`../../dist/${runtime}.js`, import.meta.url).href);
const P = 4096;
const LENGTH = 64 * 2 ** 20;
const dir = mkdtempSync(join(tmpdir(), "anymmap-released-"));
const path = join(dir, "f");
const last = new Uint8Array(P).fill(0x4c);
writeFileSync(path, new Uint8Array(LENGTH));
const fd = openSync(path, "r+");
writeSync(fd, last, 0, P, LENGTH - P);
closeSync(fd);

// The kernel merges neighbouring anonymous mappings into one line: look for the line that holds the address.
const mapped = (a) =>
  readFileSync("/proc/self/maps", "latin1")
    .split("\n")
    .some((l) => {
      const [start, end] = l
        .split(" ")[0]
        .split("-")
        .map((x) => Number.parseInt(x, 16));
      return start <= a && a < end;
    });

// A view of the last page only.
const m = anymmap.mmapSync(path, { backend: "native" });
const backend = m.backend;
const view = m.view(LENGTH - P, P);
const before = view[0];
const base = m.address;
m.munmap();
const tail = {
  before,
  stale: { length: view.length, first: view[0] },
  first: mapped(base),
  middle: mapped(base + LENGTH / 2),
  lastPage: mapped(base + LENGTH - P),
};
view[1] = 0x77;
tail.onDisk = readFileSync(path)[LENGTH - P + 1];

// `bytes` is a view of everything: every page stays for it.
const whole = anymmap.mmapSync(path, { backend: "native" });
const bytes = whole.bytes;
const wholeBase = whole.address;
whole.munmap();
const all = {
  length: bytes.length,
  last: bytes[LENGTH - P],
  first: mapped(wholeBase),
  middle: mapped(wholeBase + LENGTH / 2),
  lastPage: mapped(wholeBase + LENGTH - P),
};

rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ backend, tail, all }));
