/**
 * Fresh consumer projects installing the packed tarball (test/packed.ts: a
 * clean copy's `npm pack`), as a user's would: Node + TypeScript (nodenext),
 * Deno (`npm:` specifier over node_modules), Bun (`bun add`), and browser
 * apps built by Vite and by esbuild and run in Chromium. Each type-checks
 * its program with tsc (or `deno check`) and runs it.
 *
 * Installs run with a PATH holding only node, npm, deno and bun: no cc, make
 * or python3, so nothing can be compiled at install; npm runs with
 * --strict-allow-scripts (an install script not allowed fails the install).
 * The native backend must still be what Node, Deno (--allow-ffi) and Bun get.
 */
import { spawn, spawnSync, type SpawnSyncOptions } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { runtimeEnv } from "../scripts/runtime-env.mjs";
import { chromiumAvailable, launchChromium } from "./browser/chromium.js";
import { startServer } from "./browser/server.js";
import { packedTarball } from "./packed.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const modules = path.join(root, "node_modules");
const work = path.join(root, ".tmp", "consumers");
const bin = path.join(work, "bin");
const target = `${process.platform}-${process.arch}`;
const prebuilt = ["linux-x64", "linux-arm64"].includes(target);
let tarball = "";

interface Out {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** What the consumers' main.ts prints: the backend it got, why not native, and what it mapped and refused. */
function expectConsumerOutput(r: Out, backend: string, nativeUnavailable: unknown): void {
  expect(r.stderr).toBe("");
  expect(JSON.parse(r.stdout)).toEqual({ backend, nativeUnavailable, file: "HELLO consumer", code: "EINVAL" });
}

/** Runs with only `bin` on PATH (and the runtimes' quiet settings); ANYMMAP_BACKEND unset so each gets its default. */
function sh(command: string, args: string[], options: SpawnSyncOptions = {}): Out {
  const { ANYMMAP_BACKEND: _b, ANYMMAP_WASM_MEMORY: _m, ...base } = runtimeEnv(root);
  const r = spawnSync(command, args, {
    encoding: "utf8",
    maxBuffer: 64 << 20,
    timeout: 240_000,
    ...options,
    env: { ...base, PATH: bin, npm_config_update_notifier: "false", ...(options.env ?? {}) },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function must(r: Out, what: string): Out {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** A fresh project folder with these files. */
function project(name: string, files: Record<string, string>): string {
  const dir = path.join(work, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** npm install of the tarball, strict about install scripts, offline first (it has no dependencies). */
function npmInstall(dir: string): void {
  const flags = ["install", "--no-audit", "--no-fund", "--strict-allow-scripts"];
  let r = sh("npm", [...flags, "--offline", tarball], { cwd: dir });
  if (r.status !== 0) r = sh("npm", [...flags, tarball], { cwd: dir });
  must(r, `npm install --strict-allow-scripts in ${path.basename(dir)}`);
}

/** Node's types for consumers that use node:fs: the repo's @types/node, linked (never installed). */
function linkNodeTypes(dir: string): void {
  fs.mkdirSync(path.join(dir, "node_modules", "@types"), { recursive: true });
  fs.symlinkSync(path.join(modules, "@types", "node"), path.join(dir, "node_modules", "@types", "node"));
}

const tsc = (dir: string, ...args: string[]) =>
  sh("node", [path.join(modules, "typescript", "bin", "tsc"), ...args], { cwd: dir });

beforeAll(() => {
  tarball = packedTarball();
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(bin, { recursive: true });
  fs.symlinkSync(process.execPath, path.join(bin, "node"));
  for (const tool of ["npm", "npx"]) {
    const found = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
    fs.symlinkSync(fs.realpathSync(found), path.join(bin, tool));
  }
  fs.symlinkSync(fs.realpathSync(path.join(modules, ".bin", "deno")), path.join(bin, "deno"));
  fs.symlinkSync(fs.realpathSync(path.join(modules, ".bin", "bun")), path.join(bin, "bun"));
}, 600_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test("the consumers' PATH has no compiler, make or Python", () => {
  for (const tool of ["cc", "gcc", "clang", "make", "python3", "node-gyp"]) {
    expect(sh("/bin/sh", ["-c", `command -v ${tool}`]).status, tool).not.toBe(0);
  }
  expect(sh("/bin/sh", ["-c", "command -v node"]).status).toBe(0);
});

const nodeProgram = `import { info, mmapSync, MmapError, type MapFlags, type Mapping } from "anymmap";
import { readFileSync, writeFileSync } from "node:fs";

writeFileSync("data.txt", "hello consumer");
const flags: MapFlags = "shared";
const m: Mapping = mmapSync("data.txt", { prot: "rw", flags });
m.write("HELLO", 0);
m.msync("sync");
m.munmap();
let code = "";
try {
  mmapSync("data.txt", { offset: 1 });
} catch (e) {
  if (e instanceof MmapError) code = e.code;
}
const { backend, nativeUnavailable } = info();
console.log(JSON.stringify({ backend, nativeUnavailable: nativeUnavailable ?? null, file: readFileSync("data.txt", "utf8"), code }));
`;

describe("Node + TypeScript (module nodenext)", () => {
  test("installs with --strict-allow-scripts and no compiler, type-checks, and maps with the prebuilt native backend", () => {
    const dir = project("node-ts", {
      "package.json": JSON.stringify({ name: "node-consumer", private: true, type: "module" }),
      "tsconfig.json": JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          strict: true,
          outDir: "out",
          types: ["node"],
          skipLibCheck: false,
        },
        include: ["main.ts"],
      }),
      "main.ts": nodeProgram,
    });
    npmInstall(dir);
    linkNodeTypes(dir);
    const checked = tsc(dir, "-p", ".");
    expect(checked.stdout + checked.stderr).toBe("");
    expect(checked.status).toBe(0);
    const r = sh("node", ["out/main.js"], { cwd: dir });
    expectConsumerOutput(
      r,
      prebuilt ? "native" : "wasm",
      prebuilt ? null : expect.stringContaining(`no prebuilt native binary for ${target}`),
    );
  }, 300_000);

  test("an app bundled with esbuild --platform=node runs without node_modules: the inlined WASM engine, and a message that says why not native", () => {
    const dir = path.join(work, "node-ts");
    const away = path.join(work, "node-bundle-away");
    fs.rmSync(away, { recursive: true, force: true });
    fs.mkdirSync(away);
    must(
      sh(
        path.join(modules, "esbuild", "bin", "esbuild"),
        [
          "main.ts",
          "--bundle",
          "--platform=node",
          "--format=esm",
          `--outfile=${path.join(away, "app.mjs")}`,
          "--log-level=warning",
        ],
        { cwd: dir },
      ),
      "esbuild --platform=node",
    );
    expect(fs.readdirSync(away)).toEqual(["app.mjs"]);
    const r = sh("node", ["app.mjs"], { cwd: away });
    expectConsumerOutput(r, "wasm", expect.stringContaining("this copy of anymmap was bundled away from its package"));
  }, 120_000);

  test("an app bundled by webpack 5 for Node (target node20, ES module output) runs away from node_modules with the native addon webpack emitted", () => {
    const dir = path.join(work, "node-ts");
    const away = path.join(work, "node-webpack-away");
    fs.rmSync(away, { recursive: true, force: true });
    fs.writeFileSync(
      path.join(dir, "webpack.cjs"),
      `require(${JSON.stringify(path.join(modules, "webpack"))})({
  mode: "production",
  target: "node20",
  entry: "./out/main.js",
  experiments: { outputModule: true },
  output: { path: ${JSON.stringify(away)}, filename: "app.mjs", module: true, chunkFormat: "module" },
}, (err, stats) => {
  if (err || stats.hasErrors() || stats.hasWarnings()) { console.error(err ?? stats.toString("errors-warnings")); process.exit(1); }
});
`,
    );
    // out/main.js: tsc's output of the first test.
    must(sh("node", ["webpack.cjs"], { cwd: dir }), "webpack (target node20)");
    const r = sh("node", ["app.mjs"], { cwd: away });
    expectConsumerOutput(r, prebuilt ? "native" : "wasm", prebuilt ? null : expect.any(String));
  }, 120_000);

  test("a misspelt flag fails tsc in the consumer", () => {
    const dir = path.join(work, "node-ts");
    fs.writeFileSync(
      path.join(dir, "main.ts"),
      nodeProgram.replace('const flags: MapFlags = "shared";', 'const flags: MapFlags = "share";'),
    );
    const checked = tsc(dir, "-p", ".");
    expect(checked.status).not.toBe(0);
    expect(checked.stdout).toMatch(/main\.ts\(5,7\): error TS\d+: Type '"share"' is not assignable to type 'MapFlags'/);
  }, 120_000);
});

// The same program for a CommonJS project: tsc turns the import into require("anymmap").
const cjsProgram = `import { info, mmapSync, MmapError, type MapFlags } from "anymmap";
import { readFileSync, writeFileSync } from "node:fs";

writeFileSync("data.txt", "hello commonjs");
const flags: MapFlags = "shared";
const m = mmapSync("data.txt", { prot: "rw", flags });
m.write("HELLO", 0);
m.munmap();
let code = "";
try {
  mmapSync("data.txt", { offset: 1 });
} catch (e) {
  if (e instanceof MmapError) code = e.code;
}
console.log(JSON.stringify({ backend: info().backend, file: readFileSync("data.txt", "utf8"), code }));
`;

describe("CommonJS projects (an ES-module-only package: require() of ES modules, Node ≥ 20.19 and ≥ 22.12)", () => {
  const requireModule = (process.features as { require_module?: boolean }).require_module === true;
  const expected = { backend: prebuilt ? "native" : "wasm", file: "HELLO commonjs", code: "EINVAL" };

  test.skipIf(!requireModule)(
    'require("anymmap") and import("anymmap") from CommonJS give one module (no second copy of the engine)',
    () => {
      const dir = project("cjs", {
        "package.json": JSON.stringify({ name: "cjs-consumer", private: true, type: "commonjs" }),
        "main.js": `const anymmap = require("anymmap");
const { writeFileSync, readFileSync } = require("node:fs");
writeFileSync("data.txt", "hello require");
const m = anymmap.mmapSync("data.txt", { prot: "rw", flags: "shared" });
m.write("HELLO", 0);
m.munmap();
import("anymmap").then((imported) => {
  console.log(JSON.stringify({ same: imported.mmapSync === anymmap.mmapSync && imported.MmapError === anymmap.MmapError, file: readFileSync("data.txt", "utf8") }));
});
`,
      });
      npmInstall(dir);
      const r = sh("node", ["main.js"], { cwd: dir });
      expect(r.stderr).toBe("");
      expect(JSON.parse(r.stdout)).toEqual({ same: true, file: "HELLO require" });
      // A Node that cannot require() ES modules (before 20.19): Node's own error, which says to use import().
      if (process.allowedNodeEnvironmentFlags.has("--no-experimental-require-module")) {
        const old = sh("node", ["--no-experimental-require-module", "main.js"], { cwd: dir });
        expect(old.status).not.toBe(0);
        expect(old.stderr).toContain("ERR_REQUIRE_ESM");
        expect(old.stderr).toContain("dynamic import()");
        const viaImport = sh(
          "node",
          ["--no-experimental-require-module", "-e", 'import("anymmap").then((a) => console.log(typeof a.mmapSync))'],
          { cwd: dir },
        );
        expect(viaImport.stdout.trim()).toBe("function");
      }
    },
    300_000,
  );

  test.skipIf(!requireModule).each([
    [
      "module commonjs, moduleResolution node10",
      { module: "commonjs", moduleResolution: "node10", ignoreDeprecations: "6.0" },
      "index.d.ts",
    ],
    ["module nodenext in a CommonJS package", { module: "nodenext", moduleResolution: "nodenext" }, "node.d.ts"],
  ])(
    "TypeScript, %s: tsc (no skipLibCheck) passes and the require()ing output runs",
    (_name, options, dts) => {
      const dir = project(`cjs-ts-${options.moduleResolution}`, {
        "package.json": JSON.stringify({ name: "cjs-ts-consumer", private: true, type: "commonjs" }),
        "tsconfig.json": JSON.stringify({
          compilerOptions: {
            ...options,
            target: "es2022",
            strict: true,
            outDir: "out",
            types: ["node"],
            skipLibCheck: false,
          },
          include: ["main.ts"],
        }),
        "main.ts": cjsProgram,
      });
      npmInstall(dir);
      linkNodeTypes(dir);
      const checked = tsc(dir, "-p", ".", "--traceResolution");
      expect(checked.stdout.split("\n").filter((l) => l.includes("error TS"))).toEqual([]);
      expect(checked.status).toBe(0);
      expect(checked.stdout).toContain(`/node_modules/anymmap/dist/${dts}'`);
      expect(fs.readFileSync(path.join(dir, "out", "main.js"), "utf8")).toContain('require("anymmap")');
      const r = sh("node", ["out/main.js"], { cwd: dir });
      expect(r.stderr).toBe("");
      expect(JSON.parse(r.stdout)).toEqual(expected);
    },
    300_000,
  );
});

describe("Deno (npm: specifier, node_modules)", () => {
  test("deno check passes; with only --allow-ffi it maps through the prebuilt library (FFI is outside --allow-read/--allow-write)", () => {
    const dir = project("deno", {
      "package.json": JSON.stringify({ name: "deno-consumer", private: true, type: "module" }),
      "deno.json": JSON.stringify({ nodeModulesDir: "manual" }),
      "main.ts": `import { info, mmapSync, type Mapping } from "npm:anymmap";

const m: Mapping = mmapSync("data.txt", { prot: "rw", flags: "shared" });
m.write("HELLO", 0);
m.msync("sync");
const text: string = new TextDecoder().decode(m.read());
m.munmap();
const anon = mmapSync(null, { length: 4096, prot: "rw" });
anon.write("anon", 0);
console.log(JSON.stringify({ backend: info().backend, runtime: info().runtime, text, anon: new TextDecoder().decode(anon.read(0, 4)) }));
`,
      "data.txt": "hello deno consumer",
    });
    npmInstall(dir);
    const checked = sh("deno", ["check", "main.ts"], { cwd: dir });
    expect(checked.status, checked.stdout + checked.stderr).toBe(0);
    const r = sh("deno", ["run", "--no-prompt", "--allow-ffi", "main.ts"], { cwd: dir });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as Record<string, string>;
    expect(out).toMatchObject({ backend: prebuilt ? "native" : "wasm", text: "HELLO deno consumer", anon: "anon" });
    if (prebuilt) {
      expect(out.runtime).toContain("--allow-ffi: native file access bypasses --allow-read/--allow-write");
      // Written through the mapping with no --allow-write: FFI bypasses Deno's sandbox, as docs/install.md says.
      expect(fs.readFileSync(path.join(dir, "data.txt"), "utf8")).toBe("HELLO deno consumer");
    }
    // No permission at all: the inlined WASM engine, anonymous memory only.
    const anonOnly = path.join(dir, "anon.ts");
    fs.writeFileSync(
      anonOnly,
      `import { info, mmapSync } from "npm:anymmap";\nconst a = mmapSync(null, { length: 4096, prot: "rw" });\na.write("x", 0);\nconsole.log(info().backend, a.read(0, 1)[0]);\n`,
    );
    const bare = sh("deno", ["run", "--no-prompt", "anon.ts"], { cwd: dir });
    expect(bare.stderr).toBe("");
    expect(bare.stdout.trim()).toBe("wasm 120");
  }, 300_000);
});

/** The tarball served as the one package of an npm registry, by a child process (the tests' own event loop blocks in spawnSync). */
async function oneTarballRegistry(): Promise<{ url: string; close(): void }> {
  const script = path.join(work, "registry.mjs");
  fs.writeFileSync(
    script,
    `import { createServer } from "node:http";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
const tarball = readFileSync(process.argv[2]);
const manifest = JSON.parse(process.argv[3]);
const dist = (base) => ({
  tarball: base + "/anymmap/-/anymmap-" + manifest.version + ".tgz",
  shasum: createHash("sha1").update(tarball).digest("hex"),
  integrity: "sha512-" + createHash("sha512").update(tarball).digest("base64"),
});
const server = createServer((req, res) => {
  const base = "http://" + req.headers.host;
  if (req.url === "/anymmap") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ name: "anymmap", "dist-tags": { latest: manifest.version }, versions: { [manifest.version]: { ...manifest, dist: dist(base) } } }));
  } else if (req.url === "/anymmap/-/anymmap-" + manifest.version + ".tgz") {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.end(tarball);
  } else {
    res.writeHead(404);
    res.end("{}");
  }
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`,
  );
  const manifest = sh("tar", ["xzOf", tarball, "package/package.json"], { env: { PATH: "/usr/bin:/bin" } });
  const child = spawn(process.execPath, [script, tarball, must(manifest, "tar").stdout], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the registry exited (${code})`)));
    child.stdout.once("data", (d: Buffer) => resolve(d.toString().trim()));
  });
  return { url: `http://127.0.0.1:${port}/`, close: () => child.kill() };
}

describe('Deno, "nodeModulesDir": "none" (no install: npm:anymmap from the registry into Deno\'s cache)', () => {
  test("deno check and deno run; the prebuilt library loads from Deno's npm cache with --allow-ffi", async () => {
    const dir = project("deno-none", {
      "deno.json": JSON.stringify({ nodeModulesDir: "none" }),
      "main.ts": `import { info, mmapSync, type Mapping } from "npm:anymmap";

const m: Mapping = mmapSync("data.txt", { prot: "rw", flags: "shared" });
m.write("HELLO", 0);
m.munmap();
console.log(JSON.stringify({ backend: info().backend, text: Deno.readTextFileSync("data.txt") }));
`,
      "data.txt": "hello deno cache",
    });
    const registry = await oneTarballRegistry();
    try {
      // A Deno cache of its own: the package comes from this registry, not from an earlier test's copy.
      const env = { NPM_CONFIG_REGISTRY: registry.url, DENO_DIR: path.join(dir, ".deno-dir") };
      const checked = sh("deno", ["check", "main.ts"], { cwd: dir, env });
      expect(checked.status, checked.stdout + checked.stderr).toBe(0);
      for (const [flags, backend] of [
        [["--allow-read", "--allow-write"], "wasm"],
        [["--allow-read", "--allow-write", "--allow-ffi"], prebuilt ? "native" : "wasm"],
      ] as const) {
        fs.writeFileSync(path.join(dir, "data.txt"), "hello deno cache");
        const r = sh("deno", ["run", "--no-prompt", ...flags, "main.ts"], { cwd: dir, env });
        expect(r.stderr).toBe("");
        expect(JSON.parse(r.stdout)).toEqual({ backend, text: "HELLO deno cache" });
      }
      expect(fs.existsSync(path.join(dir, "node_modules"))).toBe(false);
    } finally {
      registry.close();
    }
  }, 300_000);
});

describe("Bun (bun add)", () => {
  test("bun add of the tarball needs no trust step: the native backend; tsc (customConditions bun) type-checks", () => {
    const dir = project("bun", {
      "package.json": JSON.stringify({ name: "bun-consumer", private: true, type: "module" }),
      "tsconfig.json": JSON.stringify({
        compilerOptions: {
          module: "preserve",
          moduleResolution: "bundler",
          customConditions: ["bun"],
          target: "esnext",
          strict: true,
          noEmit: true,
          types: ["node"],
        },
        include: ["main.ts"],
      }),
      "main.ts": nodeProgram,
    });
    must(sh("bun", ["add", tarball], { cwd: dir }), "bun add");
    linkNodeTypes(dir);
    const checked = tsc(dir, "-p", ".", "--traceResolution");
    expect(checked.stdout.split("\n").filter((l) => l.includes("error TS"))).toEqual([]);
    expect(checked.status).toBe(0);
    expect(checked.stdout).toMatch(
      /Module name 'anymmap' was successfully resolved to '.*\/node_modules\/anymmap\/dist\/bun\.d\.ts'/,
    );
    const r = sh("bun", ["main.ts"], { cwd: dir });
    expectConsumerOutput(r, prebuilt ? "native" : "wasm", prebuilt ? null : expect.stringContaining(target));
  }, 300_000);

  test("bun build --compile and bun build --target=bun: the bundle carries the WASM engine and maps away from node_modules", () => {
    const dir = path.join(work, "bun");
    fs.writeFileSync(
      path.join(dir, "app.ts"),
      `import { info, mmapSync } from "anymmap";
await Bun.write("data.txt", "hello bundle");
const m = mmapSync("data.txt", { prot: "rw", flags: "shared" });
m.write("HELLO", 0);
m.munmap();
const anon = mmapSync(null, { length: 4096, prot: "rw", flags: "shared" });
anon.write("anon", 0);
const { backend, nativeUnavailable } = info();
console.log(JSON.stringify({ backend, nativeUnavailable: nativeUnavailable ?? null, file: await Bun.file("data.txt").text(), anon: new TextDecoder().decode(anon.read(0, 4)) }));
`,
    );
    // Both run from a folder with no node_modules and no anymmap.wasm.
    const away = path.join(work, "bun-away");
    fs.rmSync(away, { recursive: true, force: true });
    fs.mkdirSync(away);
    must(
      sh("bun", ["build", "--compile", "app.ts", "--outfile", path.join(away, "app")], { cwd: dir }),
      "bun build --compile",
    );
    must(
      sh("bun", ["build", "--target=bun", "app.ts", "--outfile", path.join(away, "bundled.js")], { cwd: dir }),
      "bun build",
    );
    expect(fs.readdirSync(away).sort()).toEqual(["app", "bundled.js"]);
    const compiled = sh(path.join(away, "app"), [], { cwd: away });
    expect(compiled.stderr).toBe("");
    expect(JSON.parse(compiled.stdout)).toEqual({
      backend: "wasm",
      nativeUnavailable: expect.stringContaining("a bun build --compile executable does not embed prebuilds/"),
      file: "HELLO bundle",
      anon: "anon",
    });
    const bundled = sh("bun", ["bundled.js"], { cwd: away });
    expect(bundled.stderr).toBe("");
    expect(JSON.parse(bundled.stdout)).toMatchObject({ backend: "wasm", file: "HELLO bundle", anon: "anon" });
  }, 300_000);
});

// A browser app: maps a Blob on the main thread (load() first, as the main
// thread needs) and anonymous memory; the result lands in the page.
const browserProgram = `import { init, mmap, mmapSync, info } from "anymmap";

async function main(): Promise<void> {
  await init();
  const data = Uint8Array.from({ length: 10000 }, (_, i) => (i * 7 + 3) & 0xff);
  const m = await mmap(new Blob([data]));
  await m.load(0, m.length);
  const bytes = m.read();
  const anon = mmapSync(null, { length: 4096, prot: "rw", flags: "private" });
  anon.write("anon", 0);
  document.title = JSON.stringify({
    backend: info().backend,
    length: m.length,
    same: bytes.every((b, i) => b === data[i]),
    anon: new TextDecoder().decode(anon.read(0, 4)),
  });
}
main().catch((e: unknown) => {
  document.title = JSON.stringify({ error: String(e instanceof Error ? e.stack : e) });
});
`;

/** What `create-vite`'s TypeScript template uses: bundler resolution, no custom conditions. */
const browserTsconfig = JSON.stringify({
  compilerOptions: {
    target: "es2022",
    module: "esnext",
    moduleResolution: "bundler",
    lib: ["es2022", "dom", "dom.iterable"],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
  },
  include: ["src"],
});

const bundled: Record<string, string> = {};
/** What each page's title ends as, where not the main-thread program's result. */
const expectedTitle: Record<string, unknown> = {};

describe("browser apps from the tarball", () => {
  test('Vite: tsc type-checks `import { init, mmap } from "anymmap"`, vite build bundles it with anymmap.wasm', () => {
    const dir = project("vite", {
      "package.json": JSON.stringify({ name: "vite-consumer", private: true, type: "module" }),
      "tsconfig.json": browserTsconfig,
      "index.html": `<!doctype html>\n<meta charset="utf-8">\n<title>loading</title>\n<script type="module" src="/src/main.ts"></script>\n`,
      "src/main.ts": browserProgram,
    });
    npmInstall(dir);
    const checked = tsc(dir, "-p", ".");
    expect(checked.stdout + checked.stderr).toBe("");
    expect(checked.status).toBe(0);
    must(
      sh("node", [path.join(modules, "vite", "bin", "vite.js"), "build", "--base", "./", "--logLevel", "warn"], {
        cwd: dir,
      }),
      "vite build",
    );
    const assets = fs.readdirSync(path.join(dir, "dist", "assets"));
    expect(
      assets.some((f) => /^anymmap-.*\.wasm$/.test(f)),
      assets.join(", "),
    ).toBe(true);
    bundled.vite = path.join(dir, "dist");
  }, 300_000);

  test("esbuild: tsc type-checks, esbuild bundles it; anymmap.wasm is copied beside the bundle from the package's export", () => {
    const dir = project("esbuild", {
      "package.json": JSON.stringify({ name: "esbuild-consumer", private: true, type: "module" }),
      "tsconfig.json": browserTsconfig,
      "src/main.ts": browserProgram,
      "public/index.html": `<!doctype html>\n<meta charset="utf-8">\n<title>loading</title>\n<script type="module" src="./main.js"></script>\n`,
    });
    npmInstall(dir);
    const checked = tsc(dir, "-p", ".");
    expect(checked.stdout + checked.stderr).toBe("");
    expect(checked.status).toBe(0);
    const esbuild = path.join(modules, "esbuild", "bin", "esbuild");
    must(
      sh(
        esbuild,
        [
          "src/main.ts",
          "--bundle",
          "--format=esm",
          "--platform=browser",
          "--outfile=public/main.js",
          "--log-level=warning",
        ],
        { cwd: dir },
      ),
      "esbuild",
    );
    // esbuild leaves `new URL("./anymmap.wasm", import.meta.url)` to the page: the file goes beside the bundle.
    const resolved = sh(
      "node",
      ["--input-type=module", "-e", 'console.log(import.meta.resolve("anymmap/anymmap.wasm"))'],
      { cwd: dir },
    );
    fs.copyFileSync(fileURLToPath(resolved.stdout.trim()), path.join(dir, "public", "anymmap.wasm"));
    bundled.esbuild = path.join(dir, "public");
  }, 300_000);

  test("webpack 5: bundles it and emits anymmap.wasm as an asset itself (new URL(..., import.meta.url))", () => {
    const dir = project("webpack", {
      "package.json": JSON.stringify({ name: "webpack-consumer", private: true, type: "module" }),
      "src/main.js": browserProgram
        .replace("main().catch((e: unknown) =>", "main().catch((e) =>")
        .replace("main(): Promise<void>", "main()"),
      "build.cjs": `const webpack = require(${JSON.stringify(path.join(modules, "webpack"))});
webpack({ mode: "production", target: "web", entry: "./src/main.js", output: { path: __dirname + "/public", filename: "main.js" } }, (err, stats) => {
  if (err || stats.hasErrors()) { console.error(err ?? stats.toString("errors-only")); process.exit(1); }
  console.log(Object.keys(stats.compilation.assets).sort().join(" "));
});
`,
      "public/index.html": `<!doctype html>\n<meta charset="utf-8">\n<title>loading</title>\n<script src="./main.js"></script>\n`,
    });
    npmInstall(dir);
    const built = must(sh("node", ["build.cjs"], { cwd: dir }), "webpack");
    // Both engine builds, under content hashes: nothing copied by hand.
    expect(
      built.stdout
        .trim()
        .split(" ")
        .filter((f) => f.endsWith(".wasm")),
    ).toHaveLength(2);
    bundled.webpack = path.join(dir, "public");
  }, 300_000);

  test("Rollup (@rollup/plugin-node-resolve, browser) and bun build --target=browser bundle it; anymmap.wasm is copied beside the bundle, as for esbuild", () => {
    for (const tool of ["rollup", "bun"] as const) {
      const dir = project(`${tool}-browser`, {
        "package.json": JSON.stringify({ name: `${tool}-browser-consumer`, private: true, type: "module" }),
        "src/main.ts": browserProgram,
        "rollup.config.mjs": `import { nodeResolve } from ${JSON.stringify(path.join(modules, "@rollup", "plugin-node-resolve", "dist", "es", "index.js"))};
export default { input: "src/main.js", output: { file: "public/main.js", format: "es" }, plugins: [nodeResolve({ browser: true })] };
`,
        "public/index.html": `<!doctype html>\n<meta charset="utf-8">\n<title>loading</title>\n<script type="module" src="./main.js"></script>\n`,
      });
      npmInstall(dir);
      if (tool === "rollup") {
        // Rollup takes JavaScript: the TypeScript stripped by esbuild first, as @rollup/plugin-typescript would.
        must(
          sh(
            path.join(modules, "esbuild", "bin", "esbuild"),
            ["src/main.ts", "--outfile=src/main.js", "--log-level=warning"],
            { cwd: dir },
          ),
          "esbuild (strip types)",
        );
        must(
          sh("node", [path.join(modules, "rollup", "dist", "bin", "rollup"), "-c", "--silent"], { cwd: dir }),
          "rollup",
        );
      } else {
        must(
          sh("bun", ["build", "src/main.ts", "--target=browser", "--outfile", "public/main.js"], { cwd: dir }),
          "bun build",
        );
      }
      const code = fs.readFileSync(path.join(dir, "public", "main.js"), "utf8");
      // The browser build (its init), left looking for the .wasm beside the bundle.
      expect(code).toContain('new URL("./anymmap.wasm", import.meta.url)');
      expect(code).not.toContain("node:fs");
      const resolved = sh(
        "node",
        ["--input-type=module", "-e", 'console.log(import.meta.resolve("anymmap/anymmap.wasm"))'],
        { cwd: dir },
      );
      fs.copyFileSync(fileURLToPath(resolved.stdout.trim()), path.join(dir, "public", "anymmap.wasm"));
      bundled[tool] = path.join(dir, "public");
    }
  }, 300_000);

  test("Vite, the README's worker example as it is: with worker.format \"es\" (Vite's default, iife, has no top-level await)", () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const worker = /<!-- run: example=browser browser-worker -->\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(worker).toContain("await init();");
    const dir = project("vite-worker", {
      "package.json": JSON.stringify({ name: "vite-worker-consumer", private: true, type: "module" }),
      "index.html": `<!doctype html>\n<meta charset="utf-8">\n<title>loading</title>\n<script type="module" src="/src/main.js"></script>\n`,
      "src/main.js": `const w = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
w.onmessage = (e) => { document.title = JSON.stringify(e.data); };
w.onerror = (e) => { document.title = JSON.stringify({ error: e.message }); };
`,
      "src/worker.js": worker!,
    });
    npmInstall(dir);
    const vite = (...args: string[]) =>
      sh(
        "node",
        [path.join(modules, "vite", "bin", "vite.js"), "build", "--base", "./", "--logLevel", "warn", ...args],
        {
          cwd: dir,
        },
      );
    // What a user meets first: Vite's own error, which docs/install.md answers.
    const iife = vite();
    expect(iife.status).not.toBe(0);
    expect(iife.stdout + iife.stderr).toContain('Module format "iife" does not support top-level await');
    fs.writeFileSync(path.join(dir, "vite.config.js"), 'export default { worker: { format: "es" } };\n');
    must(vite(), "vite build (worker.format es)");
    bundled["vite-worker"] = path.join(dir, "dist");
    expectedTitle["vite-worker"] = "hello";
  }, 300_000);

  test.skipIf(!chromiumAvailable)(
    "every bundle runs in Chromium: a Blob and anonymous memory mapped on the main thread; the README's worker maps an OPFS file",
    async () => {
      expect(Object.keys(bundled).sort()).toEqual(["bun", "esbuild", "rollup", "vite", "vite-worker", "webpack"]);
      const server = await startServer({
        root: work,
        served: Object.values(bundled).map((dir) => path.relative(work, dir)),
      });
      const profile = path.join(work, "chromium-profile");
      const context = await launchChromium(profile);
      try {
        for (const [name, dir] of Object.entries(bundled)) {
          const page = await context.newPage();
          const seen: string[] = [];
          page.on("console", (m) => seen.push(`console.${m.type()}: ${m.text()}`));
          page.on("pageerror", (e) => seen.push(`error: ${e.message}`));
          page.on("response", (r) => {
            if (r.status() >= 400) seen.push(`HTTP ${r.status()}: ${r.url()}`);
          });
          await page.goto(`${server.origin}/${path.relative(work, dir)}/index.html`);
          await page
            .waitForFunction(
              () => (globalThis as unknown as { document: { title: string } }).document.title !== "loading",
              undefined,
              { timeout: 60_000 },
            )
            .catch((e: unknown) => {
              throw new Error(`${name}: the page never finished (${String(e)}):\n${seen.join("\n")}`);
            });
          expect(JSON.parse(await page.title()), `${name}\n${seen.join("\n")}`).toEqual(
            expectedTitle[name] ?? { backend: "wasm", length: 10000, same: true, anon: "anon" },
          );
          await page.close();
        }
      } finally {
        await context.close();
        await server.close();
      }
    },
    180_000,
  );
});
