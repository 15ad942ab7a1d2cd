/**
 * Pinned C sources for the tests that build real software (test/real-c.test.ts,
 * test/open-posix.test.ts): downloaded once into .tmp/real-c/, checked by
 * SHA-256, unpacked once; and the hash that keys their builds to anymmap's C.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import { root } from "./corpus.js";

/** Where downloads, unpacked sources and builds are kept (never committed). */
export const work = path.join(root, ".tmp", "real-c");
export const DEBIAN_POOL = "http://deb.debian.org/debian/pool/main";

export interface Source {
  name: string;
  url: string;
  sha256: string;
  /** The directory inside the tarball that holds the sources. */
  dir: string;
}

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Throws with the command's output unless it exited 0. */
export function check(r: ReturnType<typeof spawnSync>, what: string): void {
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}):\n${r.stdout?.toString()}${r.stderr?.toString()}`);
}

/** Downloads (once) and unpacks a pinned tarball; returns its source directory. */
export async function fetchSource(s: Source): Promise<string> {
  const tarball = path.join(work, "downloads", path.basename(s.url));
  if (!fs.existsSync(tarball) || sha256(tarball) !== s.sha256) {
    fs.mkdirSync(path.dirname(tarball), { recursive: true });
    const response = await fetch(s.url);
    if (!response.ok) throw new Error(`downloading ${s.url}: HTTP ${response.status}`);
    fs.writeFileSync(`${tarball}.part`, new Uint8Array(await response.arrayBuffer()));
    const got = sha256(`${tarball}.part`);
    if (got !== s.sha256) throw new Error(`${s.url}: SHA-256 ${got}, expected ${s.sha256}`);
    fs.renameSync(`${tarball}.part`, tarball);
  }
  const unpacked = path.join(work, "src", s.sha256.slice(0, 16));
  if (!fs.existsSync(path.join(unpacked, "complete"))) {
    fs.rmSync(unpacked, { recursive: true, force: true });
    fs.mkdirSync(unpacked, { recursive: true });
    check(spawnSync("tar", ["xzf", tarball, "-C", unpacked]), `unpacking ${tarball}`);
    fs.writeFileSync(path.join(unpacked, "complete"), "");
  }
  return path.join(unpacked, s.dir);
}

/** A hash of everything `anymmap cc` links in, so that a changed core or libc layer rebuilds the programs. */
export function engineHash(): string {
  const h = createHash("sha256");
  for (const d of ["src", "posix", "include"]) {
    const dir = path.join(root, "wasm", d);
    for (const f of fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
      const file = path.join(dir, f);
      if (fs.statSync(file).isFile()) h.update(file.slice(root.length)).update(fs.readFileSync(file));
    }
  }
  h.update(fs.readFileSync(path.join(root, "src", "runtime", "node", "cc.ts")));
  return h.digest("hex").slice(0, 16);
}
