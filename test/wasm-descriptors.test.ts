/**
 * The WASM engine's descriptors (src/runtime/node-fs/descriptor-pool.ts), in
 * real processes of Node, Deno and Bun (test/wasm-child/many-files.mjs):
 * 10,000 files mapped at once under `ulimit -n 256` (before the pool: EMFILE
 * at about 230 files), and 6,000 without a low limit, where read-only files
 * hold at most DESCRIPTOR_BUDGET descriptors. A read-only file is opened
 * again by path and must be the same file (device, inode and birth time):
 * replaced or deleted, or deleted and its inode number given to a new file
 * at the same path, a read says ESTALE instead of showing another file's
 * bytes, and the new file mapped shows its own. A file mapped writable keeps
 * its descriptor and is read through it, so a write after a rename reaches
 * the file, also when it was mapped read-only first. Needs a built dist/.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

import { DESCRIPTOR_BUDGET } from "../src/runtime/node-fs/descriptor-pool.js";
import { runtimeEnv } from "../scripts/runtime-env.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
// The child counts descriptors in /proc/self/fd.
const LINUX = process.platform === "linux";
/** This process's soft open-file limit (children inherit it), from /proc. */
const softLimit = LINUX ? Number(/Max open files\s+(\d+)/.exec(readFileSync("/proc/self/limits", "utf8"))?.[1]) : 0;
const script = join(root, "test", "wasm-child", "many-files.mjs");
const RUNTIMES: Record<string, string[]> = {
  node: [process.execPath],
  deno: [join(root, "node_modules", ".bin", "deno"), "run", "-A", "--no-check"],
  bun: [join(root, "node_modules", ".bin", "bun")],
};

function run(runtime: string, files: number, limit?: number) {
  const quoted = [...RUNTIMES[runtime]!, script, String(files)].map((a) => `'${a}'`).join(" ");
  const r = spawnSync("sh", ["-c", `${limit === undefined ? "" : `ulimit -n ${limit} && `}exec ${quoted}`], {
    cwd: root,
    env: runtimeEnv(root),
    encoding: "utf8",
    timeout: 170_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

const SEEN = {
  backend: "wasm",
  contentsOk: true,
  replaced: "ESTALE access",
  deleted: "ESTALE access",
  moved: "moved original",
  written: "WRITTEN original",
  both: "BOTH original",
  handle: "ESTALE pread with a hint",
  // Whether or not the file system gave the new file the old inode number (out.inodeReused; ext4 does).
  recycledOld: "ESTALE access",
  recycledNew: "newcomer page 0",
  leftDescriptors: 0,
  mappings: 0,
};

describe.skipIf(!LINUX).each(Object.keys(RUNTIMES))("WASM engine's descriptors in %s", (runtime) => {
  it("10,000 read-only files mapped at once under ulimit -n 256; replaced or deleted files say ESTALE", {
    timeout: 180_000,
  }, () => {
    const out = run(runtime, 10_000, 256);
    expect(out).toMatchObject({ ...SEEN, mapped: 10_000 });
    // After an EMFILE the read-only files keep half of what they held at most, and the two writable files
    // theirs: the rest of the limit stays for the program (its own rmSync of the files, in Deno).
    expect(out.heldDescriptors).toBeLessThanOrEqual(256 / 2 + 2);
  });
});

// The budget test maps DESCRIPTOR_BUDGET + 2000 files with no lower limit than the runtime's own.
describe.skipIf(!LINUX || !(softLimit > DESCRIPTOR_BUDGET + 2100))("WASM engine's descriptor budget", () => {
  it(`read-only files hold at most ${DESCRIPTOR_BUDGET} descriptors (the writable ones keep their own)`, {
    timeout: 180_000,
  }, () => {
    const out = run("node", DESCRIPTOR_BUDGET + 2000);
    expect(out).toMatchObject({ ...SEEN, mapped: DESCRIPTOR_BUDGET + 2000 });
    // The two files mapped writable ("written", "both") keep their own.
    expect(out.heldDescriptors).toBe(DESCRIPTOR_BUDGET + 2);
  });
});
