/**
 * Bundles what Chromium runs: one entry per spec file (and per browser API
 * test file), each a tiny module that registers the file with the browser
 * runner. Spec files are bundled unchanged; their "../harness/index.js"
 * (and the model's, test/model/) is the browser harness, the node:* imports of the portable runner are
 * stubs, and dist/browser.js stays an import of the built package, served
 * as /dist/browser.js.
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { build, type Plugin } from "rolldown";

const ROOT = resolve(import.meta.dirname, "../..");
const STUBS = join(ROOT, "test/harness/browser-node-stubs.ts");
const ENTRY = "\0anymmap-entry:";

/** Spec files, by file name. */
export function specFiles(): string[] {
  return readdirSync(join(ROOT, "test/spec"))
    .filter((f) => f.endsWith(".spec.ts"))
    .sort();
}

/** Browser-only test files (test/browser/*-api.ts; quota-* ones need a lowered quota), by file name. */
export function apiFiles(): string[] {
  return readdirSync(join(ROOT, "test/browser"))
    .filter((f) => f.endsWith("-api.ts"))
    .sort();
}

/** Output name of a test file's entry: spec-mmap, api-worker... */
export function entryName(file: string): string {
  return file.endsWith(".spec.ts") ? `spec-${file.replace(/\.spec\.ts$/, "")}` : `api-${file.replace(/-api\.ts$/, "")}`;
}

const plugin: Plugin = {
  name: "anymmap-browser-tests",
  resolveId(source, importer) {
    if (source.startsWith(ENTRY)) return source;
    if (source.endsWith("/dist/browser.js")) return { id: "/dist/browser.js", external: true };
    if (source === "node:fs" || source === "node:os" || source === "node:path") return STUBS;
    const portable = [join("test", "spec"), join("test", "model")];
    if (source === "../harness/index.js" && portable.some((dir) => importer?.includes(dir))) {
      return join(ROOT, "test/harness/browser.ts");
    }
    return null;
  },
  // package.json says "sideEffects": false for the published dist/, and the
  // resolver applies it to every file of the repository; test files are
  // nothing but side effects (describe/it calls at the top level).
  async transform(_code, id) {
    return id.startsWith(join(ROOT, "test")) ? { moduleSideEffects: true } : null;
  },
  load(id) {
    if (!id.startsWith(ENTRY)) return null;
    const file = id.slice(ENTRY.length);
    const dir = file.endsWith(".spec.ts") ? "test/spec" : "test/browser";
    return [
      `import { register } from ${JSON.stringify(join(ROOT, "test/browser/runner.ts"))};`,
      `register(${JSON.stringify(file)}, () => import(${JSON.stringify(join(ROOT, dir, file))}));`,
    ].join("\n");
  },
};

/** Builds every entry into `outDir` (served as /.tmp/browser/). */
export async function buildBrowserTests(outDir = join(ROOT, ".tmp/browser")): Promise<void> {
  const input: Record<string, string> = {};
  for (const f of [...specFiles(), ...apiFiles()]) input[entryName(f)] = `${ENTRY}${f}`;
  await build({
    input,
    cwd: ROOT,
    platform: "browser",
    plugins: [plugin],
    resolve: { extensionAlias: { ".js": [".ts", ".js"] } },
    logLevel: "warn",
    output: {
      dir: outDir,
      format: "esm",
      entryFileNames: "[name].js",
      chunkFileNames: "chunks/[name]-[hash].js",
      sourcemap: false,
      cleanDir: true,
    },
  });
}
