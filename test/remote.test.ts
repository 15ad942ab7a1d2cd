/**
 * http(s) URLs as read-only sources in Node, Deno and Bun: each runtime maps
 * the test server's /remote/ files in a process of its own (the mapping
 * blocks its thread in Atomics.wait while the helper thread fetches, so the
 * server cannot live in the same thread).
 */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { endlessBytesSent, startServer } from "./browser/server.js";

const ROOT = resolve(import.meta.dirname, "..");
const CLIENT = join(ROOT, "test/fixtures/remote-client.mjs");
const RUNTIMES: Array<[string, string, (entry: string, origin: string) => string[]]> = [
  ["node", process.execPath, (entry, origin) => [CLIENT, entry, origin]],
  [
    "deno",
    join(ROOT, "node_modules/.bin/deno"),
    (entry, origin) => ["run", `--allow-read=${ROOT}`, "--allow-net=127.0.0.1", CLIENT, entry, origin],
  ],
  ["bun", join(ROOT, "node_modules/.bin/bun"), (entry, origin) => [CLIENT, entry, origin]],
];

/** Runs a child without blocking this thread, which serves its requests. */
function run(
  command: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], ...(env ? { env } : {}) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe("a URL as a read-only source", () => {
  for (const [runtime, command, args] of RUNTIMES) {
    it(`${runtime}: ranges on demand, a windowed find, and the refusals`, async () => {
      const entry = join(ROOT, "dist", `${runtime}.js`);
      const r = await run(command, args(entry, server.origin));
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
      expect(out.length).toBe(1 << 20);
      expect(out.tail).toBe(true);
      expect(out.middle).toBe(true);
      expect(out.readBytes).toBeGreaterThan(0);
      expect(out.readBytes).toBeLessThan(1 << 20);
      expect(out.find).toBe(3 * 64 * 1024 - 2);
      expect(out.writable).toMatch(/^EACCES/);
      expect(out.norange).toMatch(/^ENOTSUP: the server ignores HTTP Range requests/);
      expect(out.missing).toMatch(/^ENOENT/);
      expect(out.flaky).toBe(true);
      expect(out.changing).toMatch(/^ESTALE: the remote file changed/);
      expect(out.shifted).toMatch(/^EIO: /);
      expect(out.resized).toMatch(/^ESTALE: /);
      expect(out.hanging).toMatch(/^ETIMEDOUT: /);
      expect(out.hangingWindowed).toMatch(/^ETIMEDOUT: /);
      // A body longer than the range asked for is EIO once one byte too many arrived, not after reading it all.
      expect(out.endless).toMatch(/^EIO: /);
      expect(endlessBytesSent()).toBeLessThan(64 << 20);
      expect(out.abortedAtOpen).toMatch(/^ECANCELED: /);
      expect(out.beforeAbort).toBe(true);
      expect(out.afterAbort).toMatch(/^ECANCELED: /);
      expect(out.versions[1]).toBe(out.versions[0] + 1);
      expect(out.olderUnread).toMatch(/^ESTALE: /);
      expect(out.longHeaders).toMatch(/^EIO: the server's Content-Range, ETag and Last-Modified headers are too long/);
      expect(out.bad416).toMatch(
        /^EIO: the server answered 416 \(range not satisfiable\) to a request for byte 0 of a file it says has 4096 bytes/,
      );
      // A 206 whose Content-Range gives no size is the server's fault; one without the header is what CORS hides.
      expect(out.unsized).toMatch(
        /^EIO: the server answered 206 with Content-Range "bytes 0-0\/\*", which gives no file size/,
      );
      expect(out.rangeless).toMatch(
        /^EIO: the server answered 206 without a Content-Range header .*Access-Control-Expose-Headers/,
      );
      expect(out.huge).toMatch(/^EFBIG: the server says the file has 100000000000000000000 bytes/);
      expect(out.refused).toMatch(/^EIO: the server could not be reached \(.*(ECONNREFUSED|refused)/i);
      expect(out.badTimeout).toMatch(/^EINVAL: timeout/);
      expect(out.badSignal).toMatch(/^EINVAL: signal/);
      expect(out.badUrls).toEqual(Array(3).fill(expect.stringMatching(/^EINVAL: this is not a valid URL/)));
    }, 150_000);
  }
});

describe("a URL without network access", () => {
  it("deno: without --allow-net, EACCES that names the flag, at once", async () => {
    const r = await run(join(ROOT, "node_modules/.bin/deno"), [
      "run",
      `--allow-read=${ROOT}`,
      join(ROOT, "test/fixtures/remote-no-net.mjs"),
      join(ROOT, "dist/deno.js"),
      `${server.origin}/remote/range.bin`,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^EACCES: the runtime denied network access; grant it \(Deno: --allow-net/);
  });
});

describe("a URL under the default backend (native where it is available)", () => {
  const DEFAULT_CLIENT = join(ROOT, "test/fixtures/remote-default-backend.mjs");
  const runners: Array<[string, string, (entry: string, origin: string) => string[]]> = [
    ["node", process.execPath, (entry, origin) => [DEFAULT_CLIENT, entry, origin]],
    // --allow-ffi: the native backend is Deno's default then.
    [
      "deno",
      join(ROOT, "node_modules/.bin/deno"),
      (entry, origin) => [
        "run",
        `--allow-read=${ROOT}`,
        "--allow-net=127.0.0.1",
        "--allow-ffi",
        DEFAULT_CLIENT,
        entry,
        origin,
      ],
    ],
    ["bun", join(ROOT, "node_modules/.bin/bun"), (entry, origin) => [DEFAULT_CLIENT, entry, origin]],
  ];
  for (const [runtime, command, args] of runners) {
    it(`${runtime}: mmapSync, mmapWindowedSync and openSync of a URL are read by the WASM engine; backend "native" is ENOTSUP`, async () => {
      const entry = join(ROOT, "dist", `${runtime}.js`);
      const env = { ...process.env };
      delete env.ANYMMAP_BACKEND;
      const r = await run(command, args(entry, server.origin), env);
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
      // The point of the test: the default is the kernel's mmap, which cannot read a URL.
      expect(out.backend).toBe("native");
      expect(out.mmapSync).toBe(true);
      expect(out.mmapWindowedSync).toBe(true);
      expect(out.openSync).toBe(true);
      expect(out.explicitNative).toMatch(/^ENOTSUP: the native backend .* cannot read a URL/);
      expect(out.explicitNativeWindowed).toMatch(/^ENOTSUP: /);
      expect(out.explicitNativeOpen).toMatch(/^ENOTSUP: /);
    }, 150_000);
  }
});
