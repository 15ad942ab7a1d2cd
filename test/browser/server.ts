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

/** Starts the server on 127.0.0.1 and a free port; resolves to its origin and a stop function. */
export async function startServer({ root = ROOT, served = ["dist", ".tmp/browser", ".tmp/c-corpus", "examples/c"] }: ServeOptions = {}): Promise<{
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
