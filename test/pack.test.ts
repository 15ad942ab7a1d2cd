/**
 * The published package, as a user gets it: `npm pack` from a clean copy of
 * the sources (test/packed.ts: its prepack builds everything), install the
 * tarball into a scratch project outside the repo, then use the library, its
 * types, its prebuilt native backend and its bin from there.
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { chromiumAvailable, launchChromium } from "./browser/chromium.js";
import { startServer } from "./browser/server.js";
import { packedTarball, tarEntries } from "./packed.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
};
const tsc = path.join(root, "node_modules", ".bin", "tsc");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "anymmap-pack-"));
const project = path.join(tmp, "project");
let tarball = "";
let entries: string[] = [];

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Out {
  status: number | null;
  stdout: string;
  stderr: string;
}

function sh(command: string, args: string[], options: SpawnSyncOptions = {}): Out {
  const r = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 << 20, timeout: 170_000, ...options });
  if (r.error) throw r.error;
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function must(r: Out, what: string): Out {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Runs a script in the scratch project, where only the installed tarball can be found. */
function node(script: string, ...args: string[]): Out {
  return sh(process.execPath, [script, ...args], { cwd: project });
}

beforeAll(() => {
  tarball = packedTarball();
  expect(path.basename(tarball)).toBe(`${pkg.name}-${pkg.version}.tgz`);
  entries = tarEntries(tarball).map((e) => `package/${e}`);

  fs.mkdirSync(project);
  fs.writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({ name: "scratch", private: true, type: "module" }),
  );
  const flags = ["install", "--no-audit", "--no-fund", "--no-package-lock"];
  // No runtime dependencies, so --offline should do; fall back to a plain install.
  let r = sh("npm", [...flags, "--offline", tarball], { cwd: project });
  if (r.status !== 0) r = sh("npm", [...flags, tarball], { cwd: project });
  must(r, "npm install of the tarball");
}, 600_000);

describe("tarball contents", () => {
  test("has the runtime files, the bin, the README and the C sources", () => {
    for (const f of [
      "dist/anymmap.wasm",
      "dist/anymmap-shared.wasm",
      "dist/node.js",
      "dist/cli.js",
      "dist/index.d.ts",
      "bin/anymmap.js",
      "README.md",
      "package.json",
    ]) {
      expect(entries, f).toContain(`package/${f}`);
    }
    expect(entries.some((e) => e.startsWith("package/wasm/src/") && e.endsWith(".c"))).toBe(true);
    expect(entries.some((e) => e.startsWith("package/wasm/include/") && e.endsWith(".h"))).toBe(true);
  });

  test("ships every C source and header of the repo", () => {
    for (const dir of ["wasm/src", "wasm/include", "wasm/posix"]) {
      for (const f of fs.readdirSync(path.join(root, dir))) {
        if (/\.[ch]$/.test(f)) expect(entries).toContain(`package/${dir}/${f}`);
      }
    }
  });

  test("does not contain tests, node_modules, TypeScript sources or scripts", () => {
    for (const bad of ["package/test/", "package/node_modules/", "package/src/", "package/scripts/"]) {
      expect(
        entries.filter((e) => e.startsWith(bad)),
        bad,
      ).toEqual([]);
    }
    expect(entries.filter((e) => e.includes("/node_modules/"))).toEqual([]);
    expect(entries.filter((e) => e.endsWith(".test.ts") || e.endsWith(".spec.ts"))).toEqual([]);
  });

  test("ships the prebuilt native backend for linux-x64 and linux-arm64, and the sources and script to build one for another platform", () => {
    for (const target of ["linux-x64", "linux-arm64"]) {
      for (const f of ["anymmap.node", "libanymmap.so"])
        expect(entries, `${target}/${f}`).toContain(`package/prebuilds/${target}/${f}`);
    }
    for (const f of ["native/build.mjs", "native/addon.c", "native/anymmap_native.c", "native/anymmap_native.h"]) {
      expect(entries, f).toContain(`package/${f}`);
    }
    expect(entries.filter((e) => e.startsWith("package/build/"))).toEqual([]);
  });

  test("has no install script and no binding.gyp (npm would run node-gyp for one): installing compiles nothing", () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(project, "node_modules", "anymmap", "package.json"), "utf8"),
    ) as { scripts?: Record<string, string>; gypfile?: boolean };
    for (const hook of ["preinstall", "install", "postinstall"]) expect(manifest.scripts?.[hook], hook).toBeUndefined();
    expect(entries).not.toContain("package/binding.gyp");
  });

  test("ships no source maps and nothing left from an earlier build", () => {
    expect(entries.filter((e) => e.endsWith(".map"))).toEqual([]);
    const js = entries.filter((e) => e.startsWith("package/dist/") && e.endsWith(".js"));
    expect(js.length).toBeGreaterThan(0);
    for (const e of js) {
      expect(
        fs.readFileSync(path.join(project, "node_modules", "anymmap", e.slice("package/".length)), "utf8"),
        e,
      ).not.toContain("sourceMappingURL");
    }
    // Every shared chunk (chunk-*.js beside the entries) is imported by some module: no stale one from an older build.
    const code = js
      .map((e) => fs.readFileSync(path.join(project, "node_modules", "anymmap", e.slice("package/".length)), "utf8"))
      .join("\n");
    const chunks = js.map((e) => path.basename(e)).filter((f) => f.startsWith("chunk-"));
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) expect(code, chunk).toContain(`./${chunk}`);
  });

  test("the packed wasm is the built one", () => {
    const installed = fs.readFileSync(path.join(project, "node_modules", "anymmap", "dist", "anymmap.wasm"));
    // The committed build (scripts/build-wasm.sh --check keeps it equal to the C sources), copied by prepack.
    expect(Buffer.compare(installed, fs.readFileSync(path.join(root, "wasm", "anymmap.wasm")))).toBe(0);
    expect(WebAssembly.validate(installed)).toBe(true);
  });

  test("jsr.json publishes the same version as package.json", () => {
    const jsr = JSON.parse(fs.readFileSync(path.join(root, "jsr.json"), "utf8")) as {
      version: string;
      exports: Record<string, string>;
    };
    expect(jsr.version).toBe(pkg.version);
    expect(jsr.exports["."]).toBe("./dist/deno.js");
  });

  test("has no runtime dependencies", () => {
    expect(pkg.dependencies ?? {}).toEqual({});
  });
});

const hasEmcc = sh("emcc", ["--version"]).status === 0;

describe.skipIf(!hasEmcc)("anymmap cc and anymmap run from the installed package", () => {
  test("build and run a C program that maps a file, as the README says", { timeout: 170_000 }, () => {
    fs.writeFileSync(path.join(project, "hello.txt"), "hello through a mapping\n");
    fs.writeFileSync(
      path.join(project, "cat.c"),
      `#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) { perror(argv[1]); return 1; }
  struct stat st;
  fstat(fd, &st);
  char *p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  fwrite(p, 1, st.st_size, stdout);
  return munmap(p, st.st_size) == 0 ? 7 : 1;
}
`,
    );
    const cli = path.join(project, "node_modules", "anymmap", "bin", "anymmap.js");
    must(sh(process.execPath, [cli, "cc", "-O2", "cat.c", "-o", "cat.wasm"], { cwd: project }), "anymmap cc");
    const r = sh(process.execPath, [cli, "run", "--dir", ".", "cat.wasm", "hello.txt"], { cwd: project });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("hello through a mapping\n");
    expect(r.status).toBe(7);
    const missing = sh(process.execPath, [cli, "run", "--dir", ".", "cat.wasm", "nope.txt"], { cwd: project });
    expect(missing.stderr).toBe("nope.txt: No such file or directory\n");
    expect(missing.status).toBe(1);
  });
});

describe("the installed package", () => {
  test("import { mmapSync, pageSize, MmapError } from 'anymmap' maps a real file", () => {
    const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7 + 3) & 0xff));
    fs.writeFileSync(path.join(project, "data.bin"), data);
    fs.writeFileSync(
      path.join(project, "read.mjs"),
      `import { mmapSync, pageSize, MmapError } from "anymmap";
const m = mmapSync("data.bin");
process.stdout.write(JSON.stringify({
  pageSize,
  isClass: typeof MmapError === "function",
  length: m.length,
  hex: Buffer.from(m.read()).toString("hex"),
  resolved: import.meta.resolve("anymmap"),
  wasm: import.meta.resolve("anymmap/anymmap.wasm"),
}));
`,
    );
    const r = node("read.mjs");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const got = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(got.pageSize).toBe(4096);
    expect(got.isClass).toBe(true);
    expect(got.length).toBe(data.length);
    expect(got.hex).toBe(data.toString("hex"));
    // Resolved from the scratch project's node_modules, not from the repo.
    const installed = fs.realpathSync(path.join(project, "node_modules", "anymmap"));
    expect(fileURLToPath(got.resolved as string)).toBe(path.join(installed, "dist", "node.js"));
    expect(fileURLToPath(got.wasm as string)).toBe(path.join(installed, "dist", "anymmap.wasm"));
  });

  test("a shared writable mapping writes through to the file", () => {
    fs.writeFileSync(path.join(project, "rw.bin"), "hello anymmap\n");
    fs.writeFileSync(
      path.join(project, "write.mjs"),
      `import { mmapSync } from "anymmap";
import { readFileSync } from "node:fs";
const m = mmapSync("rw.bin", { prot: "rw", flags: "shared" });
m.write("J", 0);
m.msync("sync");
m.munmap();
process.stdout.write(readFileSync("rw.bin", "utf8"));
`,
    );
    const r = node("write.mjs");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("Jello anymmap\n");
  });

  test("shared anonymous memory reaches a worker_threads Worker (the packed anymmap-shared.wasm)", () => {
    fs.writeFileSync(
      path.join(project, "share.mjs"),
      `import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { attach, createInstance } from "anymmap";
if (isMainThread) {
  const m = createInstance({ sharedMemory: true }).mmapSync(null, { length: 4096, prot: "rw", flags: "shared", backend: "wasm" });
  m.write("from the parent", 0);
  const w = new Worker(new URL(import.meta.url), { workerData: m.share() });
  const seen = await new Promise((resolve) => w.once("message", resolve));
  await w.terminate();
  process.stdout.write(JSON.stringify({ seen, back: new TextDecoder().decode(m.read(100, 15)), wasm: import.meta.resolve("anymmap/anymmap-shared.wasm") }));
} else {
  const mine = attach(workerData);
  mine.write("from the worker", 100);
  parentPort.postMessage(new TextDecoder().decode(mine.read(0, 15)));
}
`,
    );
    const r = node("share.mjs");
    expect(r.stderr).toBe("");
    const got = JSON.parse(r.stdout) as Record<string, string>;
    expect(got).toMatchObject({ seen: "from the parent", back: "from the worker" });
    expect(fileURLToPath(got.wasm!)).toBe(
      path.join(fs.realpathSync(path.join(project, "node_modules", "anymmap")), "dist", "anymmap-shared.wasm"),
    );
  });

  test("a bad call throws MmapError with code EINVAL", () => {
    fs.writeFileSync(path.join(project, "page.bin"), new Uint8Array(8192));
    fs.writeFileSync(
      path.join(project, "bad.mjs"),
      `import { mmapSync, MmapError, isMmapError } from "anymmap";
const out = [];
for (const [source, options] of [["page.bin", { offset: 1 }], ["page.bin", { length: 0 }], [null, {}]]) {
  try {
    mmapSync(source, options);
    out.push("no throw");
  } catch (e) {
    out.push({ instance: e instanceof MmapError, is: isMmapError(e), name: e.name, code: e.code, syscall: e.syscall });
  }
}
process.stdout.write(JSON.stringify(out));
`,
    );
    const r = node("bad.mjs");
    expect(r.stderr).toBe("");
    const results = JSON.parse(r.stdout) as unknown[];
    expect(results).toHaveLength(3);
    for (const e of results) {
      expect(e).toEqual({ instance: true, is: true, name: "MmapError", code: "EINVAL", syscall: "mmap" });
    }
  });

  test("require('anymmap') from CommonJS loads the ESM entry (Node >= 20.19)", () => {
    const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
    if (major === 20 && minor < 19) return; // require(esm) unflagged only from 20.19 / 22.12
    if (major === 22 && minor < 12) return;
    fs.writeFileSync(
      path.join(project, "cjs.cjs"),
      `const a = require("anymmap");
process.stdout.write(String(typeof a.mmapSync === "function" && a.pageSize === 4096));
`,
    );
    const r = node("cjs.cjs");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("true");
  });

  test("`npx anymmap cat FILE` runs the installed bin", () => {
    fs.writeFileSync(path.join(project, "hello.txt"), "hello from the bin\n");
    const r = sh("npx", ["--no", "anymmap", "cat", "hello.txt"], { cwd: project });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("hello from the bin\n");
    const info = sh("npx", ["--no", "anymmap", "info"], { cwd: project });
    expect(info.status).toBe(0);
    expect(info.stdout).toContain(`anymmap ${pkg.version}`);
    expect(info.stdout).toContain("backend: wasm");
  });

  test("the bin is linked into node_modules/.bin and is executable", () => {
    const link = path.join(project, "node_modules", ".bin", "anymmap");
    expect(fs.existsSync(link)).toBe(true);
    const target = fs.realpathSync(link);
    expect(target).toBe(fs.realpathSync(path.join(project, "node_modules", "anymmap", "bin", "anymmap.js")));
    expect(fs.statSync(target).mode & 0o111).not.toBe(0);
    expect(fs.readFileSync(target, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });
});

describe("the installed package in a browser page", () => {
  const PAGE = `<!doctype html>
<meta charset="utf-8">
<script type="importmap">{ "imports": { "anymmap": "./node_modules/anymmap/dist/browser.js" } }</script>
<script type="module">
  import { init, mmap, version } from "anymmap";
  const data = Uint8Array.from({ length: 10000 }, (_, i) => (i * 7 + 3) & 0xff);
  const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  async function onMainThread() {
    await init();
    const m = await mmap(new Blob([data]));
    await m.load(0, m.length);
    const out = { length: m.length, same: hex(m.read()) === hex(data) };
    m.munmap();
    return out;
  }
  function inWorker() {
    // Import maps do not reach workers: the worker names the file.
    const src = 'import { init, mmapSync } from "' + new URL("./node_modules/anymmap/dist/browser.js", location.href) + '";' +
      "onmessage = async (e) => { await init(); const m = mmapSync(new Blob([e.data])); const r = m.read(); postMessage({ length: m.length, first: r[0], last: r[r.length - 1] }); };";
    const w = new Worker(URL.createObjectURL(new Blob([src], { type: "text/javascript" })), { type: "module" });
    return new Promise((ok, fail) => { w.onmessage = (e) => ok(e.data); w.onerror = (e) => fail(new Error(e.message)); w.postMessage(data); });
  }
  Promise.all([onMainThread(), inWorker()]).then(
    ([main, worker]) => { globalThis.result = { version, main, worker }; },
    (e) => { globalThis.result = { error: String(e?.stack ?? e) }; },
  );
</script>`;

  test.skipIf(!chromiumAvailable)(
    "an import map resolves 'anymmap' to the installed browser entry; a Blob is mapped on the main thread and in a worker",
    async () => {
      fs.writeFileSync(path.join(project, "index.html"), PAGE);
      const server = await startServer({ root: project, served: ["index.html", "node_modules/anymmap"] });
      const profile = fs.mkdtempSync(path.join(os.tmpdir(), "anymmap-pack-chromium-"));
      const context = await launchChromium(profile);
      try {
        const page = await context.newPage();
        await page.goto(`${server.origin}/index.html`);
        await page.waitForFunction(() => (globalThis as { result?: unknown }).result !== undefined, undefined, {
          timeout: 60_000,
        });
        const result = await page.evaluate(() => (globalThis as { result?: unknown }).result);
        expect(result).toEqual({
          version: pkg.version,
          main: { length: 10000, same: true },
          worker: { length: 10000, first: 3, last: (9999 * 7 + 3) & 0xff },
        });
      } finally {
        await context.close();
        await server.close();
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
    120_000,
  );
});

describe("the native backend of the installed package", () => {
  const probe = `import { info, mmapSync } from "anymmap";
const m = mmapSync(null, { length: 4096, prot: "rw" });
m.write("native?", 0);
process.stdout.write(JSON.stringify({ info: info(), backend: m.backend, text: new TextDecoder().decode(m.read(0, 7)) }));
`;
  const installed = () => path.join(project, "node_modules", "anymmap");
  const run = () => {
    fs.writeFileSync(path.join(project, "native.mjs"), probe);
    // The default backend, whatever this test run asked for.
    const { ANYMMAP_BACKEND: _, ...env } = process.env;
    const r = sh(process.execPath, ["native.mjs"], { cwd: project, env });
    expect(r.stderr).toBe("");
    return JSON.parse(r.stdout) as {
      info: { backend: string; nativeUnavailable?: string };
      backend: string;
      text: string;
    };
  };
  const target = `${process.platform}-${process.arch}`;
  const shipped = ["linux-x64", "linux-arm64"].includes(target);

  test.skipIf(!shipped)(`maps with the kernel right after install, through the prebuilt ${target} addon`, () => {
    const got = run();
    expect(got.backend).toBe("native");
    expect(got.info.backend).toBe("native");
    expect(got.info.nativeUnavailable).toBeUndefined();
    expect(got.text).toBe("native?");
  });

  test("on a platform without a prebuilt binary, falls back to WASM and info() says why and how to build one, in one line", () => {
    const prebuilt = path.join(installed(), "prebuilds", target);
    const aside = `${prebuilt}.aside`;
    if (fs.existsSync(prebuilt)) fs.renameSync(prebuilt, aside);
    try {
      const got = run();
      expect(got.backend).toBe("wasm");
      expect(got.text).toBe("native?");
      expect(got.info.backend).toBe("wasm");
      expect(got.info.nativeUnavailable).toContain(`no prebuilt native binary for ${target}`);
      expect(got.info.nativeUnavailable).toContain("native/build.mjs");
      expect(got.info.nativeUnavailable).not.toContain("\n");
    } finally {
      if (fs.existsSync(aside)) fs.renameSync(aside, prebuilt);
    }
  });

  test("native/build.mjs in the installed package builds this platform's binaries where a C compiler is", () => {
    const prebuilt = path.join(installed(), "prebuilds", target);
    fs.rmSync(prebuilt, { recursive: true, force: true });
    const r = sh(process.execPath, [path.join(installed(), "native", "build.mjs")], { cwd: installed() });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(fs.existsSync(path.join(prebuilt, "anymmap.node"))).toBe(true);
    expect(run().backend).toBe("native");
  }, 120_000);
});

describe("package checks", () => {
  test("@arethetypeswrong/cli finds no problem in the tarball (an ESM-only package)", () => {
    const r = sh(path.join(root, "node_modules", ".bin", "attw"), [
      tarball,
      "--profile",
      "esm-only",
      "--exclude-entrypoints",
      "./anymmap.wasm",
      "./anymmap-shared.wasm",
      "--format",
      "ascii",
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    // Every resolution the ESM-only profile checks (Node's ESM and bundlers), for every entry point, is green.
    const checked = r.stdout.split("\n").filter((l) => /^(node16 \(from ESM\)|bundler): /.test(l));
    expect(checked.length).toBeGreaterThanOrEqual(6);
    for (const line of checked) expect(line).toContain("🟢");
  });

  test("publint finds nothing to report in the installed package", () => {
    const r = sh(path.join(root, "node_modules", ".bin", "publint"), [
      "run",
      path.join(project, "node_modules", "anymmap"),
      "--pack",
      "false",
      "--strict",
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/Suggestion|Warning|Error/);
  });
});

describe("TypeScript consumers", () => {
  function compile(file: string, ...extra: string[]): Out {
    return sh(tsc, ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", ...extra, file], {
      cwd: project,
    });
  }

  const consumer = `import { mmapSync, pageSize, MmapError, isMmapError, PROT_READ, type Mapping, type MapOptions } from "anymmap";

const options: MapOptions = { prot: "r", flags: "shared", offset: 0, length: pageSize };
const mapping: Mapping = mmapSync("data.bin", options);
const first: number | undefined = mapping.bytes[0];
const written: number = mapping.write("x", 0);
const prot: number = mapping.prot & PROT_READ;
mapping.munmap();

export function code(e: unknown): string {
  if (e instanceof MmapError) return e.code;
  return isMmapError(e) ? e.syscall : "";
}
export { first, written, prot };
`;

  test("dist/node.d.ts resolves through the exports' node condition and types a correct program", () => {
    fs.writeFileSync(path.join(project, "consumer.ts"), consumer);
    const r = compile("consumer.ts", "--skipLibCheck", "--traceResolution");
    const out = r.stdout.split("\n");
    const errors = out.filter((l) => /error TS\d+/.test(l));
    expect(errors).toEqual([]);
    expect(r.status).toBe(0);
    // Node's own declarations, through the node condition.
    expect(out).toContain("Matched 'exports' condition 'node'.");
    const resolved = out.find((l) => l.startsWith("======== Module name 'anymmap' was successfully resolved to"));
    expect(resolved).toContain(path.join(project, "node_modules", "anymmap", "dist", "node.d.ts"));
  });

  test("the types reject wrong calls", { timeout: 120_000 }, () => {
    fs.writeFileSync(
      path.join(project, "wrong.ts"),
      `import { mmapSync, type MapOptions } from "anymmap";
const options: MapOptions = { prot: "r", length: "4096" };
mmapSync(42, options);
mmapSync("data.bin", { flags: "share" });
mmapSync("data.bin", { prot: "read|wirte" });
export const fine: MapOptions[] = [{ flags: "shared|populate", prot: "read|write" }, { flags: "private|fixed", prot: "rw" }, { flags: "MAP_SHARED|MAP_ANONYMOUS", prot: 3 }, { flags: 0x01 | 0x20 }];
`,
    );
    const r = compile("wrong.ts", "--skipLibCheck");
    expect(r.status).not.toBe(0);
    const errors = r.stdout.split("\n").filter((l) => l.includes("error TS"));
    expect(errors.map((l) => l.replace(/\):.*/, ")"))).toEqual([
      "wrong.ts(2,42)",
      "wrong.ts(3,10)",
      "wrong.ts(4,24)",
      "wrong.ts(5,24)",
    ]);
    expect(r.stdout).toMatch(/wrong\.ts\(2,\d+\): error TS2322/);
    expect(r.stdout).toMatch(/wrong\.ts\(3,\d+\): error TS2345/);
    // tsc even names the right spelling.
    expect(r.stdout).toMatch(
      /wrong\.ts\(4,\d+\): error TS2820: Type '"share"' is not assignable to type 'MapFlags \| undefined'\. Did you mean '"shared"'\?/,
    );
    expect(r.stdout).toMatch(
      /wrong\.ts\(5,\d+\): error TS2820: Type '"read\|wirte"' is not assignable to type 'Prot \| undefined'\. Did you mean '"read\|write"'\?/,
    );
  });

  test("the declarations themselves check cleanly (no skipLibCheck) with the esnext lib", { timeout: 240_000 }, () => {
    fs.writeFileSync(path.join(project, "consumer.ts"), consumer);
    fs.writeFileSync(
      path.join(project, "dispose.ts"),
      `import { mmapSync, openSync } from "anymmap";
export function size(): number {
  using file = openSync("data.bin", "r");
  using mapping = mmapSync(file, { length: file.size() });
  return mapping.length;
}
`,
    );
    const r = compile("consumer.ts", "--target", "esnext");
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
    const d = compile("dispose.ts", "--target", "esnext");
    expect(d.stdout).toBe("");
    expect(d.status).toBe(0);
  });
});
