// scripts/check-boundaries.mjs on small trees: it fails on each import the
// architecture forbids (docs/architecture.md) and passes the allowed ones.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const script = join(import.meta.dirname, "..", "scripts", "check-boundaries.mjs");
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Runs the check on a tree of `files` (path under the root -> source). */
function check(files: Record<string, string>): { status: number | null; output: string } {
  const root = mkdtempSync(join(tmpdir(), "anymmap-boundaries-"));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const r = spawnSync(process.execPath, [script, root], { encoding: "utf8" });
  return { status: r.status, output: r.stdout + r.stderr };
}

const allowed = {
  "src/abi/errno.ts": "export const E = 1;\n",
  "src/wasi/host.ts": 'import { E } from "../abi/errno.js";\nexport const H = E;\n',
  "src/core/engine.ts":
    'import { H } from "../wasi/host.js";\nimport { E } from "../abi/errno.js";\nexport const C = H + E;\n',
  "src/runtime/node-fs/file.ts": 'import { readFileSync } from "node:fs";\nexport const F = readFileSync;\n',
  "src/runtime/bun/index.ts":
    'import { F } from "../node-fs/file.js";\nimport { C } from "../../core/engine.js";\nexport { F, C };\n',
  "src/runtime/browser/index.ts": 'import { C } from "../../core/engine.js";\nexport { C };\n',
};

describe("check-boundaries", () => {
  it("passes a tree whose imports point one way", () => {
    const r = check(allowed);
    expect(r.output).toContain("check-boundaries: OK");
    expect(r.status).toBe(0);
  });

  // One run for every forbidden import (each run loads TypeScript: seconds).
  it("fails on each import the layers forbid, naming it", () => {
    const forbidden: [path: string, text: string, message: RegExp][] = [
      [
        "src/wasi/bad.ts",
        'import { C } from "../core/engine.js";\nexport { C };\n',
        /src\/wasi\/bad.ts:1: src\/wasi imports "..\/core\/engine.js" from src\/core\//,
      ],
      [
        "src/abi/bad.ts",
        'import type { H } from "../wasi/host.js";\nexport type X = typeof H;\n',
        /src\/abi\/bad.ts:1: src\/abi imports "..\/wasi\/host.js" from src\/wasi\//,
      ],
      [
        "src/core/bad.ts",
        'export { F } from "../runtime/node-fs/file.js";\n',
        /src\/core\/bad.ts:1: imports "..\/runtime\/node-fs\/file.js" from src\/runtime\//,
      ],
      [
        "src/runtime/browser/bad.ts",
        'import { F } from "../node-fs/file.js";\nexport { F };\n',
        /src\/runtime\/browser\/bad.ts:1: runtime "browser" has no node:fs but imports/,
      ],
      [
        "src/runtime/bun/bad.ts",
        'export * from "../browser/index.js";\n',
        /src\/runtime\/bun\/bad.ts:1: runtime "bun" imports "..\/browser\/index.js" from runtime "browser"/,
      ],
      ["src/core/global.ts", "export const env = process.env;\n", /src\/core\/global.ts:1: uses `process`/],
      [
        "src/wasi/builtin.ts",
        'import { readFileSync } from "node:fs";\nexport { readFileSync };\n',
        /src\/wasi\/builtin.ts:1: imports Node builtin "node:fs"/,
      ],
    ];
    const r = check({ ...allowed, ...Object.fromEntries(forbidden.map(([path, text]) => [path, text])) });
    for (const [, , message] of forbidden) expect(r.output).toMatch(message);
    expect(r.output).toContain(`check-boundaries: ${forbidden.length} violation(s)`);
    expect(r.status).toBe(1);
  });
});
