/**
 * Runs one spec file in Deno or Bun through the portable harness, with the
 * runtime's harness in place of ./index.js:
 *
 *   deno run --no-prompt --import-map=test/harness/deno-imports.json \
 *     --allow-read --allow-write --allow-env test/harness/run.ts test/spec/mmap.spec.ts
 *   bun --preload ./test/harness/bun-preload.ts test/harness/run.ts test/spec/mmap.spec.ts
 *
 * Prints failures and a summary, then one line "@@anymmap-results {json}"
 * that scripts/test-runtimes.mjs reads. Exit status 1 when a test failed.
 */
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { anymmap } from "./index.js";
import { run, type TestResult } from "./portable.js";
import { SKIPS } from "./skips.js";

const file = process.argv[2];
if (file === undefined) {
  console.error("usage: run.ts SPEC_FILE");
  process.exit(2);
}
const name = basename(file);
const runtime = anymmap.info().runtime.split(" ")[0]!;
const prefix = `${name} > `;
const skip: Record<string, string> = {};
for (const [key, reason] of Object.entries(SKIPS[runtime] ?? {})) {
  if (key.startsWith(prefix)) skip[key.slice(prefix.length)] = reason;
}

let results: TestResult[];
const start = performance.now();
try {
  await import(pathToFileURL(resolve(file)).href);
  results = await run({ skip });
} catch (e) {
  // The file did not even load: one failure that says why.
  results = [
    {
      name: "(loading the file)",
      state: "failed",
      ms: 0,
      error: e instanceof Error ? (e.stack ?? e.message) : String(e),
    },
  ];
}
const ms = Math.round(performance.now() - start);

const count = (state: TestResult["state"]) => results.filter((r) => r.state === state).length;
const summary = { passed: count("passed"), failed: count("failed"), skipped: count("skipped") };
for (const r of results) {
  if (r.state === "failed") console.log(`  FAIL ${name} > ${r.name}\n${(r.error ?? "").replace(/^/gm, "       ")}`);
}
for (const r of results) {
  if (r.state === "passed" && r.ms >= 1000) console.log(`  slow ${name} > ${r.name} (${r.ms} ms)`);
}
console.log(
  `${name}: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped (${anymmap.info().runtime}, ${ms} ms)`,
);
const report = {
  file: name,
  runtime,
  version: anymmap.info().runtime,
  backend: anymmap.backend,
  ms,
  ...summary,
  failures: results.filter((r) => r.state === "failed").map((r) => ({ name: r.name, error: r.error })),
  skips: results.filter((r) => r.state === "skipped").map((r) => ({ name: r.name, reason: r.error ?? "it.skip" })),
};
console.log(`@@anymmap-results ${JSON.stringify(report)}`);
process.exit(summary.failed > 0 ? 1 : 0);
