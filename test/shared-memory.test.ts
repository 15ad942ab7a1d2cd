/**
 * Shared anonymous memory across real workers: Node worker_threads, Deno
 * and Bun Web Workers, each on both backends. The seeds' fork example
 * (examples/shared-memory/fork.js) prints what the C version prints on
 * Linux; the scenario (test/shared-memory/scenario.js) has three threads
 * add to one counter with Atomics, unmaps the sharer's mapping while a
 * worker still uses it, and attaches a handle whose memory is gone.
 * In Chromium the fork example runs in its page (examples/shared-memory/index.html)
 * with a Worker; more of Chromium's side: test/browser/main-share-api.ts.
 * Needs a built dist/.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

import { runtimeEnv } from "../scripts/runtime-env.mjs";
import { chromiumAvailable, launchChromium } from "./browser/chromium.js";
import { startServer } from "./browser/server.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name: string) => join(root, "node_modules", ".bin", name);

const RUNTIMES: Record<string, (script: string) => [string, string[]]> = {
  node: (script) => [process.execPath, [script]],
  deno: (script) => [bin("deno"), ["run", "--allow-read", "--allow-env", "--allow-ffi", script]],
  bun: (script) => [bin("bun"), [script]],
};

function run(runtime: string, backend: string, script: string): string {
  const [command, args] = RUNTIMES[runtime]!(join(root, script));
  const r = spawnSync(command, args, {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...runtimeEnv(root), ANYMMAP_BACKEND: backend },
  });
  if (r.error) throw r.error;
  expect(r.stderr, `${runtime} ${backend}: stderr`).toBe("");
  expect(r.status, `${runtime} ${backend}: exit status`).toBe(0);
  return r.stdout;
}

// The C example's expected output on Linux, without the harness's exit line.
const forkOutput = readFileSync(join(root, "examples/c/shared_anonymous.expected"), "utf8").replace(
  /\[exit 0\]\n$/,
  "",
);

for (const runtime of Object.keys(RUNTIMES)) {
  describe(`${runtime}: a MAP_SHARED|MAP_ANONYMOUS mapping handed to a worker`, () => {
    for (const backend of ["native", "wasm"]) {
      it(`${backend}: the seeds' fork example prints what Linux prints`, () => {
        expect(run(runtime, backend, "examples/shared-memory/fork.js")).toBe(forkOutput);
      });

      it(`${backend}: concurrent atomic adds, munmap while attached, attach after munmap`, () => {
        const out = JSON.parse(
          run(runtime, backend, "test/shared-memory/scenario.js").trim().split("\n").pop()!,
        ) as Record<string, unknown>;
        expect(out.backend).toBe(backend);
        expect(out.runtime).toMatch(new RegExp(`^${runtime} `));
        expect(out.counted).toEqual([100_000, 100_000]);
        expect(out.counter).toBe(out.expected);
        expect(out.attached).toBe("before");
        // WASM keeps the unmapped pages in the sharer's memory while the worker uses them; the kernel keeps its memfd's.
        expect(out.mappingsWhileAttached).toBe(backend === "wasm" ? 1 : 0);
        expect(out.afterMunmap).toBe("after the sharer's munmap");
        expect(out.detached).toBe(false);
        expect(out.mappingsAfter).toBe(0);
        expect(out.lateAttach).toMatchObject({ code: "EBADF", syscall: "attach" });
      });
    }
  });
}

describe.skipIf(!chromiumAvailable && !process.env.CI)("Chromium: the fork example's page", () => {
  it("prints what Linux prints, the worker being a Web Worker", async () => {
    const server = await startServer({ served: ["dist", "examples/shared-memory"] });
    const profile = mkdtempSync(join(tmpdir(), "anymmap-chromium-"));
    const context = await launchChromium(profile);
    try {
      const page = await context.newPage();
      await page.goto(`${server.origin}/examples/shared-memory/index.html`);
      await page.waitForSelector("body[data-done]", { timeout: 60_000 });
      expect(await page.textContent("#out")).toBe(forkOutput);
    } finally {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 120_000);
});
