/**
 * Runs one spec (or browser API) file in Chromium and reports it in the
 * shape test/harness/run.ts prints for Deno and Bun. In a dedicated worker
 * it waits for a message with the skip list and posts the report back; on
 * the main thread it exposes `__anymmapRun(skip)` for the test driver.
 */
import { NO_SYNC_FILES, anymmap, setupFixtures, teardownFixtures } from "../harness/browser.js";
import { type TestResult, run } from "../harness/portable.js";

/** One file's outcome. */
export interface Report {
  file: string;
  runtime: string;
  version: string;
  backend: string;
  ms: number;
  passed: number;
  failed: number;
  skipped: number;
  failures: Array<{ name: string; error?: string }>;
  skips: Array<{ name: string; reason: string }>;
}

type Scope = {
  DedicatedWorkerGlobalScope?: unknown;
  navigator?: { userAgent?: string };
  addEventListener(type: string, listener: (event: { data: { skip?: Record<string, string> } }) => void): void;
  postMessage(message: unknown): void;
  __anymmapRun?: (skip: Record<string, string>) => Promise<Report>;
};

/** What anymmap itself says when a synchronous file call is made on the main thread. */
const MAIN_THREAD_SYNC = "the main thread has no synchronous file access";
const MAIN_THREAD_SKIP =
  "the main thread has no synchronous file access: the test opens, maps or checks files synchronously (openSync/mmapSync of a path, or fx fixtures)";

/**
 * Main thread: tests that failed only because they need synchronous file
 * access are skips, with the reason; so is the afterAll of a suite whose
 * beforeAll needed it (it finds nothing set up). Everything else stands.
 */
function mainThreadSkips(results: TestResult[]): TestResult[] {
  const needsFiles = (r: TestResult) =>
    r.state === "failed" && ((r.error ?? "").includes(NO_SYNC_FILES) || (r.error ?? "").includes(MAIN_THREAD_SYNC));
  const setupSkipped = results
    .filter((r) => needsFiles(r) && (r.error ?? "").startsWith("beforeAll failed"))
    .map((r) => r.name.slice(0, r.name.lastIndexOf(" > ") + 3));
  return results.map((r) => {
    if (r.state !== "failed") return r;
    const teardown = r.name.endsWith(" > afterAll") && setupSkipped.includes(r.name.slice(0, -"afterAll".length));
    return needsFiles(r) || teardown ? { name: r.name, state: "skipped", ms: 0, error: MAIN_THREAD_SKIP } : r;
  });
}

/** Registers `file` (loaded by `load`) to run when the driver asks. */
export function register(file: string, load: () => Promise<unknown>): void {
  const g = globalThis as unknown as Scope;
  const worker = g.DedicatedWorkerGlobalScope !== undefined;
  const runtime = worker ? "chromium-worker" : "chromium-main";

  const go = async (skip: Record<string, string>): Promise<Report> => {
    const start = performance.now();
    let results: TestResult[];
    try {
      await anymmap.init();
      await setupFixtures();
      await load();
      results = await run({ skip });
    } catch (e) {
      results = [
        {
          name: "(loading the file)",
          state: "failed",
          ms: 0,
          error: e instanceof Error ? (e.stack ?? e.message) : String(e),
        },
      ];
    } finally {
      try {
        teardownFixtures();
      } catch {
        // The fixture directory is in a throwaway profile anyway.
      }
    }
    if (!worker) results = mainThreadSkips(results);
    const count = (state: TestResult["state"]) => results.filter((r) => r.state === state).length;
    const ua = g.navigator?.userAgent ?? "";
    return {
      file,
      runtime,
      version: `${/Chrome\/[\d.]+/.exec(ua)?.[0] ?? "Chromium"} ${anymmap.info().runtime}`,
      backend: anymmap.backend,
      ms: Math.round(performance.now() - start),
      passed: count("passed"),
      failed: count("failed"),
      skipped: count("skipped"),
      failures: results.filter((r) => r.state === "failed").map((r) => ({ name: r.name, error: r.error })),
      skips: results.filter((r) => r.state === "skipped").map((r) => ({ name: r.name, reason: r.error ?? "it.skip" })),
    };
  };

  if (worker) {
    g.addEventListener("message", (event) => {
      void go(event.data.skip ?? {}).then((report) => g.postMessage(report));
    });
    // The driver posts the skip list only after this, so no message is lost while modules load.
    g.postMessage({ ready: true });
  } else {
    g.__anymmapRun = go;
  }
}
