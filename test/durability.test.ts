/**
 * Durability: a child process maps a file with the built package, writes a
 * random pattern (write(), write views and the raw `bytes` view), calls
 * msync("sync"), writes more without syncing, prints "synced N" and waits;
 * the parent kills it with SIGKILL as soon as it reads that line, then checks
 * that every synced byte is in the file, that bytes nobody wrote are intact,
 * and that the unsynced bytes are each either old or new (Linux may or may
 * not have written them back; they must never be anything else).
 *
 * CI: 20 rounds from a fixed seed. ANYMMAP_DURABILITY_ROUNDS=100 for more;
 * ANYMMAP_SOAK=1 (npm run test:soak) runs 100 from a random seed. The seed
 * is printed; ANYMMAP_SEED repeats a run. Needs `npm run build`.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pattern } from "./harness/helpers.js";

const PAGE = 4096;
const repo = fileURLToPath(new URL("..", import.meta.url));
const child = fileURLToPath(new URL("./fixtures/durability-child.mjs", import.meta.url));
const SOAK = process.env.ANYMMAP_SOAK === "1";
const ROUNDS = Number(process.env.ANYMMAP_DURABILITY_ROUNDS ?? (SOAK ? 100 : 20));
// CI repeats the same rounds; the soak explores.
const SEED = process.env.ANYMMAP_SEED
  ? Number(process.env.ANYMMAP_SEED)
  : SOAK
    ? Math.floor(Math.random() * 2 ** 31)
    : 0xd0ab1e;

const root = fs.mkdtempSync(path.join(os.tmpdir(), "anymmap-durability-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

beforeAll(() => {
  if (!fs.existsSync(path.join(repo, "dist", "node.js")) || !fs.existsSync(path.join(repo, "dist", "anymmap.wasm"))) {
    throw new Error("dist/ is not built: run `npm run build` before these tests");
  }
  console.log(`durability: ${ROUNDS} rounds, seed ${SEED} (ANYMMAP_SEED=${SEED} repeats them)`);
});

/** A small deterministic PRNG (mulberry32) for the rounds' parameters. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n) >>> 0;
  };
}

type Write = [offset: number, length: number, seed: number, how: "write" | "view" | "bytes"];

interface Round {
  size: number;
  base: Uint8Array;
  synced: Write[];
  unsynced: Write[];
}

/** File size, base contents, and writes: synced ones anywhere, unsynced ones on bytes no synced write touches. */
function plan(round: number): Round {
  const r = rng(SEED + round * 7919);
  const pages = 1 + r(64);
  const size = Math.max(1, pages * PAGE - (r(2) ? r(PAGE) : 0));
  const base = pattern(size, SEED + round);
  const hows = ["write", "view", "bytes"] as const;
  const synced: Write[] = [];
  const covered = new Uint8Array(size);
  const n = 1 + r(12);
  for (let i = 0; i < n; i++) {
    const offset = r(size);
    const length = 1 + r(Math.min(size - offset, 3 * PAGE));
    synced.push([offset, length, SEED + round * 1000 + i, hows[r(3)]!]);
    covered.fill(1, offset, offset + length);
  }
  const unsynced: Write[] = [];
  for (let i = 0; i < 4; i++) {
    const offset = r(size);
    let end = offset;
    while (end < size && end - offset < 2 * PAGE && !covered[end]) end++;
    if (end > offset) unsynced.push([offset, end - offset, SEED + round * 1000 + 500 + i, hows[r(3)]!]);
  }
  return { size, base, synced, unsynced };
}

/** Runs the child until it says "synced N", then SIGKILLs it; resolves once it is gone. */
function runChild(job: object, round: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, JSON.stringify(job)], {
      cwd: repo,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    let killed = false;
    proc.stdout.setEncoding("utf8");
    proc.stderr.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => {
      out += chunk;
      if (!killed && out.split("\n").includes(`synced ${round}`)) {
        killed = true;
        proc.kill("SIGKILL");
      }
    });
    proc.stderr.on("data", (chunk: string) => (err += chunk));
    proc.on("error", reject);
    proc.on("close", (code, signal) => {
      if (killed && signal === "SIGKILL") resolve();
      else reject(new Error(`child exited (code ${code}, signal ${signal}) before "synced ${round}":\n${out}\n${err}`));
    });
  });
}

describe(`msync("sync")ed bytes survive SIGKILL right after msync returns`, () => {
  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round}`, async () => {
      const { size, base, synced, unsynced } = plan(round);
      const file = path.join(root, `round-${round}.bin`);
      fs.writeFileSync(file, base);
      await runChild({ path: file, round, synced, unsynced }, round);

      const disk = new Uint8Array(fs.readFileSync(file));
      expect(disk.length, "file size").toBe(size);
      const expected = base.slice();
      for (const [offset, length, seed] of synced) expected.set(pattern(length, seed), offset);
      const maybe = expected.slice();
      const open = new Uint8Array(size);
      for (const [offset, length, seed] of unsynced) {
        maybe.set(pattern(length, seed), offset);
        open.fill(1, offset, offset + length);
      }
      let bad = -1;
      for (let i = 0; i < size && bad < 0; i++) {
        if (disk[i] !== expected[i] && !(open[i] && disk[i] === maybe[i])) bad = i;
      }
      if (bad >= 0) {
        const from = Math.max(0, bad - 4);
        expect.fail(
          `byte ${bad} of ${size} is ${disk[bad]}, expected ${expected[bad]}${open[bad] ? ` or ${maybe[bad]}` : ""}; ` +
            `around it: disk [${Array.from(disk.subarray(from, bad + 8))}] expected [${Array.from(expected.subarray(from, bad + 8))}]`,
        );
      }
    });
  }
});
