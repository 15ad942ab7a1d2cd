/**
 * anymmap in real Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core): every spec file in a dedicated worker and on the main
 * thread, and the browser-only API tests (OPFS handles, Files and Blobs,
 * the main thread's load-ahead, .wasm loading). Each file runs in a fresh
 * page (and worker), so memory and the test registry start clean.
 * Writes every report to .tmp/browser-results.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { apiFiles, buildBrowserTests, entryName, specFiles } from "./browser/build.js";
import { CHROMIUM, chromiumAvailable as available, launchChromium } from "./browser/chromium.js";
import type { Report } from "./browser/runner.js";
import { startServer } from "./browser/server.js";
import { BROWSER_SKIPS } from "./harness/browser-skips.js";

const ROOT = resolve(import.meta.dirname, "..");
const FILE_TIMEOUT = 300_000;

it("Chromium is installed where CI runs (.ci/run installs Debian's chromium)", () => {
  if (process.env.CI && !available)
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set ANYMMAP_CHROMIUM)`);
});

it("the browser bundle imports nothing: no node:* module, no chunk of another runtime", () => {
  const code = readFileSync(join(ROOT, "dist/browser.js"), "utf8");
  expect(code).not.toMatch(/\bfrom\s*["'][^"']+["']/);
  expect(code).not.toMatch(/\bimport\s*\(\s*["']/);
  expect(code).not.toMatch(/\brequire\s*\(/);
  expect(code).not.toContain("node:");
});
let context: BrowserContext;
let server: Awaited<ReturnType<typeof startServer>>;
let profile: string;
const reports: Report[] = [];

/** The skip list of one runtime for one file, keyed as the runner wants ("describe > test"). */
function skipsFor(runtime: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, reason] of Object.entries(BROWSER_SKIPS[runtime] ?? {})) {
    if (key.startsWith(`${file} > `)) out[key.slice(file.length + 3)] = reason;
  }
  return out;
}

/** Runs a test file in a dedicated worker started by a fresh page. */
async function inWorker(file: string, base = ""): Promise<Report> {
  const page = await context.newPage();
  try {
    await page.goto(`${server.origin}${base}/shell.html`);
    return await page.evaluate(
      ({ url, skip }) =>
        new Promise<Report>((ok, fail) => {
          type W = {
            onerror: (e: { message: string }) => void;
            onmessage: (e: { data: { ready?: boolean } }) => void;
            postMessage(m: unknown): void;
            terminate(): void;
          };
          const Worker = (globalThis as unknown as { Worker: new (url: string, o: { type: string }) => W }).Worker;
          const w = new Worker(url, { type: "module" });
          w.onerror = (e) => fail(new Error(`worker failed to load: ${e.message}`));
          w.onmessage = (e) => {
            if (e.data?.ready) w.postMessage({ skip });
            else {
              ok(e.data as unknown as Report);
              w.terminate();
            }
          };
        }),
      { url: `${base}/.tmp/browser/${entryName(file)}.js`, skip: skipsFor("chromium-worker", file) },
    );
  } finally {
    await page.close();
  }
}

/** Runs a test file on the main thread of a fresh page. */
async function onMainThread(file: string): Promise<Report> {
  const page = await context.newPage();
  try {
    await page.goto(`${server.origin}/shell.html?entry=${entryName(file)}`);
    await page.waitForFunction(() => (globalThis as { __anymmapLoaded?: unknown }).__anymmapLoaded !== undefined);
    const loaded = await page.evaluate(() => (globalThis as { __anymmapLoaded?: unknown }).__anymmapLoaded);
    if (loaded !== true) throw new Error(`the page could not load ${file}: ${String(loaded)}`);
    return await page.evaluate(
      (skip) =>
        (globalThis as unknown as { __anymmapRun(s: Record<string, string>): Promise<Report> }).__anymmapRun(skip),
      skipsFor("chromium-main", file),
    );
  } finally {
    await page.close();
  }
}

function check(report: Report): void {
  reports.push(report);
  const failures = report.failures.map(
    (f) => `  FAIL ${report.file} > ${f.name}\n${(f.error ?? "").replace(/^/gm, "       ")}`,
  );
  expect(failures.join("\n"), `${report.file} (${report.runtime})`).toBe("");
  expect(report.passed + report.skipped, "tests ran").toBeGreaterThan(0);
}

describe.skipIf(!available)("Chromium", () => {
  beforeAll(async () => {
    await buildBrowserTests();
    server = await startServer();
    profile = mkdtempSync(join(tmpdir(), "anymmap-chromium-"));
    context = await launchChromium(profile);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    writeFileSync(join(ROOT, ".tmp/browser-results.json"), `${JSON.stringify(reports, null, 2)}\n`);
    // One row per context and suite, for the runtime table of scripts/test-runtimes.mjs (--report).
    const rows = new Map<
      string,
      {
        runtime: string;
        version: string;
        backend: string;
        suite: string;
        passed: number;
        failed: number;
        skipped: number;
      }
    >();
    for (const r of reports) {
      const suite = r.file.endsWith(".spec.ts") ? "spec" : "browser api";
      const key = `${r.runtime} ${suite}`;
      const row = rows.get(key) ?? {
        runtime: r.runtime,
        version: r.version,
        backend: r.backend,
        suite,
        passed: 0,
        failed: 0,
        skipped: 0,
      };
      row.passed += r.passed;
      row.failed += r.failed;
      row.skipped += r.skipped;
      rows.set(key, row);
    }
    writeFileSync(join(ROOT, ".tmp/browser-rows.json"), `${JSON.stringify([...rows.values()], null, 2)}\n`);
    const lines = reports.map(
      (r) =>
        `${r.runtime.padEnd(16)} ${r.file.padEnd(26)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.skipped).padStart(4)} skipped  ${r.ms} ms`,
    );
    if (lines.length > 0) console.log(`\nChromium (${reports[0]!.version}):\n${lines.join("\n")}`);
  });

  describe("OPFS with the origin's quota lowered (a real QuotaExceededError)", () => {
    it(
      "quota-worker-api.ts in a dedicated worker, quota = usage + 4 MiB",
      async () => {
        const page = await context.newPage();
        try {
          await page.goto(`${server.origin}/shell.html`);
          const usage = await page.evaluate(async () => {
            const storage = (
              globalThis as unknown as { navigator: { storage: { estimate(): Promise<{ usage?: number }> } } }
            ).navigator.storage;
            return (await storage.estimate()).usage ?? 0;
          });
          const cdp = await context.newCDPSession(page);
          await cdp.send("Storage.overrideQuotaForOrigin", { origin: server.origin, quotaSize: usage + 4 * 2 ** 20 });
          try {
            check(await inWorker("quota-worker-api.ts"));
          } finally {
            await cdp.send("Storage.overrideQuotaForOrigin", { origin: server.origin });
          }
        } finally {
          await page.close();
        }
      },
      FILE_TIMEOUT,
    );
  });

  describe("spec suite in a dedicated worker", () => {
    for (const file of specFiles()) it(file, async () => check(await inWorker(file)), FILE_TIMEOUT);
  });

  describe("spec suite on the main thread", () => {
    for (const file of specFiles()) it(file, async () => check(await onMainThread(file)), FILE_TIMEOUT);
  });

  describe("browser API", () => {
    for (const file of apiFiles()) {
      if (file.startsWith("quota-")) continue;
      if (file.startsWith("worker-"))
        it(`${file} in a dedicated worker`, async () => check(await inWorker(file)), FILE_TIMEOUT);
      else if (file.startsWith("main-"))
        it(`${file} on the main thread`, async () => check(await onMainThread(file)), FILE_TIMEOUT);
      else if (file.startsWith("plain-")) {
        it(
          `${file} in a worker of a page without COOP/COEP`,
          async () => check(await inWorker(file, "/plain")),
          FILE_TIMEOUT,
        );
      }
    }
  });
});
