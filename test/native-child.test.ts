/**
 * The native backend where only a real process will do, in Node, Deno and
 * Bun (scripts in test/native-child/).
 *
 * Its SIGBUS guard: another process
 * (coreutils' truncate) or another anymmap instance truncates a file under
 * a held view; touching the lost pages reads zeros instead of killing the
 * process, and the next call on the mapping reports it as EFAULT. A SIGBUS
 * that is not a fault in anymmap's mappings ends the process exactly as it
 * does without anymmap.
 *
 * Its descriptors: 10,000 files mapped at once under `ulimit -n 256` (the
 * engine used to dup one descriptor per mapping: EMFILE at about 250).
 * Needs a built dist/ and native library.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

import { runtimeEnv } from "../scripts/runtime-env.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const scripts = join(root, "test", "native-child");
const env: NodeJS.ProcessEnv = { ...runtimeEnv(root) };
delete env.ANYMMAP_BACKEND;
const RUNTIMES: Record<string, string[]> = {
  node: [process.execPath],
  deno: [join(root, "node_modules", ".bin", "deno"), "run", "-A", "--no-check"],
  bun: [join(root, "node_modules", ".bin", "bun")],
};

function run(runtime: string, mode: string, script = "truncated.mjs") {
  const [command, ...args] = RUNTIMES[runtime]!;
  const r = spawnSync(command!, [...args, join(scripts, script), mode], {
    cwd: root,
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  return r;
}

describe.each(Object.keys(RUNTIMES))("native SIGBUS guard in %s", (runtime) => {
  it("a file truncated by another process under a held view: zeros, then EFAULT from the next call, then the file's bytes again", () => {
    const r = run(runtime, "truncate");
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
    expect(out.backend).toBe("native");
    expect(out.pastEnd).toEqual([0, 0, 0]);
    expect(out.written).toBe(7);
    expect(out.before).toBe(0x41);
    expect(out.report).toMatchObject({ name: "MmapError", code: "EFAULT", syscall: "access" });
    expect(out.report.message).toContain("truncated by someone else");
    // Reported once; the bytes still in the file read as before, those past its end are EFAULT (SIGBUS).
    expect(out.after).toEqual([0x41, 0x41]);
    expect(out.pastEndRead).toMatchObject({ code: "EFAULT", syscall: "access" });
    expect(out.size).toBe(4096);
    // Grown back: the pages are the file's again (zeros, as truncation left them), and writes reach it.
    expect(out.regrown).toEqual([0, 0]);
    expect(out.onDisk).toBe("back");
    // Another anymmap instance truncating a private mapping of this one.
    expect(out.instance).toEqual({ below: 0x42, past: 0, report: "EFAULT", ok: 0x42 });
    // A store lost after the file grew back is reported by msync, and by munmap, which then unmaps nothing until called again.
    expect(out.lostRead).toBe(0);
    expect(out.msyncReport).toMatchObject({ code: "EFAULT", syscall: "msync" });
    expect(out.msyncReport.message).toContain("writes to such pages are lost");
    expect(out.msyncAgain).toBeNull();
    expect(out.munmapReport).toMatchObject({ code: "EFAULT", syscall: "munmap" });
    expect(out.munmapReport.message).toContain("nothing was unmapped");
    expect(out.stillMapped).toBe(0);
    expect(out.munmapAgain).toBeNull();
    expect(out.readOnlyPastEnd).toBe(0);
    expect(out.readOnlyMunmap).toBeNull();
    // A write() whose bytes were lost says so itself; munmap then unmaps.
    expect(out.lostWrite).toMatchObject({ code: "EFAULT", syscall: "access" });
    expect(out.lostWrite.message).toContain("writes to such pages are lost");
    expect(out.lostWriteMunmap).toBeNull();
    expect(out.lostWriteUnmapped).toBe(true);
    // 64 faulting pages in one loop.
    expect(out.sweep).toEqual({ sum: 0, report: "EFAULT" });
  });

  it("SIGBUS sent by kill() ends (or does not end) the process as it does without anymmap", () => {
    const withGuard = run(runtime, "kill");
    const without = run(runtime, "kill-baseline");
    expect([withGuard.status, withGuard.signal]).toEqual([without.status, without.signal]);
    expect(withGuard.stdout).toBe(without.stdout);
  });

  it.skipIf(runtime !== "bun")(
    "a fault in memory that is not anymmap's (Bun.mmap) still reaches Bun's own handler",
    () => {
      const withGuard = run(runtime, "foreign");
      const without = run(runtime, "foreign-baseline");
      expect(without.status).not.toBe(0);
      expect(withGuard.stdout).toBe("");
      expect([withGuard.status, withGuard.signal]).toEqual([without.status, without.signal]);
      expect(withGuard.stderr).toContain("Bus error");
    },
  );
});

describe.each(Object.keys(RUNTIMES))("native munmap in %s", (runtime) => {
  it("keeps zero pages only under the views made: the rest of the range is unmapped at once", () => {
    const r = run(runtime, "", "released.mjs");
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
    expect(out.backend).toBe("native");
    // One view of the last page of 64 MiB: its 64 KiB chunk stays, as zero pages; the stale view keeps its length.
    expect(out.tail).toEqual({
      before: 0x4c,
      stale: { length: 4096, first: 0 },
      first: false,
      middle: false,
      lastPage: true,
      onDisk: 0x4c,
    });
    // `bytes` covers every page: every page stays, reading zeros.
    expect(out.all).toEqual({ length: 64 * 2 ** 20, last: 0, first: true, middle: true, lastPage: true });
  });
});

describe.each(Object.keys(RUNTIMES))("native descriptors in %s", (runtime) => {
  it("10,000 files mapped at once under ulimit -n 256: a quarter of the limit held, the rest opened again by path when needed", {
    timeout: 180_000,
  }, () => {
    const [command, ...args] = RUNTIMES[runtime]!;
    const quoted = [command!, ...args, join(scripts, "many-files.mjs"), "10000"].map((a) => `'${a}'`).join(" ");
    const r = spawnSync("sh", ["-c", `ulimit -n 256 && exec ${quoted}`], {
      cwd: root,
      env,
      encoding: "utf8",
      timeout: 170_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
    expect(out).toMatchObject({
      backend: "native",
      mapped: 10_000,
      contentsOk: true,
      reopened: "FILE 9",
      renamed: "ESTALE mprotect",
      leftDescriptors: 0,
      info: 0,
    });
    expect(out.heldDescriptors).toBeLessThanOrEqual(64);
  });
});
