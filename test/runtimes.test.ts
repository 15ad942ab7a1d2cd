/**
 * Deno and Bun as a user meets them, driven from Node: Deno's permission
 * errors name the missing flag; the packed tarball (`npm pack`, installed
 * into a scratch project) is imported from Deno (`npm:` and bare
 * specifiers, and `deno check` through the "types" condition) and from Bun,
 * each getting its own entry and mapping a real file; and the portable
 * runner that runs the spec suite there reports failures exactly.
 * Needs a built dist/ (`npm run build`) and the deno and bun devDependencies.
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { runtimeEnv } from "../scripts/runtime-env.mjs";
import { packedTarball } from "./packed.js";
import { WASI_ERRNO } from "../src/abi/errno.js";
import { mapNodeError as mapBunError } from "../src/runtime/node-fs/map-error.js";
import { mapDenoError, missingPermission } from "../src/runtime/deno/map-error.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const deno = path.join(root, "node_modules", ".bin", "deno");
const bun = path.join(root, "node_modules", ".bin", "bun");
const denoEntry = pathToFileURL(path.join(root, "dist", "deno.js")).href;

const env = runtimeEnv(root);

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "anymmap-runtimes-")));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Out {
  status: number | null;
  stdout: string;
  stderr: string;
}

function sh(command: string, args: string[], options: SpawnSyncOptions = {}): Out {
  const r = spawnSync(command, args, { encoding: "utf8", env, maxBuffer: 64 << 20, timeout: 170_000, ...options });
  if (r.error) throw r.error;
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function must(r: Out, what: string): Out {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The last stdout line as JSON (what each script prints). */
function json(r: Out): Record<string, unknown> {
  const line = r.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`no JSON on stdout (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

beforeAll(() => {
  for (const f of ["dist/deno.js", "dist/bun.js", "dist/anymmap.wasm"]) {
    if (!fs.existsSync(path.join(root, f)))
      throw new Error(`${f} is missing: run \`npm run build\` before these tests`);
  }
  for (const b of [deno, bun]) {
    if (!fs.existsSync(b)) throw new Error(`${b} is missing: run \`npm install\` (deno and bun are devDependencies)`);
  }
});

describe("Deno permissions", () => {
  const dir = path.join(tmp, "perm");
  const data = path.join(dir, "data.txt");
  const dist = path.join(root, "dist");

  beforeAll(() => {
    fs.mkdirSync(dir);
    fs.writeFileSync(data, "hello deno\n");
    // Prints what mapping `data.txt` read-only and read-write (sync and async) gave.
    fs.writeFileSync(
      path.join(dir, "map.mjs"),
      `import { mmap, mmapSync } from ${JSON.stringify(denoEntry)};
const out = {};
const report = (e) => ({ name: e.name, code: e.code, syscall: e.syscall, path: e.path, message: e.message });
for (const [name, options] of [["ro", {}], ["rw", { prot: "rw", flags: "shared" }]]) {
  try {
    const m = mmapSync("data.txt", options);
    if (name === "rw") { m.write("J", 0); m.msync(); }
    out[name] = new TextDecoder().decode(m.read());
    m.munmap();
  } catch (e) { out[name] = report(e); }
  try {
    const m = await mmap("data.txt", options);
    out[name + "Async"] = new TextDecoder().decode(m.read());
    m.munmap();
  } catch (e) { out[name + "Async"] = report(e); }
}
console.log(JSON.stringify(out));
`,
    );
  });

  function run(...permissions: string[]): Record<string, unknown> {
    return json(sh(deno, ["run", "--no-prompt", "--no-check", ...permissions, "map.mjs"], { cwd: dir }));
  }

  test("without --allow-write, a writable shared mapping is MmapError EACCES naming --allow-write; read-only works", () => {
    const out = run(`--allow-read=${dir},${dist}`);
    expect(out.ro).toBe("hello deno\n");
    expect(out.roAsync).toBe("hello deno\n");
    for (const key of ["rw", "rwAsync"]) {
      expect(out[key], key).toMatchObject({ name: "MmapError", code: "EACCES", syscall: "open", path: "data.txt" });
      expect((out[key] as { message: string }).message, key).toContain("--allow-write");
    }
    expect(fs.readFileSync(data, "utf8")).toBe("hello deno\n");
  });

  test("without --allow-read for the file, mapping it is MmapError EACCES naming --allow-read", () => {
    const out = run(`--allow-read=${dist}`);
    for (const key of ["ro", "roAsync", "rw", "rwAsync"]) {
      expect(out[key], key).toMatchObject({ name: "MmapError", code: "EACCES", syscall: "open" });
      expect((out[key] as { message: string }).message, key).toContain("--allow-read");
    }
  });

  test("the engine needs no file permission: with --allow-read for the mapped file only, sync and async mappings work", () => {
    const out = run(`--allow-read=${dir}`);
    expect(out.ro).toBe("hello deno\n");
    expect(out.roAsync).toBe("hello deno\n");
  });

  test("with no permission at all, info() and anonymous memory work on the WASM engine (it is inlined in dist/deno.js)", () => {
    fs.writeFileSync(
      path.join(dir, "anon.mjs"),
      `import { info, mmap, mmapSync } from ${JSON.stringify(denoEntry)};
const a = mmapSync(null, { length: 8192, prot: "rw" });
a.write("sync", 4096);
const b = await mmap(null, { length: 4096, prot: "rw", flags: "shared" });
b.write("async", 0);
console.log(JSON.stringify({ backend: info().backend, a: new TextDecoder().decode(a.read(4096, 4)), b: new TextDecoder().decode(b.read(0, 5)) }));
`,
    );
    const out = json(sh(deno, ["run", "--no-prompt", "--no-check", "anon.mjs"], { cwd: dir }));
    expect(out).toEqual({ backend: "wasm", a: "sync", b: "async" });
  });

  test("with --allow-ffi, info().runtime says that native file access bypasses --allow-read/--allow-write", () => {
    fs.writeFileSync(
      path.join(dir, "ffi.mjs"),
      `import { info } from ${JSON.stringify(denoEntry)};\nconsole.log(JSON.stringify(info()));\n`,
    );
    const out = json(sh(deno, ["run", "--no-prompt", "--no-check", "--allow-ffi", "ffi.mjs"], { cwd: dir }));
    expect(out.backend).toBe("native");
    expect(out.runtime).toMatch(/^deno \S+ \(--allow-ffi: native file access bypasses --allow-read\/--allow-write\)$/);
  });

  test("with --allow-read and --allow-write, a shared writable mapping writes through", () => {
    const out = run(`--allow-read=${dir},${dist}`, `--allow-write=${dir}`);
    expect(out.rw).toBe("Jello deno\n");
    expect(out.rwAsync).toBe("Jello deno\n");
    expect(fs.readFileSync(data, "utf8")).toBe("Jello deno\n");
  });
});

describe("the packed tarball in Deno and Bun", () => {
  const project = path.join(tmp, "project");
  const installed = () => fs.realpathSync(path.join(project, "node_modules", "anymmap"));

  beforeAll(() => {
    const tarball = packedTarball();
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "scratch", private: true, type: "module" }),
    );
    const flags = ["install", "--no-audit", "--no-fund", "--no-package-lock"];
    let r = sh("npm", [...flags, "--offline", tarball], { cwd: project });
    if (r.status !== 0) r = sh("npm", [...flags, tarball], { cwd: project });
    must(r, "npm install of the tarball");
    fs.writeFileSync(
      path.join(project, "data.bin"),
      Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7 + 3) & 0xff)),
    );
    fs.writeFileSync(path.join(project, "rw.txt"), "hello anymmap\n");
  }, 600_000);

  /** A script that maps data.bin read-only and rw.txt read-write through `specifier`. */
  const script = (specifier: string) => `import { mmapSync, info, MmapError } from ${JSON.stringify(specifier)};
import { readFileSync } from "node:fs";
const m = mmapSync("data.bin");
const w = mmapSync("rw.txt", { prot: "rw", flags: "shared" });
w.write("J", 0);
w.munmap();
let code;
try { mmapSync("data.bin", { offset: 1 }); } catch (e) { code = e instanceof MmapError && e.code; }
console.log(JSON.stringify({
  runtime: info().runtime,
  length: m.length,
  hex: Array.from(m.read(), (b) => b.toString(16).padStart(2, "0")).join(""),
  written: readFileSync("rw.txt", "utf8"),
  code,
  resolved: import.meta.resolve(${JSON.stringify(specifier)}),
}));
`;

  function expectMapped(out: Record<string, unknown>, runtime: string, entry: string): void {
    const data = fs.readFileSync(path.join(project, "data.bin"));
    expect(out.runtime).toMatch(new RegExp(`^${runtime} `));
    expect(out.length).toBe(data.length);
    expect(out.hex).toBe(data.toString("hex"));
    expect(out.written).toBe("Jello anymmap\n");
    expect(out.code).toBe("EINVAL");
    // Resolved through the package's exports to this runtime's entry, in the scratch project.
    expect(fileURLToPath(out.resolved as string)).toBe(path.join(installed(), "dist", entry));
  }

  test.each([
    ["an npm: specifier", "npm:anymmap", "deno-npm.mjs"],
    ["a bare specifier (package.json dependency)", "anymmap", "deno-bare.mjs"],
  ])("Deno imports it through %s: the deno condition, dist/deno.js, maps a real file", (_what, specifier, file) => {
    fs.writeFileSync(path.join(project, "rw.txt"), "hello anymmap\n");
    fs.writeFileSync(path.join(project, file), script(specifier));
    const r = sh(
      deno,
      [
        "run",
        "--no-prompt",
        "--no-remote",
        "--node-modules-dir=manual",
        `--allow-read=${project}`,
        `--allow-write=${project}`,
        file,
      ],
      { cwd: project },
    );
    expect(r.stderr).toBe("");
    expectMapped(json(r), "deno", "deno.js");
  });

  test("deno check types a program through the package's types condition", () => {
    fs.writeFileSync(
      path.join(project, "typed.ts"),
      `import { mmapSync, MmapError, type Mapping } from "npm:anymmap";
const m: Mapping = mmapSync("data.bin", { prot: "r", length: 4096 });
export const n: number = m.length;
export const isError = (e: unknown): boolean => e instanceof MmapError;
`,
    );
    fs.writeFileSync(path.join(project, "wrong.ts"), `import { mmapSync } from "npm:anymmap";\nmmapSync(42);\n`);
    const ok = sh(deno, ["check", "--no-remote", "--node-modules-dir=manual", "typed.ts"], { cwd: project });
    expect(ok.stderr).not.toMatch(/error/i);
    expect(ok.status).toBe(0);
    const wrong = sh(deno, ["check", "--no-remote", "--node-modules-dir=manual", "wrong.ts"], { cwd: project });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout + wrong.stderr).toContain("TS2345");
  });

  test("Bun imports it: the bun condition, dist/bun.js, maps a real file", () => {
    fs.writeFileSync(path.join(project, "rw.txt"), "hello anymmap\n");
    fs.writeFileSync(path.join(project, "bun.mjs"), script("anymmap"));
    const r = sh(bun, ["bun.mjs"], { cwd: project });
    expect(r.stderr).toBe("");
    expectMapped(json(r), "bun", "bun.js");
  });
});

describe("the portable spec runner (test/harness/portable.ts)", () => {
  test.each(["deno", "bun"])("%s: reports exactly the failures, skips and passes of a self-test spec", (runtime) => {
    const out = path.join(tmp, `selftest-${runtime}.json`);
    const spec = path.join(root, "test", "runtimes", "harness-selftest.spec.ts");
    const r = sh(
      process.execPath,
      [path.join(root, "scripts", "test-runtimes.mjs"), "--runtime", runtime, "--vitest", "none", "--json", out, spec],
      {
        cwd: root,
      },
    );
    expect(r.status, r.stdout + r.stderr).toBe(1);
    const { files } = JSON.parse(fs.readFileSync(out, "utf8")) as {
      files: Array<{
        runtime: string;
        backend: string;
        passed: number;
        failed: number;
        skipped: number;
        failures: Array<{ name: string; error: string }>;
      }>;
    };
    // Once per backend: the WASM engine and the kernel's mmap.
    expect(files.map((f) => f.backend).sort()).toEqual(["native", "wasm"]);
    for (const f of files) {
      expect(f.runtime).toBe(runtime);
      expect(f.failures.map((x) => x.name)).toEqual([
        "outer > fails: a message",
        "outer > fails: deep equality",
        "outer > fails: an async test that rejects",
        "a suite whose beforeAll throws > fails: first",
        "a suite whose beforeAll throws > fails: second",
      ]);
      expect(f.failures[0]!.error).toContain("one is not two");
      expect(f.failures[3]!.error).toContain("setup broke");
      expect({ passed: f.passed, failed: f.failed, skipped: f.skipped }).toEqual({ passed: 3, failed: 5, skipped: 1 });
    }
    expect(r.stdout.trim().split("\n").pop()).toBe("6 passed, 10 failed, 2 skipped");
  });
});

describe("error mapping (plain logic, checked here in Node)", () => {
  const named = (name: string, message = "", code?: string) =>
    Object.assign(new Error(message), { name }, code ? { code } : {});

  test("Deno: a POSIX code wins, then the Deno.errors class, then EIO", () => {
    expect(mapDenoError(named("NotFound", "No such file", "ENOENT"))).toBe(WASI_ERRNO.ENOENT);
    expect(mapDenoError(named("Error", "", "EISDIR"))).toBe(WASI_ERRNO.EISDIR);
    expect(mapDenoError(named("NotFound"))).toBe(WASI_ERRNO.ENOENT);
    expect(mapDenoError(named("AlreadyExists"))).toBe(WASI_ERRNO.EEXIST);
    expect(mapDenoError(named("BadResource"))).toBe(WASI_ERRNO.EBADF);
    expect(mapDenoError(named("IsADirectory"))).toBe(WASI_ERRNO.EISDIR);
    expect(mapDenoError(named("NotSupported"))).toBe(WASI_ERRNO.ENOTSUP);
    expect(
      mapDenoError(named("NotCapable", 'Requires write access to "x", run again with the --allow-write flag')),
    ).toBe(WASI_ERRNO.EACCES);
    expect(mapDenoError(named("TypeError", "Invalid argument (os error 22)", "EINVAL"))).toBe(WASI_ERRNO.EINVAL);
    expect(mapDenoError(named("RangeError", "", "ERR_OUT_OF_RANGE"))).toBe(WASI_ERRNO.EINVAL);
    // node:fs writeSync past `ulimit -f` (found by tinycdb's tests.sh, test/real-c.test.ts).
    expect(mapDenoError(named("Error", "File too large (os error 27)"))).toBe(WASI_ERRNO.EFBIG);
    expect(mapDenoError(named("Error", "Something odd (os error 99999)"))).toBe(WASI_ERRNO.EIO);
    expect(mapDenoError(named("Whatever"))).toBe(WASI_ERRNO.EIO);
    expect(mapDenoError("a string")).toBe(WASI_ERRNO.EIO);
    expect(mapDenoError(null)).toBe(WASI_ERRNO.EIO);
  });

  test("Deno: a missing permission names its flag; an OS-level EACCES is not a missing permission", () => {
    expect(
      missingPermission(named("NotCapable", 'Requires read access to "/d", run again with the --allow-read flag')),
    ).toBe("--allow-read");
    expect(
      missingPermission(named("NotCapable", 'Requires write access to "/d", run again with the --allow-write flag')),
    ).toBe("--allow-write");
    // Deno 1 called a missing flag PermissionDenied, with the same message.
    expect(missingPermission(named("PermissionDenied", "run again with the --allow-read flag"))).toBe("--allow-read");
    expect(missingPermission(named("PermissionDenied", "Permission denied (os error 13)", "EACCES"))).toBeUndefined();
    expect(missingPermission(named("Error", "EACCES: permission denied", "EACCES"))).toBeUndefined();
  });

  test("Bun: Node-style codes, validation codes as EINVAL, anything else EIO", () => {
    expect(mapBunError(named("Error", "", "ENOENT"))).toBe(WASI_ERRNO.ENOENT);
    expect(mapBunError(named("RangeError", "", "ERR_OUT_OF_RANGE"))).toBe(WASI_ERRNO.EINVAL);
    expect(mapBunError(named("Error"))).toBe(WASI_ERRNO.EIO);
  });
});
