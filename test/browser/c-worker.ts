/**
 * Chromium for the C-program tests: one headless Chromium (launchChromium)
 * and the driver that runs a Session (test/c/session.ts) in
 * dist/run-worker.js, one request per step, carrying the directory (files
 * and directories of each reply) into the next request, as a page would;
 * sessionsInChromium compares such runs with the native build's.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";

import { filtered, md5, runNative, type Session, type StepOutput, transcript } from "../c/session.js";
import { CHROMIUM, chromiumAvailable, launchChromium } from "./chromium.js";
import { startServer } from "./server.js";

/** Why Chromium cannot run, if it cannot. */
export function missingChromium(): string | undefined {
  return chromiumAvailable ? undefined : `Chromium (${CHROMIUM})`;
}

/** A headless Chromium with a throwaway profile (test/browser/chromium.ts's launcher). */
export async function launchCProgramsChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "anymmap-chromium-c-"));
  const context = await launchChromium(profile);
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The page's Worker constructor, typed for page.evaluate bodies (which cannot import). */
export type PageWorker = new (
  url: string,
  options: object,
) => {
  onmessage: (e: { data: unknown }) => void;
  onerror: (e: { message: string }) => void;
  postMessage(m: unknown): void;
  terminate(): void;
};

/** One step as the page runs it (what Step says, with the program as a URL). */
interface PageStep {
  program: string;
  args: string[];
  stdin?: { text: string } | { file: string } | "pipe";
  stdoutTo?: string;
  fileSizeLimit?: number;
  show: string[];
}

/**
 * Runs `session` in dist/run-worker.js on a page of `origin` (test/browser/server.ts),
 * with each program from `programUrl(name)`. Stops after a step whose
 * worker request itself failed (reported as the step's error).
 */
export async function runInWorker(
  context: BrowserContext,
  origin: string,
  session: Session,
  programUrl: (name: string) => string,
): Promise<StepOutput[]> {
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/shell.html`);
    const steps: PageStep[] = session.steps.map((s) => ({
      program: programUrl(s.args[0] as string),
      args: s.args,
      stdin: s.stdin,
      stdoutTo: s.stdoutTo,
      fileSizeLimit: s.fileSizeLimit,
      show: s.show ?? [],
    }));
    const outputs = await page.evaluate(
      async ({ worker, steps, dirs }) => {
        interface Reply {
          results: { stdout: Uint8Array; stderr: Uint8Array; status: number; error?: string }[];
          files: Record<string, Uint8Array>;
          dirs: string[];
          error?: string;
        }
        const W = (globalThis as unknown as { Worker: PageWorker }).Worker;
        const w = new W(worker, { type: "module" });
        const post = (request: object) =>
          new Promise<Reply>((ok, fail) => {
            w.onerror = (e) => fail(new Error(e.message));
            w.onmessage = (e) => ok(e.data as Reply);
            w.postMessage(request);
          });
        const text = (b: Uint8Array) => new TextDecoder().decode(b);
        // Base64 (what evaluate can return), for md5 here: WebCrypto has no MD5.
        const base64 = (b: Uint8Array | undefined) =>
          b === undefined ? null : btoa(Array.from(b, (x) => String.fromCharCode(x)).join(""));
        const programs = new Map<string, Uint8Array>();
        let files: Record<string, Uint8Array> = {};
        let directories = dirs;
        let previous: Uint8Array = new Uint8Array(0);
        const out: { stdout: string; stderr: string; status: number; error?: string; shown: (string | null)[] }[] = [];
        try {
          for (const step of steps) {
            let wasm = programs.get(step.program);
            if (!wasm) {
              const r = await fetch(step.program);
              if (!r.ok) throw new Error(`${step.program}: HTTP ${r.status}`);
              wasm = new Uint8Array(await r.arrayBuffer());
              programs.set(step.program, wasm);
            }
            let stdin: Uint8Array | string | undefined;
            if (step.stdin === "pipe") stdin = previous;
            else if (step.stdin && "file" in step.stdin) stdin = files[step.stdin.file] ?? new Uint8Array(0);
            else if (step.stdin) stdin = step.stdin.text;
            const reply = await post({
              wasm,
              runs: [{ args: step.args, stdin, fileSizeLimit: step.fileSizeLimit }],
              files,
              dirs: directories,
            });
            const r = reply.results[0];
            if (reply.error || !r) {
              out.push({ stdout: "", stderr: "", status: -1, error: reply.error ?? "no result", shown: [] });
              break;
            }
            files = reply.files;
            directories = reply.dirs;
            previous = r.stdout;
            if (step.stdoutTo) files[step.stdoutTo] = r.stdout;
            out.push({
              stdout: step.stdoutTo ? "" : text(r.stdout),
              stderr: text(r.stderr),
              status: r.status,
              ...(r.error ? { error: r.error } : {}),
              shown: step.show.map((f) => base64(files[f])),
            });
          }
        } finally {
          w.terminate();
        }
        return out;
      },
      { worker: "/dist/run-worker.js", steps, dirs: session.dirs ?? [] },
    );
    return outputs.map((o, i) => ({
      ...o,
      stdout: filtered(session.steps[i]!, o.stdout),
      shown: o.shown.map((b) => md5(b === null ? undefined : Buffer.from(b, "base64"))),
    }));
  } finally {
    await page.close();
  }
}

/**
 * A Chromium and a test/browser/server.ts server for a test file, serving
 * dist/ and the `served` build folders, started by the first `compare` and
 * stopped by `close` (call it in afterAll).
 */
export function sessionsInChromium(served: string[]): {
  /**
   * The transcripts of `sessions` run natively from `nativeDir` and in the
   * worker runner with each program from `programUrl(name)` (the same
   * build's WASM twin), with the same normalization.
   */
  compare(
    sessions: Session[],
    nativeDir: string,
    programUrl: (name: string) => string,
    normalize?: (s: string) => string,
  ): Promise<{ native: string; chromium: string }>;
  close(): Promise<void>;
} {
  let started:
    | Promise<{
        browser: Awaited<ReturnType<typeof launchCProgramsChromium>>;
        server: Awaited<ReturnType<typeof startServer>>;
      }>
    | undefined;
  const start = () => {
    started ??= (async () => ({
      server: await startServer({ served: ["dist", ...served] }),
      browser: await launchCProgramsChromium(),
    }))();
    return started;
  };
  return {
    async compare(sessions, nativeDir, programUrl, normalize = (s) => s) {
      const { browser, server } = await start();
      let native = "";
      let chromium = "";
      for (const session of sessions) {
        native += `# ${session.name}\n${normalize(transcript(session, runNative(session, nativeDir)))}`;
        const outputs = await runInWorker(browser.context, server.origin, session, programUrl);
        chromium += `# ${session.name}\n${normalize(transcript(session, outputs))}`;
      }
      return { native, chromium };
    },
    async close() {
      if (!started) return;
      const { browser, server } = await started;
      await browser.close();
      await server.close();
    },
  };
}
