// Run by test/native-faults.test.ts in Node, Deno (-A) and Bun: a file that
// someone else truncates under a held native view. Prints one JSON line of
// what it saw; a SIGBUS that the guard did not absorb ends the process
// instead. Mode `kill` sends itself SIGBUS (not a fault), mode `foreign`
// (Bun) faults in a mapping that is not anymmap's (Bun.mmap): both must end
// as they do without anymmap loaded (`kill-baseline`, `foreign-baseline`),
// the guard passing them on to the runtime's handler or the default action.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const runtime = typeof Deno !== "undefined" ? "deno" : typeof Bun !== "undefined" ? "bun" : "node";
const mode = process.argv[2] ?? "truncate";
const baseline = mode.endsWith("-baseline");
const anymmap = baseline ? null : await import(new URL(`../../dist/${runtime}.js`, import.meta.url).href);
const P = 4096;
const dir = mkdtempSync(join(tmpdir(), "anymmap-sigbus-"));
const native = { backend: "native" };

/** Another process truncates (or extends) the file: coreutils' truncate(1). */
function truncateElsewhere(path, size) {
  const r = spawnSync("truncate", ["-s", String(size), path]);
  if (r.status !== 0) throw new Error(`truncate(1) failed: ${r.stderr}`);
}
function errorOf(f) {
  try {
    f();
    return null;
  } catch (e) {
    return { code: e.code, syscall: e.syscall, name: e.name, message: e.message };
  }
}

if (mode.startsWith("kill")) {
  // A native mapping installs the guard.
  anymmap?.mmapSync(null, { length: P, ...native }).munmap();
  process.kill(process.pid, "SIGBUS");
  await new Promise((r) => setTimeout(r, 2000));
  console.log(JSON.stringify({ survived: true }));
} else if (mode.startsWith("foreign")) {
  anymmap?.mmapSync(null, { length: P, ...native }).munmap();
  const path = join(dir, "foreign");
  writeFileSync(path, new Uint8Array(4 * P).fill(1));
  const view = Bun.mmap(path);
  truncateElsewhere(path, 0);
  console.log(JSON.stringify({ read: view[2 * P] }));
} else {
  const out = { runtime };
  try {
    // Another process truncates a shared, writable mapping under a held view.
    const path = join(dir, "a");
    writeFileSync(path, new Uint8Array(4 * P).fill(0x41));
    const m = anymmap.mmapSync(path, { prot: "rw", flags: "shared", ...native });
    const view = m.bytes;
    out.backend = m.backend;
    truncateElsewhere(path, P);
    out.pastEnd = [view[P], view[2 * P + 5], view[4 * P - 1]];
    view[3 * P] = 7; // lands in a zero page, never in the file
    out.written = view[3 * P];
    out.before = view[0];
    out.report = errorOf(() => m.read(0, 1));
    out.after = Array.from(m.read(0, 2));
    out.pastEndRead = errorOf(() => m.read(2 * P, 1));
    out.size = statSync(path).size;
    // The file grows back: its pages are the file's again, and they read zeros (what truncation left).
    truncateElsewhere(path, 4 * P);
    out.regrown = Array.from(m.read(2 * P, 2));
    m.write("back", 3 * P);
    m.msync();
    out.onDisk = new TextDecoder().decode(readFileSync(path).subarray(3 * P, 3 * P + 4));
    m.munmap();

    // A second instance of anymmap truncates a private mapping of another.
    const path2 = join(dir, "b");
    writeFileSync(path2, new Uint8Array(8 * P).fill(0x42));
    const mine = anymmap.createInstance().mmapSync(path2, { prot: "r", flags: "private", ...native });
    const held = mine.view(0, 8 * P);
    const theirs = anymmap.createInstance().openSync(path2, "r+", undefined, "native");
    theirs.truncate(2 * P);
    out.instance = {
      below: held[2 * P - 1],
      past: held[5 * P],
      report: errorOf(() => mine.view(0, P))?.code ?? null,
      ok: mine.read(0, 1)[0],
    };
    theirs.close();
    mine.munmap();

    // Write, then msync (or munmap): a store lost to a truncation is reported there too, even after the file grew back.
    const path4 = join(dir, "d");
    writeFileSync(path4, new Uint8Array(3 * P));
    const synced = anymmap.mmapSync(path4, { prot: "rw", flags: "shared", ...native });
    const stale = synced.bytes;
    truncateElsewhere(path4, P);
    out.lostRead = stale[2 * P];
    truncateElsewhere(path4, 3 * P);
    stale[2 * P] = 0x42;
    out.msyncReport = errorOf(() => synced.msync());
    out.msyncAgain = errorOf(() => synced.msync());
    synced.munmap();
    const unmapped = anymmap.mmapSync(path4, { prot: "rw", flags: "shared", ...native });
    const stale2 = unmapped.bytes;
    truncateElsewhere(path4, P);
    stale2[2 * P] = 0x43;
    out.munmapReport = errorOf(() => unmapped.munmap());
    out.stillMapped = unmapped.read(0, 1)[0];
    out.munmapAgain = errorOf(() => unmapped.munmap());

    // A read-only mapping lost nothing: its munmap does not fail (the next read would have told).
    const path5 = join(dir, "e");
    writeFileSync(path5, new Uint8Array(3 * P));
    const readOnly = anymmap.mmapSync(path5, { prot: "r", ...native });
    const seen = readOnly.bytes;
    truncateElsewhere(path5, P);
    out.readOnlyPastEnd = seen[2 * P];
    out.readOnlyMunmap = errorOf(() => readOnly.munmap());

    // write() whose bytes land past the new end: lost, so write() itself says EFAULT (it returned the
    // byte count, and the next munmap failed), and munmap then unmaps.
    const path6 = join(dir, "f");
    writeFileSync(path6, new Uint8Array(16 * P).fill(0x41));
    const writer = anymmap.mmapSync(path6, { prot: "rw", flags: "shared", ...native });
    writer.read(0, 16 * P);
    truncateElsewhere(path6, P);
    out.lostWrite = errorOf(() => writer.write("x", 10 * P));
    out.lostWriteMunmap = errorOf(() => writer.munmap());
    out.lostWriteUnmapped = !writer.mapped;

    // Many faults in one sweep: every page past the end reads zero.
    const path3 = join(dir, "c");
    writeFileSync(path3, new Uint8Array(64 * P).fill(3));
    const sweep = anymmap.mmapSync(path3, native);
    const all = sweep.bytes;
    truncateElsewhere(path3, 0);
    let sum = 0;
    for (let i = 0; i < all.length; i += 512) sum += all[i];
    out.sweep = { sum, report: errorOf(() => sweep.read(0, 1))?.code ?? null };
    sweep.munmap();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(out));
}
