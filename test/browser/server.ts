/**
 * A tiny static server for the browser tests, on 127.0.0.1 only: the built
 * package (/dist/), the test bundles (/.tmp/browser/), the compiled C
 * programs and their fixtures (/.tmp/c-corpus/, /examples/c/), plus a shell
 * page (or the folders of another root: the packed-tarball test serves its
 * scratch project).
 * Everything is served cross-origin isolated (COOP/COEP), which
 * SharedArrayBuffer needs, except under /plain/, which serves the same
 * files without those headers.
 */
import { readFile } from "node:fs/promises";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
const TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".html": "text/html; charset=utf-8",
  ".map": "application/json",
  ".json": "application/json",
};

const SHELL = `<!doctype html>
<meta charset="utf-8">
<title>anymmap browser tests</title>
<script type="module">
  const entry = new URLSearchParams(location.search).get("entry");
  if (entry) import(\`/.tmp/browser/\${entry}.js\`).then(() => { globalThis.__anymmapLoaded = true; }, (e) => { globalThis.__anymmapLoaded = String(e?.stack ?? e); });
  else globalThis.__anymmapLoaded = true;
</script>`;

/** What a server serves: files under `root` in the `served` folders (default: the repo's dist/ and test bundles). */
export interface ServeOptions {
  root?: string;
  served?: string[];
}

/** Bytes of the remote test files: byte i is (i * 31 + 7) & 255 (test/browser/worker-remote-api.ts agrees). */
const REMOTE_SIZE = 1 << 20;
const remoteBytes = Buffer.from(Uint8Array.from({ length: REMOTE_SIZE }, (_, i) => (i * 31 + 7) & 255));
/** Bytes of the last endless.bin body sent before the client stopped reading. */
let endlessBodySent = 0;
/** How much of the last endless.bin body the server wrote (a client that reads it all takes 1 GiB). */
export function endlessBytesSent(): number {
  return endlessBodySent;
}
/** Requests per remote file name, for the flaky and changing ones. */
const remoteRequests = new Map<string, number>();
/** versioned.bin's version: how many times it was opened. */
let versionedOpens = 0;

/**
 * The remote test files under /remote/: range.bin honours Range; norange.bin
 * answers 200 with everything; flaky.bin fails twice with 503 per odd
 * request pair before answering; changing.bin changes its ETag after the
 * first request. Past the first byte (which opening asks for), shifted.bin
 * answers 206 with another range than the one asked for (its Content-Range
 * says so), resized.bin reports another total size (and has no ETag or
 * Last-Modified), hanging.bin never answers, and endless.bin answers a range
 * with a body that does not end. versioned.bin is a new version at each
 * open (each request for the first byte): its bytes XOR the version, its
 * ETag the version. longetag.bin answers with a 9,000-byte ETag;
 * bad416.bin answers 416 for a file it says has 4096 bytes; huge.bin says
 * it has 10^20 bytes; unsized.bin answers 206 with a Content-Range of
 * unknown size ("bytes 0-0/*"), rangeless.bin 206 without a Content-Range.
 */
function remote(
  name: string,
  range: string | undefined,
  headers: Record<string, string>,
  res: import("node:http").ServerResponse,
): void {
  if (
    ![
      "range.bin",
      "norange.bin",
      "flaky.bin",
      "changing.bin",
      "shifted.bin",
      "resized.bin",
      "hanging.bin",
      "endless.bin",
      "versioned.bin",
      "longetag.bin",
      "bad416.bin",
      "huge.bin",
      "unsized.bin",
      "rangeless.bin",
    ].includes(name)
  ) {
    res.writeHead(404, headers);
    res.end("not found");
    return;
  }
  const count = (remoteRequests.get(name) ?? 0) + 1;
  remoteRequests.set(name, count);
  const base = { ...headers, "content-type": "application/octet-stream", "accept-ranges": "bytes" };
  if (name === "flaky.bin" && count % 3 !== 0) {
    res.writeHead(503, base);
    res.end("try again");
    return;
  }
  let etag = name === "changing.bin" && count > 1 ? `"v${count}"` : '"v1"';
  const m = /^bytes=(\d+)-(\d+)$/.exec(range ?? "");
  if (name === "norange.bin" || !m) {
    res.writeHead(200, { ...base, etag, "content-length": String(REMOTE_SIZE) });
    res.end(remoteBytes);
    return;
  }
  const opening = range === "bytes=0-0";
  if (name === "versioned.bin") {
    if (opening) versionedOpens++;
    const start = Number(m[1]);
    const end = Math.min(Number(m[2]), REMOTE_SIZE - 1);
    const body = remoteBytes.subarray(start, end + 1).map((b) => b ^ versionedOpens);
    res.writeHead(206, {
      ...base,
      etag: `"o${versionedOpens}"`,
      "content-range": `bytes ${start}-${end}/${REMOTE_SIZE}`,
    });
    res.end(body);
    return;
  }
  if (name === "longetag.bin") etag = `"${"x".repeat(9000)}"`;
  if (name === "bad416.bin") {
    res.writeHead(416, { ...base, "content-range": "bytes */4096" });
    res.end();
    return;
  }
  if (name === "unsized.bin" || name === "rangeless.bin") {
    res.writeHead(206, { ...base, etag, ...(name === "unsized.bin" ? { "content-range": "bytes 0-0/*" } : {}) });
    res.end(remoteBytes.subarray(0, 1));
    return;
  }
  if (name === "huge.bin") {
    res.writeHead(206, { ...base, etag, "content-range": "bytes 0-0/100000000000000000000" });
    res.end(remoteBytes.subarray(0, 1));
    return;
  }
  // Never answered (the server's close ends the connection).
  if (name === "hanging.bin" && !opening) return;
  if (name === "endless.bin" && !opening) {
    // The right Content-Range, then a body that never ends (up to 1 GiB): a client must stop reading it.
    res.writeHead(206, { ...base, etag, "content-range": `bytes ${m[1]}-${m[2]}/${REMOTE_SIZE}` });
    endlessBodySent = 0;
    const chunk = Buffer.alloc(1 << 16, 0x2a);
    const more = () => {
      while (!res.destroyed && endlessBodySent < 2 ** 30) {
        endlessBodySent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", more);
      }
      res.end();
    };
    more();
    return;
  }
  const shift = name === "shifted.bin" && !opening ? 4096 : 0;
  const start = Math.min(Number(m[1]) + shift, REMOTE_SIZE - 1);
  const end = Math.min(Number(m[2]) + shift, REMOTE_SIZE - 1);
  const total = name === "resized.bin" && !opening ? 2 * REMOTE_SIZE : REMOTE_SIZE;
  const validators = name === "resized.bin" ? {} : { etag };
  res.writeHead(206, { ...base, ...validators, "content-range": `bytes ${start}-${end}/${total}` });
  res.end(remoteBytes.subarray(start, end + 1));
}

/** Starts the server on 127.0.0.1 and a free port; resolves to its origin and a stop function. */
export async function startServer({
  root = ROOT,
  served = ["dist", ".tmp/browser", ".tmp/c-corpus", "examples/c"],
}: ServeOptions = {}): Promise<{
  origin: string;
  close(): Promise<void>;
}> {
  const allowedDirs = served.map((dir) => join(root, dir));
  const server: Server = createServer((req, res) => {
    void (async () => {
      let path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
      const isolated = !path.startsWith("/plain/");
      if (!isolated) path = path.slice("/plain".length);
      const headers: Record<string, string> = { "cache-control": "no-store" };
      if (isolated) {
        headers["cross-origin-opener-policy"] = "same-origin";
        headers["cross-origin-embedder-policy"] = "require-corp";
        headers["cross-origin-resource-policy"] = "same-origin";
      }
      try {
        if (path === "/" || path === "/shell.html") {
          res.writeHead(200, { ...headers, "content-type": TYPES[".html"]! });
          res.end(SHELL);
          return;
        }
        if (path.startsWith("/remote/")) {
          remote(path.slice("/remote/".length), req.headers.range, headers, res);
          return;
        }
        const file = normalize(join(root, path));
        const allowed = allowedDirs.some((dir) => file === dir || file.startsWith(`${dir}/`));
        if (!allowed) throw Object.assign(new Error("not served"), { code: "ENOENT" });
        const body = await readFile(file);
        res.writeHead(200, { ...headers, "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
        res.end(body);
      } catch {
        res.writeHead(404, headers);
        res.end("not found");
      }
    })();
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
