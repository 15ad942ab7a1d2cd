// `npm pack` / `npm publish` run this first (the `prepack` script): it builds
// everything the package ships from the sources, so that a clean clone packs
// a working package: dist/ (bundles, declarations, the committed .wasm
// copied beside them) and prebuilds/ (the native backend for every
// published platform, native/build.mjs --all; CI has the cross compiler).
//
// No source maps in the package: dist/ is not minified, so stack traces read
// as they are, while the maps were more than half the unpacked size and point
// into src/, which is not shipped. `npm run build` still writes them for
// development.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function step(what, command, args, env = {}) {
  console.log(`prepack: ${what}`);
  const r = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`prepack: ${what} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
    process.exit(1);
  }
}

// Nothing stale from an earlier build or another platform's binaries may slip in.
rmSync(join(root, "dist"), { recursive: true, force: true });
rmSync(join(root, "prebuilds"), { recursive: true, force: true });
step(
  "bundles and declarations",
  process.execPath,
  [join(root, "node_modules", "rollup", "dist", "bin", "rollup"), "-c"],
  { ANYMMAP_SOURCEMAP: "0" },
);
step("the WASM engine", process.execPath, [join(root, "scripts", "copy-wasm.mjs")]);
step("the native backend for every published platform", process.execPath, [join(root, "native", "build.mjs"), "--all"]);
