/**
 * Differential runs of C programs: each is compiled natively with gcc
 * (glibc and the Linux kernel are the oracle) and with `anymmap cc`, run in
 * a fresh directory, and its stdout and exit status compared. Shared by
 * test/c-corpus.test.ts and test/c-examples.test.ts.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = path.join(root, "bin", "anymmap.js");
const deno = path.join(root, "node_modules", ".bin", "deno");
const bun = path.join(root, "node_modules", ".bin", "bun");
/** Compiled programs are kept here between runs, keyed by their sources. */
const cache = path.join(root, ".tmp", "c-corpus");

export const RUNTIMES = ["node", "deno", "bun"] as const;
export type Runtime = (typeof RUNTIMES)[number];

function have(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  return !r.error && r.status === 0;
}

/** The missing tool, if any ("gcc", "g++", "emcc"); CI installs them. */
export function missingTool(): string | undefined {
  if (!have("gcc", ["--version"])) return "gcc";
  if (!have("g++", ["--version"])) return "g++";
  if (!have("emcc", ["--version"])) return "emcc (Debian: apt-get install emscripten)";
  return undefined;
}

function check(r: ReturnType<typeof spawnSync>, what: string): void {
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}):\n${r.stderr?.toString()}`);
}

function hashOf(files: string[], extra: string): string {
  const h = createHash("sha256").update(extra);
  for (const f of files) h.update(f).update(fs.readFileSync(f));
  return h.digest("hex").slice(0, 16);
}

function treeFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile())
    .sort();
}

/** A program compiled both ways. `runs` are argument lists run in sequence in one directory. */
export interface Program {
  name: string;
  native: string;
  wasm: string;
  runs: string[][];
  /** Files copied into the run directory first (a `corpus-fixtures: a b` line, relative to the source). */
  fixtures: string[];
  /** Deno's permission flags instead of read and write scoped to the package and the run directory (a `corpus-deno: ...` line). */
  denoFlags?: string[];
}

/**
 * Compiles `source` (plus `extraSources`, e.g. sqlite3.c) with gcc (g++
 * for a .cpp source) and with `anymmap cc`, reusing earlier builds of the same sources. The runs come
 * from a `corpus-runs: a b | c` line in the source (default: one run, no
 * arguments).
 */
export function build(
  source: string,
  options: { extraSources?: string[]; cflags?: string[]; ldflags?: string[] } = {},
): Program {
  const name = path.basename(source).replace(/\.(c|cpp)$/, "");
  const nativeCc = source.endsWith(".cpp") ? "g++" : "gcc";
  const sources = [source, ...(options.extraSources ?? [])];
  const cflags = options.cflags ?? [];
  const headers = fs
    .readdirSync(path.dirname(source))
    .filter((f) => f.endsWith(".h"))
    .map((f) => path.join(path.dirname(source), f));
  // What anymmap cc links with is part of the program too: its flags live in cc.ts.
  const engine = [
    path.join(root, "src", "runtime", "node", "cc.ts"),
    ...treeFiles(path.join(root, "wasm", "src")),
    ...treeFiles(path.join(root, "wasm", "posix")),
    ...treeFiles(path.join(root, "wasm", "include")),
  ];
  const key = hashOf([...sources, ...headers], cflags.join(" "));
  fs.mkdirSync(cache, { recursive: true });
  const native = path.join(cache, `${name}-${key}.native`);
  const wasm = path.join(cache, `${name}-${key}-${hashOf(engine, "")}.wasm`);
  if (!fs.existsSync(native)) {
    const tmp = `${native}.${process.pid}`;
    check(
      spawnSync(nativeCc, ["-O2", ...cflags, "-o", tmp, ...sources, ...(options.ldflags ?? [])]),
      `${nativeCc} ${name}`,
    );
    fs.renameSync(tmp, native);
  }
  if (!fs.existsSync(wasm)) {
    const tmp = `${wasm}.${process.pid}.wasm`;
    const r = spawnSync(process.execPath, [bin, "cc", "-O2", ...cflags, "-o", tmp, ...sources], {
      env: { ...process.env, ANYMMAP_CACHE: path.join(cache, "core") },
    });
    check(r, `anymmap cc ${name}`);
    // A user's first `anymmap cc` compiles anymmap's C library: it must say nothing.
    const ours = r.stderr.toString().match(/^.*wasm\/(posix|src|include)\/.*$/m);
    if (ours) throw new Error(`anymmap's own C warned while building ${name}: ${ours[0]}`);
    fs.renameSync(tmp, wasm);
  }
  const text = fs.readFileSync(source, "utf8");
  const line = /corpus-runs:(.*)/.exec(text)?.[1]?.replace("*/", "");
  const runs = line ? line.split("|").map((r) => r.trim().split(/\s+/).filter(Boolean)) : [[]];
  const fixtures = (/corpus-fixtures:(.*)/.exec(text)?.[1] ?? "")
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((f) => path.join(path.dirname(source), f));
  const deno = /corpus-deno:(.*)/.exec(text)?.[1]?.replace("*/", "").trim().split(/\s+/);
  return { name, native, wasm, runs, fixtures, ...(deno ? { denoFlags: deno } : {}) };
}

/** The absolute name of the run directory inside the WASM program ("@DIR@" in arguments). */
const GUEST_DIR = "/work";

/**
 * What a program printed on stdout and how each run exited, as one text.
 * "@DIR@" in an argument is the run directory's absolute path (`dirName`).
 */
function transcript(
  dir: string,
  dirName: string,
  run: (args: string[]) => ReturnType<typeof spawnSync>,
  p: Program,
): string {
  for (const f of p.fixtures) fs.copyFileSync(f, path.join(dir, path.basename(f)));
  let out = "";
  for (const args of p.runs) {
    const r = run(args.map((a) => a.replaceAll("@DIR@", dirName)));
    if (r.error) throw r.error;
    out += r.stdout.toString();
    if (r.stderr.length > 0) out += `[stderr] ${r.stderr.toString()}`;
    out += `[exit ${r.status ?? r.signal}]\n`;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

const spawnOptions = { maxBuffer: 64 << 20, timeout: 600_000 };

/** The native program's transcript: Linux's answer. */
export function runNative(p: Program): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `corpus-${p.name}-`));
  return transcript(dir, dir, (args) => spawnSync(p.native, args, { cwd: dir, ...spawnOptions }), p);
}

/** The transcript under `anymmap run` in one runtime, with a fresh directory as ".". */
export function runWasm(p: Program, runtime: Runtime): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `corpus-${p.name}-`));
  const tail = (args: string[]) => ["--dir", `${dir}:.`, "--dir", `${dir}:${GUEST_DIR}`, p.wasm, ...args];
  const run = (args: string[]) => {
    switch (runtime) {
      case "node":
        return spawnSync(process.execPath, [bin, "run", ...tail(args)], spawnOptions);
      case "deno":
        return spawnSync(
          deno,
          [
            "run",
            ...(p.denoFlags ?? [`--allow-read=${root},${dir}`, `--allow-write=${dir}`]),
            path.join(root, "dist", "run-deno.js"),
            ...tail(args),
          ],
          spawnOptions,
        );
      case "bun":
        return spawnSync(bun, [path.join(root, "dist", "run-bun.js"), ...tail(args)], spawnOptions);
    }
  };
  return transcript(dir, GUEST_DIR, run, p);
}

/**
 * Where a transcript first departs from Linux's, as an assertion message: a
 * failed run's report shows only the start of both texts, which rarely holds
 * the difference.
 */
export function firstDifference(actual: string, expected: string): string {
  const got = actual.split("\n");
  const want = expected.split("\n");
  let line = 0;
  while (line < want.length && got[line] === want[line]) line++;
  return `line ${line + 1}: Linux printed ${JSON.stringify(want[line] ?? "(end)")}, anymmap ${JSON.stringify(got[line] ?? "(end)")}`;
}

/** The C core's objects (wasm/src) of the newest library build in the corpus's cache: build() a program first. */
export function coreObjects(): string[] {
  const core = path.join(cache, "core");
  const builds = fs
    .readdirSync(core)
    .filter((d) => fs.existsSync(path.join(core, d, "complete")))
    .map((d) => path.join(core, d))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  const newest = builds[0];
  return newest
    ? fs
        .readdirSync(newest)
        .filter((f) => f.startsWith("src_") && f.endsWith(".o"))
        .map((f) => path.join(newest, f))
    : [];
}
