/**
 * The package as `npm pack` makes it from a clean clone: the files git
 * tracks (or would track) are copied to a scratch folder without dist/,
 * prebuilds/ or anything ignored, node_modules is linked in (never
 * installed), and `npm pack` runs there, so its `prepack` has to build
 * everything the tarball ships. One tarball per content of the sources,
 * shared by the test files that install it (a lock: vitest runs files in
 * parallel processes).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { name: string; version: string };

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Packs once per source content; returns the tarball's path. Takes a minute or two the first time (the whole build). */
export function packedTarball(): string {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
  });
  if (listed.status !== 0) throw new Error(`git ls-files: ${listed.stderr}`);
  const files = listed.stdout
    .split("\0")
    // Tests and docs are neither packed nor needed to build: editing one does not repack.
    .filter(
      (f) =>
        f !== "" &&
        !f.startsWith("test/") &&
        !f.startsWith("docs/") &&
        fs.existsSync(path.join(root, f)) &&
        fs.statSync(path.join(root, f)).isFile(),
    )
    .sort();
  const hash = createHash("sha256");
  for (const f of files)
    hash
      .update(f)
      .update("\0")
      .update(fs.readFileSync(path.join(root, f)))
      .update("\0");
  const dir = path.join(root, ".tmp", "packed", hash.digest("hex").slice(0, 16));
  const tarball = path.join(dir, `${pkg.name}-${pkg.version}.tgz`);
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    if (fs.existsSync(tarball)) return tarball;
    try {
      fs.mkdirSync(path.dirname(lock), { recursive: true });
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (Date.now() > deadline) throw new Error(`${lock} held for 10 minutes: remove it if no test run is packing`);
      sleep(500);
    }
  }
  const clone = `${dir}.src`;
  try {
    if (fs.existsSync(tarball)) return tarball;
    fs.rmSync(clone, { recursive: true, force: true });
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(clone, f)), { recursive: true });
      fs.copyFileSync(path.join(root, f), path.join(clone, f));
    }
    fs.symlinkSync(path.join(root, "node_modules"), path.join(clone, "node_modules"));
    const staging = `${dir}.out`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    const r = spawnSync("npm", ["pack", "--pack-destination", staging], {
      cwd: clone,
      encoding: "utf8",
      maxBuffer: 64 << 20,
      timeout: 9 * 60_000,
    });
    if (r.status !== 0)
      throw new Error(`npm pack in a clean copy failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
    // Tarballs of older sources are of no more use.
    for (const other of fs.readdirSync(path.dirname(dir))) {
      if (/^[0-9a-f]{16}$/.test(other) && other !== path.basename(dir))
        fs.rmSync(path.join(path.dirname(dir), other), { recursive: true, force: true });
    }
    return tarball;
  } finally {
    fs.rmSync(clone, { recursive: true, force: true });
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** The tarball's entries, without the leading "package/". */
export function tarEntries(tarball: string): string[] {
  const r = spawnSync("tar", ["tzf", tarball], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`tar tzf ${tarball}: ${r.stderr}`);
  return r.stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.replace(/^package\//, ""));
}
