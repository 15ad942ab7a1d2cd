#!/usr/bin/env node
/**
 * Serves the viewer on 127.0.0.1: the page, its worker and the built package
 * (dist/), cross-origin isolated (COOP/COEP, so the worker may block on
 * SharedArrayBuffer to cancel a search). With `--serve FILE` it also serves
 * FILE at /file with HTTP Range requests (206, Accept-Ranges, ETag,
 * Last-Modified), so the viewer can open it by URL.
 *
 *   npm run viewer                         # http://127.0.0.1:8417/
 *   npm run viewer -- --port 0 --serve big.img
 */
import { createReadStream, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, resolve } from "node:path";

const HERE = import.meta.dirname;
const ROOT = resolve(HERE, "../..");
const TYPES = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".map": "application/json",
};

/** Answers a GET or HEAD of `path` honouring a single `Range: bytes=a-b`. */
function sendRange(req, res, path, headers) {
  const st = statSync(path);
  const tag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
  const common = {
    ...headers,
    "accept-ranges": "bytes",
    etag: tag,
    "last-modified": st.mtime.toUTCString(),
    "content-type": "application/octet-stream",
  };
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? "");
  if (!range) {
    res.writeHead(200, { ...common, "content-length": String(st.size) });
    if (req.method === "HEAD") res.end();
    else createReadStream(path).pipe(res);
    return;
  }
  const start = range[1] === "" ? Math.max(0, st.size - Number(range[2])) : Number(range[1]);
  const end = range[1] === "" || range[2] === "" ? st.size - 1 : Math.min(Number(range[2]), st.size - 1);
  if (start > end || start >= st.size) {
    res.writeHead(416, { ...common, "content-range": `bytes */${st.size}` });
    res.end();
    return;
  }
  res.writeHead(206, {
    ...common,
    "content-range": `bytes ${start}-${end}/${st.size}`,
    "content-length": String(end - start + 1),
  });
  if (req.method === "HEAD") res.end();
  else createReadStream(path, { start, end }).pipe(res);
}

/**
 * Starts the server; resolves to its origin and a close function.
 * `serve` is a file to offer at /file (by Range), or undefined.
 */
export async function startViewer({ port = 8417, serve } = {}) {
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
      const headers = {
        "cache-control": "no-store",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-embedder-policy": "require-corp",
        "cross-origin-resource-policy": "same-origin",
      };
      try {
        if (path === "/file" && serve) return sendRange(req, res, serve, headers);
        let file;
        if (path === "/") file = join(HERE, "index.html");
        else if (path.startsWith("/dist/")) file = normalize(join(ROOT, path));
        else file = normalize(join(HERE, path));
        const allowed =
          file === join(HERE, "index.html") || [join(ROOT, "dist"), HERE].some((d) => file.startsWith(d + "/"));
        if (!allowed || file.endsWith("serve.mjs")) throw new Error("not served");
        const body = await readFile(file);
        res.writeHead(200, { ...headers, "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
        res.end(body);
      } catch {
        res.writeHead(404, headers);
        res.end("not found");
      }
    })();
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", ok);
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const serve = opt("serve") ? resolve(opt("serve")) : undefined;
  const { origin } = await startViewer({ port: Number(opt("port") ?? 8417), serve });
  console.log(`anymmap viewer: ${origin}/`);
  if (serve) console.log(`serving ${serve} at ${origin}/file (open it in the viewer by URL)`);
}
