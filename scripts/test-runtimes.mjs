// Runs the spec suite (test/spec/*.spec.ts, unchanged) in Deno and Bun, one
// process per spec file, through test/harness/run.ts, then prints one table
// for every runtime: runtime × backend → passed / failed / skipped. Node's
// rows come from vitest's JSON report (.tmp/vitest.json, written by
// scripts/test.sh) when it is there. The last line is the plain
// "N passed, N failed, N skipped" over all rows.
//
// Usage: node scripts/test-runtimes.mjs [--runtime deno|bun]... [--vitest FILE] [--vitest-shared FILE] [--vitest-native FILE]
//                                       [--report FILE]... [--json FILE] [SPEC_FILE...]
//   --runtime  run only these runtimes (default: deno and bun)
//   --vitest   vitest JSON report of the wasm project, for Node's rows (default .tmp/vitest.json; "none" to leave out)
//   --vitest-native  the same for the native project (default .tmp/vitest-native.json, "none" with --vitest none)
//   --vitest-shared  the same for the wasm-shared project (anymmap-shared.wasm; left out unless given)
//   --report   add rows from another runner's report: JSON lines or an array of
//              { runtime, version?, backend, passed, failed, skipped }
//   --json     where to write the rows and per-file results (default .tmp/runtimes.json)
// Needs a built dist/ (npm run build). Exit status 1 if any row has a failure.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { runtimeEnv } from "./runtime-env.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const MARK = "@@anymmap-results ";
/** One spec file in one runtime; vitest's testTimeout is 60 s per test. */
const FILE_TIMEOUT_MS = 10 * 60_000;
/** Two cores: two spec processes at a time. */
const CONCURRENCY = 2;

const args = process.argv.slice(2);
const runtimes = [];
const reports = [];
const files = [];
let vitestJson = join(root, ".tmp", "vitest.json");
let vitestNativeJson;
let vitestSharedJson = "none";
let jsonOut = join(root, ".tmp", "runtimes.json");
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--runtime") runtimes.push(args[++i]);
  else if (a === "--vitest") vitestJson = args[++i];
  else if (a === "--vitest-native") vitestNativeJson = args[++i];
  else if (a === "--vitest-shared") vitestSharedJson = args[++i];
  else if (a === "--report") reports.push(args[++i]);
  else if (a === "--json") jsonOut = resolve(args[++i]);
  else if (a.startsWith("--")) usage(`unknown option ${a}`);
  else files.push(resolve(a));
}
if (runtimes.length === 0) runtimes.push("deno", "bun");
// "--vitest none" leaves Node out, both projects, unless --vitest-native says otherwise.
vitestNativeJson ??= vitestJson === "none" ? "none" : join(root, ".tmp", "vitest-native.json");

function usage(message) {
  console.error(
    `test-runtimes: ${message}\nusage: node scripts/test-runtimes.mjs [--runtime deno|bun]... [--vitest FILE|none] [--vitest-shared FILE] [--vitest-native FILE] [--report FILE]... [--json FILE] [SPEC_FILE...]`,
  );
  process.exit(2);
}

const specDir = join(root, "test", "spec");
const specs =
  files.length > 0
    ? files
    : readdirSync(specDir)
        .filter((f) => f.endsWith(".spec.ts"))
        .sort()
        .map((f) => join(specDir, f));

const env = runtimeEnv(root);
// Where the fixtures go (the harness uses os.tmpdir(), which reads TMPDIR).
const tmp = tmpdir();

/**
 * How each runtime runs one spec file, once per backend. Deno gets exactly
 * the permissions the suite needs: read the checkout and the temp dir, write
 * the temp dir, and the environment variables that os.tmpdir() and the
 * matchers' colour check read; with --allow-ffi as well it maps with the
 * kernel (native), without it with the WASM engine. Bun maps natively unless
 * ANYMMAP_BACKEND=wasm.
 */
const denoArgs = (extra) => (spec) => [
  "run",
  "--no-prompt",
  "--no-check",
  "--no-remote",
  "--no-lock",
  "--node-modules-dir=manual",
  `--import-map=${join(root, "test", "harness", "deno-imports.json")}`,
  // /dev/zero: the suite checks that anymmap refuses it (ENODEV); mkfifo and python3 make FIFO and socket fixtures.
  `--allow-read=${root},${tmp},/dev/zero`,
  `--allow-write=${tmp},/dev/zero`,
  "--allow-run=mkfifo,/usr/bin/python3",
  "--allow-env=TMPDIR,TMP,TEMP,NO_COLOR,FORCE_COLOR,FORCE_TTY,TERM,CI,NODE_V8_COVERAGE",
  ...extra,
  join(root, "test", "harness", "run.ts"),
  spec,
];
const bunArgs = (spec) => [
  "--preload",
  join(root, "test", "harness", "bun-preload.ts"),
  join(root, "test", "harness", "run.ts"),
  spec,
];
const RUNNERS = {
  deno: [
    { backend: "wasm", command: bin("deno"), args: denoArgs([]) },
    { backend: "native", command: bin("deno"), args: denoArgs(["--allow-ffi"]) },
  ],
  bun: [
    { backend: "native", command: bin("bun"), args: bunArgs, env: { ANYMMAP_BACKEND: "native" } },
    { backend: "wasm", command: bin("bun"), args: bunArgs, env: { ANYMMAP_BACKEND: "wasm" } },
  ],
};

for (const r of runtimes) if (!RUNNERS[r]) usage(`unknown runtime ${r}`);

/** Runs one spec file with one backend; resolves to its report (a crash or timeout is one failure). */
function runOne(runtime, variant, spec) {
  const { command, args: argv } = variant;
  const file = relative(specDir, spec);
  return new Promise((done) => {
    if (!existsSync(command)) {
      const why = `${command} is missing: run npm install (deno and bun are devDependencies)`;
      done({
        runtime,
        backend: variant.backend,
        file,
        passed: 0,
        failed: 1,
        skipped: 0,
        failures: [{ name: "(the whole file)", error: why }],
        log: `  FAIL ${file}: ${why}`,
      });
      return;
    }
    const child = spawn(command, argv(spec), {
      cwd: root,
      env: { ...env, ...variant.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), FILE_TIMEOUT_MS);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = out.split("\n").find((l) => l.startsWith(MARK));
      const log = out
        .split("\n")
        .filter((l) => !l.startsWith(MARK))
        .join("\n")
        .trimEnd();
      if (line === undefined) {
        const why =
          signal === "SIGKILL"
            ? `timed out after ${FILE_TIMEOUT_MS / 1000} s`
            : `exited with ${signal ?? code} before reporting`;
        const failures = [{ name: "(the whole file)", error: `${why}\n${err.trimEnd()}` }];
        done({
          runtime,
          backend: variant.backend,
          file,
          passed: 0,
          failed: 1,
          skipped: 0,
          failures,
          log: `${log}\n${err.trimEnd()}\n  FAIL ${file}: ${why}`.trim(),
        });
        return;
      }
      const report = JSON.parse(line.slice(MARK.length));
      const stderr = report.failed > 0 && err.trim() !== "" ? `\n${err.trimEnd()}` : "";
      // The backend the harness saw must be the one this run asked for.
      if (report.backend !== variant.backend) {
        report.failed++;
        report.failures = [
          ...(report.failures ?? []),
          { name: "(the backend)", error: `ran on ${report.backend}, expected ${variant.backend}` },
        ];
      }
      done({ ...report, runtime, file, log: log + stderr });
    });
  });
}

async function runAll() {
  const jobs = runtimes.flatMap((r) => RUNNERS[r].flatMap((v) => specs.map((s) => [r, v, s])));
  const results = [];
  let next = 0;
  async function worker() {
    while (next < jobs.length) {
      const [runtime, variant, spec] = jobs[next++];
      const r = await runOne(runtime, variant, spec);
      const tag = `[${runtime} ${variant.backend}]`;
      console.log(`${tag} ${r.log}`.replace(/\n/g, `\n${tag} `));
      results.push(r);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return results;
}

/** Every failed test of every runtime, for the list printed above the table. */
const failures = [];

/** Node's rows from one vitest project's JSON: the spec suite, and the other test files. */
function nodeRows(path, backend) {
  if (path === "none" || !existsSync(path)) return [];
  const report = JSON.parse(readFileSync(path, "utf8"));
  const version = `node ${process.versions.node}`;
  const rows = {
    spec: { runtime: "node", version, backend, suite: "spec", passed: 0, failed: 0, skipped: 0 },
    other: { runtime: "node", version, backend: "-", suite: "unit, cli, pack...", passed: 0, failed: 0, skipped: 0 },
  };
  for (const file of report.testResults ?? []) {
    const row = relative(specDir, file.name).startsWith("..") ? rows.other : rows.spec;
    let failed = 0;
    const where = `node ${backend}: ${relative(root, file.name)}`;
    for (const t of file.assertionResults ?? []) {
      if (t.status === "passed") row.passed++;
      else if (t.status === "failed") {
        failed++;
        failures.push({ where, name: t.fullName ?? t.title, error: (t.failureMessages ?? []).join("\n") });
      } else row.skipped++;
    }
    // A file that failed to load has no failed test, but it did fail.
    if (file.status === "failed" && failed === 0) {
      failed = 1;
      failures.push({ where, name: "(the whole file)", error: file.message ?? "" });
    }
    row.failed += failed;
  }
  return Object.values(rows).filter((r) => r.passed + r.failed + r.skipped > 0);
}

function extraRows(path) {
  const text = readFileSync(path, "utf8").trim();
  const rows = text.startsWith("[")
    ? JSON.parse(text)
    : text
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
  return rows.map((r) => ({ suite: "spec", version: r.runtime, ...r }));
}

const results = await runAll();

// Per runtime and backend, summed over spec files.
const rows = [
  ...nodeRows(vitestJson, "wasm"),
  ...nodeRows(vitestSharedJson, "wasm (shared memory)"),
  ...nodeRows(vitestNativeJson, "native"),
];
for (const runtime of runtimes) {
  const mine = results.filter((r) => r.runtime === runtime);
  const byBackend = new Map();
  for (const r of mine) {
    const backend = r.backend ?? "?";
    const row = byBackend.get(backend) ?? {
      runtime,
      version: r.version ?? runtime,
      backend,
      suite: "spec",
      passed: 0,
      failed: 0,
      skipped: 0,
    };
    row.passed += r.passed;
    row.failed += r.failed;
    row.skipped += r.skipped;
    if (r.version) row.version = r.version;
    byBackend.set(backend, row);
  }
  rows.push(...byBackend.values());
}
for (const path of reports) rows.push(...extraRows(path));

// Keep this run's reports for whoever wants more than the table.
mkdirSync(dirname(jsonOut), { recursive: true });
writeFileSync(jsonOut, JSON.stringify({ rows, files: results.map(({ log, ...r }) => r) }, null, 2));

const skips = results.flatMap((r) => (r.skips ?? []).map((s) => `  ${r.runtime}: ${r.file} > ${s.name} (${s.reason})`));
if (skips.length > 0) console.log(`\nskipped, with the reason:\n${skips.join("\n")}`);

// Last before the table, so that a log cut to its tail still says what failed.
for (const r of results) {
  for (const f of r.failures ?? []) failures.push({ where: `${r.runtime} ${r.backend}: ${r.file}`, ...f });
}
if (failures.length > 0) {
  const firstLines = (text) =>
    String(text ?? "")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .slice(0, 6)
      .map((l) => `      ${l.length > 300 ? `${l.slice(0, 300)}...` : l}`)
      .join("\n");
  console.log(`\nfailed, with the start of the error:`);
  for (const f of failures) console.log(`  ${f.where} > ${f.name}\n${firstLines(f.error)}`);
}

const header = ["runtime", "backend", "suite", "passed", "failed", "skipped"];
const table = [
  header,
  ...rows.map((r) => [r.version, r.backend, r.suite, String(r.passed), String(r.failed), String(r.skipped)]),
];
const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
const fmt = (row) => row.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
const total = rows.reduce(
  (t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log(`\n${fmt(table[0])}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
for (const row of table.slice(1)) console.log(fmt(row));
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
// Non-zero whenever the closing line counts a failure, whichever runtime it was in.
process.exitCode = total.failed > 0 ? 1 : 0;
