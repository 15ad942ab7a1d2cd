/**
 * fcntl and flock locks between processes: a program under `anymmap run`
 * (Node, Bun, and Deno with --allow-ffi) sees another process's locks on a
 * host file, and that process sees its locks, exactly as two native
 * processes do (test/c-host/locks_across.c, built with gcc and with
 * `anymmap cc`). The native pair is the oracle.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";

import { build, missingTool, type Program, root } from "./c/corpus.js";

const missing = missingTool();
if (missing && process.env.CI) throw new Error(`the lock test needs ${missing}`);

const deno = path.join(root, "node_modules", ".bin", "deno");
const bun = path.join(root, "node_modules", ".bin", "bun");

type Runner = "native" | "node" | "deno" | "bun" | "deno without --allow-ffi";

let program: Program | undefined;
const dirs: string[] = [];

function command(runner: Runner, dir: string, args: string[]): [string, string[]] {
  const p = program!;
  const run = ["--dir", `${dir}:.`, p.wasm, ...args];
  switch (runner) {
    case "native":
      return [p.native, args];
    case "node":
      return [process.execPath, [path.join(root, "bin", "anymmap.js"), "run", ...run]];
    case "bun":
      return [bun, [path.join(root, "dist", "run-bun.js"), ...run]];
    case "deno":
    case "deno without --allow-ffi":
      return [
        deno,
        [
          "run",
          `--allow-read=${root},${dir}`,
          `--allow-write=${dir}`,
          ...(runner === "deno" ? ["--allow-ffi"] : []),
          path.join(root, "dist", "run-deno.js"),
          ...run,
        ],
      ];
  }
}

/**
 * A running process; `done` settles with its exit status once its output
 * is all read ("close": "exit" can come before the last of stdout).
 */
function start(
  runner: Runner,
  dir: string,
  args: string[],
): { child: ChildProcess; out: () => string; done: Promise<number | string | null> } {
  const [cmd, argv] = command(runner, dir, args);
  const child = spawn(cmd, argv, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += `[stderr] ${d.toString()}`));
  const done = new Promise<number | string | null>((r) => child.once("close", (code, signal) => r(code ?? signal)));
  return { child, out: () => out, done };
}

function runSync(runner: Runner, dir: string, args: string[]): string {
  const [cmd, argv] = command(runner, dir, args);
  const r = spawnSync(cmd, argv, { cwd: dir, encoding: "utf8", timeout: 120_000 });
  return `${r.stdout}${r.stderr ? `[stderr] ${r.stderr}` : ""}[exit ${r.status ?? r.signal}]\n`;
}

async function until(what: () => boolean, child: ChildProcess, label: string): Promise<void> {
  while (!what()) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${label} ended early`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * `holder` takes its locks on a fresh file and waits; `probe` and a blocked
 * `waiter` (F_SETLKW) run meanwhile; then the holder is released. Returns
 * what each printed: the probe's answers, whether the waiter was still
 * waiting while the holder held, and the waiter's answers once it had gone.
 */
async function scenario(holder: Runner, probe: Runner) {
  return whileHeld(holder, async (dir, held) => {
    const waiter = start(probe, dir, ["wait", "shared.db"]);
    const probed = runSync(probe, dir, ["probe", "shared.db"]);
    const waitingWhileHeld = waiter.out() === "" && waiter.child.exitCode === null;
    fs.writeFileSync(path.join(dir, "shared.db.release"), "");
    const holderStatus = await held.done;
    const waiterStatus = await waiter.done;
    return {
      holder: `${held.out()}[exit ${holderStatus}]\n`,
      probed,
      waitingWhileHeld,
      waited: `${waiter.out()}[exit ${waiterStatus}]\n`,
    };
  });
}

/** Runs `use` in a fresh directory while `holder` holds its locks on shared.db there; releases it after. */
async function whileHeld<T>(
  holder: Runner,
  use: (dir: string, held: ReturnType<typeof start>) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anymmap-locks-"));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, "shared.db"), Buffer.alloc(4096, 1));
  const held = start(holder, dir, ["hold", "shared.db"]);
  try {
    await until(() => held.out().includes("held\n"), held.child, `${holder} holder`);
    return await use(dir, held);
  } finally {
    fs.writeFileSync(path.join(dir, "shared.db.release"), "");
    held.child.kill();
  }
}

const PAIRS: [Runner, Runner][] = [
  ["native", "node"],
  ["native", "deno"],
  ["native", "bun"],
  ["node", "native"],
  ["deno", "native"],
  ["bun", "native"],
  ["node", "bun"],
  ["bun", "deno"],
];

describe.skipIf(missing !== undefined)("locks between processes", () => {
  let oracle: Awaited<ReturnType<typeof scenario>>;

  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  test("two native processes (the oracle)", { timeout: 300_000 }, async () => {
    program = build(path.join(root, "test", "c-host", "locks_across.c"));
    oracle = await scenario("native", "native");
    expect(oracle.holder).toBe("hold: record ok, flock ok\nheld\n[exit 0]\n");
    expect(oracle.probed).toBe(
      [
        "write [50, +10): EAGAIN",
        "read [0, +1): EAGAIN",
        "write [100, +50): ok",
        "write to EOF from 99: EAGAIN",
        "F_GETLK read [90, +20): write lock [0, +100), l_pid set",
        "F_GETLK write [200, +10): none",
        "flock shared: EAGAIN",
        "unlock [100, +50): ok",
        "[exit 0]\n",
      ].join("\n"),
    );
    expect(oracle.waitingWhileHeld).toBe(true);
    expect(oracle.waited).toBe("wait: ok\nF_GETLK write [0, +0): none\n[exit 0]\n");
  });

  for (const [holder, probe] of PAIRS) {
    test(`${holder} holds, ${probe} probes and waits: as two native processes`, { timeout: 300_000 }, async () => {
      expect(oracle, "the native run failed").toBeDefined();
      const r = await scenario(holder, probe);
      expect(r.holder).toBe(oracle.holder);
      expect(r.probed).toBe(oracle.probed);
      expect(r.waitingWhileHeld).toBe(true);
      expect(r.waited).toBe(oracle.waited);
    });
  }

  test("Deno without --allow-ffi: the program's locks are process-local (documented)", {
    timeout: 300_000,
  }, async () => {
    expect(oracle, "the native run failed").toBeDefined();
    const probed = await whileHeld("native", async (dir) =>
      runSync("deno without --allow-ffi", dir, ["probe", "shared.db"]),
    );
    expect(probed).toContain("write [50, +10): ok\n");
    expect(probed).toContain("F_GETLK read [90, +20): none\n");
  });
});
