/**
 * The differential corpus and the C examples in Chromium: each program runs
 * in dist/run-worker.js (a dedicated worker, an in-memory directory as ".")
 * and must print what its native build prints on Linux.
 */
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { launchCProgramsChromium, missingChromium, type PageWorker } from "./browser/c-worker.js";
import { startServer } from "./browser/server.js";
import { build, firstDifference, missingTool, type Program, root, runNative } from "./c/corpus.js";

const missing = missingTool() ?? missingChromium();
if (missing && process.env.CI) throw new Error(`the C programs in Chromium need ${missing}`);

const sources = [
  ...readdirSync(join(root, "test", "c"))
    .filter((f) => /\.(c|cpp)$/.test(f))
    .map((f) => join(root, "test", "c", f)),
  ...readdirSync(join(root, "examples", "c"))
    .filter((f) => f.endsWith(".c"))
    .map((f) => join(root, "examples", "c", f)),
].sort();

/** Corpus programs whose Linux behaviour the worker's in-memory directory cannot give, and why. */
const NOT_IN_BROWSER: Record<string, string> = {
  "symlinks.c":
    "the worker's in-memory directory has no symbolic links: symlink answers EPERM, as a file system without them does",
};

interface Reply {
  results: { stdout: string; stderr: string; status: number; error?: string }[];
  error?: string;
}

let browser: Awaited<ReturnType<typeof launchCProgramsChromium>> | undefined;
let context: BrowserContext;
let server: Awaited<ReturnType<typeof startServer>>;
let identical = 0;

describe.skipIf(missing !== undefined)("C programs in a Chromium worker", () => {
  beforeAll(async () => {
    server = await startServer();
    browser = await launchCProgramsChromium();
    context = browser.context;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    console.log(
      `C programs in Chromium vs Linux: ${identical}/${sources.length - Object.keys(NOT_IN_BROWSER).length} identical, ${Object.keys(NOT_IN_BROWSER).length} not run (NOT_IN_BROWSER)`,
    );
  });

  /** The program's transcript from the worker, in runNative's format. */
  async function inWorker(p: Program): Promise<string> {
    const page = await context.newPage();
    try {
      await page.goto(`${server.origin}/shell.html`);
      const files: Record<string, string> = {};
      for (const f of p.fixtures) files[f.slice(f.lastIndexOf("/") + 1)] = `/${relative(root, f)}`;
      const reply = await page.evaluate(
        async ({ worker, wasm, runs, files }) => {
          const fetchBytes = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());
          const start: Record<string, Uint8Array> = {};
          for (const [name, url] of Object.entries(files)) start[name] = await fetchBytes(url);
          const bytes = await fetchBytes(wasm);
          const W = (globalThis as unknown as { Worker: PageWorker }).Worker;
          return new Promise<Reply>((ok, fail) => {
            const w = new W(worker, { type: "module" });
            w.onerror = (e) => fail(new Error(e.message));
            w.onmessage = (e) => {
              w.terminate();
              const r = e.data as {
                results: { stdout: Uint8Array; stderr: Uint8Array; status: number; error?: string }[];
                error?: string;
              };
              const text = (b: Uint8Array) => new TextDecoder().decode(b);
              ok({
                error: r.error,
                results: r.results.map((x) => ({ ...x, stdout: text(x.stdout), stderr: text(x.stderr) })),
              });
            };
            w.postMessage({ wasm: bytes, runs, files: start });
          });
        },
        {
          worker: "/dist/run-worker.js",
          wasm: `/${relative(root, p.wasm)}`,
          runs: p.runs.map((a) => [p.name, ...a.map((x) => x.replaceAll("@DIR@", "/work"))]),
          files,
        },
      );
      if (reply.error) throw new Error(reply.error);
      return reply.results
        .map(
          (r) =>
            `${r.stdout}${r.stderr ? `[stderr] ${r.stderr}` : ""}${r.error ? `[error] ${r.error}\n` : ""}[exit ${r.status}]\n`,
        )
        .join("");
    } finally {
      await page.close();
    }
  }

  test("the ready-made page examples/c/run.html runs a program on files picked in it", {
    timeout: 300_000,
  }, async () => {
    const program = build(join(root, "examples", "c", "copy_file.c"));
    const page = await context.newPage();
    try {
      await page.goto(`${server.origin}/examples/c/run.html`);
      await page.setInputFiles("#wasm", program.wasm);
      await page.setInputFiles("#files", program.fixtures);
      await page.fill("#args", program.runs.map((a) => [program.name, ...a].join(" ")).join("\n"));
      await page.click("#run");
      await page.waitForSelector("body[data-done]", { timeout: 120_000 });
      expect(await page.textContent("#out")).toBe(runNative(program));
      const after = await page.$$eval("#after a", (links) => links.map((a) => a.textContent));
      expect(after).toEqual(expect.arrayContaining(["input.txt (186 bytes)", "copy.txt (186 bytes)"]));
    } finally {
      await page.close();
    }
  });

  for (const source of sources) {
    const why = NOT_IN_BROWSER[source.slice(source.lastIndexOf("/") + 1)];
    test.skipIf(why !== undefined)(
      `${relative(root, source)}${why ? ` (${why})` : ""}`,
      { timeout: 300_000 },
      async () => {
        const program = build(source);
        const expected = runNative(program);
        const actual = await inWorker(program);
        expect(actual, firstDifference(actual, expected)).toBe(expected);
        identical++;
      },
    );
  }
});
