/**
 * The benchmark's smoke check, as CI runs it: `bench/run.mjs --quick` runs
 * every scenario (the many-mappings one with 1k files) and writes the JSON
 * and the chart. No assertion on time: only that each scenario has numbers
 * for anymmap (WASM in Node, Deno and Bun) and for C mmap, that they are
 * right (a wrong checksum turns a row's status into "wrong"), and that each
 * of those rows reports the process's peak RSS.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

interface Row {
  contender: string;
  status: string;
  reason?: string;
  medianNs?: number;
  samplesNs?: number[];
  peakRssBytes?: number;
}

interface BenchJson {
  mode: string;
  machine: { cpu: string; cores: number; memoryBytes: number; node: string; date: string };
  scenarios: Array<{ id: string; rows: Row[] }>;
}

const repo = fileURLToPath(new URL("..", import.meta.url));
const out = join(repo, ".tmp", "bench-smoke");

test("bench --quick measures every scenario for anymmap in Node, Deno and Bun and for C mmap, and writes latest.json and latest.svg", () => {
  rmSync(out, { recursive: true, force: true });
  const r = spawnSync(process.execPath, ["bench/run.mjs", "--quick", "--out", ".tmp/bench-smoke"], {
    cwd: repo,
    encoding: "utf8",
    // The quick run takes about 70 s on 2 cores, 90 s when mmap-io is not
    // cached yet (it was 3-6 minutes before its sparse file went from 1 GiB
    // to 64 MiB, mmap-io's install was cached and whole-file runs lost their
    // warm-up); the bound only stops a hung bench.
    timeout: 480_000,
    maxBuffer: 64 << 20,
  });
  expect(r.status, `bench exited with ${r.status} (${r.signal ?? "no signal"}):\n${r.stderr}`).toBe(0);

  const json = JSON.parse(readFileSync(join(out, "latest.json"), "utf8")) as BenchJson;
  expect(json.mode).toBe("quick");
  expect(json.machine.cores).toBeGreaterThan(0);
  expect(json.machine.node).toBe(process.version);
  expect(json.scenarios.map((s) => s.id)).toEqual([
    "s1-touch",
    "s1-scan",
    "s2-cold",
    "s3-tail",
    "s4-random",
    "s5-msync",
    "s6-onepage",
    "s7-many-1k",
  ]);
  for (const s of json.scenarios) {
    for (const id of ["anymmap-wasm-node", "anymmap-wasm-deno", "anymmap-wasm-bun", "c-mmap"]) {
      const row = s.rows.find((x) => x.contender === id);
      expect(row, `${s.id}: no ${id} row`).toBeDefined();
      expect(row?.status, `${s.id} ${id}: ${row?.reason ?? ""}`).toBe("ok");
      expect(Number.isFinite(row?.medianNs), `${s.id} ${id}: median ${String(row?.medianNs)}`).toBe(true);
      expect(row?.samplesNs?.length ?? 0).toBeGreaterThanOrEqual(3);
      // Cold runs (scenario 2) are whole processes timed from outside: no RSS of their own.
      if (s.id !== "s2-cold" && process.platform === "linux") {
        expect(row?.peakRssBytes, `${s.id} ${id}: peak RSS`).toBeGreaterThan(1 << 20);
      }
    }
  }

  const svg = join(out, "latest.svg");
  expect(existsSync(svg)).toBe(true);
  expect(readFileSync(svg, "utf8")).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
}, 500_000);
