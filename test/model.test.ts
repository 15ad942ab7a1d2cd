/**
 * Model-based property test (test/model/model.ts): random sequences of map,
 * write, read, msync, munmap, mprotect, mremap, madvise, truncate, pwrite,
 * pread and close over 2-3 files and anonymous memory, each in a fresh
 * createInstance(), checked against a model of Linux semantics.
 *
 * CI: a fixed seed, 200 runs of up to 30 operations. `npm run test:soak`
 * (ANYMMAP_SOAK=1) runs batches of 50 runs of up to 200 operations until at
 * least ANYMMAP_SOAK_OPS (default 100000) operations were executed, from a
 * random seed unless ANYMMAP_SEED is set; every other batch runs all its
 * scenarios in one long-lived instance. The seed and the count are printed,
 * and a failure prints the shrunk scenario as JSON for
 * model-regressions.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";

import { createInstance, type Anymmap } from "../dist/node.js";
import { scenarioArb } from "./model/arbitraries.js";
import { runScenario, type Scenario } from "./model/model.js";

const SOAK = process.env.ANYMMAP_SOAK === "1";
const CI_SEED = 0x5eed2025;
const seed = process.env.ANYMMAP_SEED ? Number(process.env.ANYMMAP_SEED) : SOAK ? Math.floor(Math.random() * 2 ** 31) : CI_SEED;
const root = fs.mkdtempSync(path.join(os.tmpdir(), "anymmap-model-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface Totals {
  ops: number;
  runs: number;
  errors: number;
  checkedBytes: number;
  kinds: Record<string, number>;
}

/**
 * One property check; returns the shrunk counterexample or null. With
 * `space`, every run (shrinking ones too) uses that one instance.
 */
function check(
  numRuns: number,
  maxOps: number,
  batchSeed: number,
  totals: Totals,
  space?: Anymmap,
): { scenario: Scenario; error: string } | null {
  let counted = true;
  const result = fc.check(
    fc.property(scenarioArb(maxOps), (scenario) => {
      const dir = fs.mkdtempSync(path.join(root, "run-"));
      try {
        const stats = runScenario(scenario, dir, space ? { space } : {});
        if (counted) {
          totals.ops += stats.ops;
          totals.runs++;
          totals.errors += stats.errors;
          totals.checkedBytes += stats.checkedBytes;
          for (const [k, v] of Object.entries(stats.kinds)) totals.kinds[k] = (totals.kinds[k] ?? 0) + v;
        }
      } catch (e) {
        counted = false; // shrinking runs are not counted
        throw e;
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }),
    { seed: batchSeed, numRuns },
  );
  if (!result.failed) return null;
  const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  return { scenario: result.counterexample![0], error };
}

function report(label: string, totals: Totals): void {
  const kinds = Object.entries(totals.kinds)
    .sort()
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  console.log(
    `${label}: seed ${seed}, ${totals.ops} operations executed in ${totals.runs} runs ` +
      `(${totals.errors} expected errors, ${totals.checkedBytes} bytes checked)\n  ${kinds}`,
  );
}

describe("anymmap agrees with the model of Linux semantics", () => {
  // Only one of the two tests is registered, so that neither shows up as skipped.
  if (!SOAK) it(`200 runs of up to 30 operations (seed ${seed})`, () => {
    const totals: Totals = { ops: 0, runs: 0, errors: 0, checkedBytes: 0, kinds: {} };
    const failure = check(200, 30, seed, totals);
    report("model", totals);
    if (failure) {
      console.log(`shrunk counterexample:\n${JSON.stringify(failure.scenario)}`);
      expect.fail(failure.error);
    }
    // The generator must keep reaching the interesting cases.
    expect(totals.ops).toBeGreaterThan(2000);
    for (const kind of ["map", "write", "read", "msync", "munmap", "mprotect", "mremap", "truncate", "pwrite", "close"]) {
      expect(totals.kinds[kind] ?? 0, kind).toBeGreaterThan(20);
    }
    for (const outcome of ["read:EFAULT", "write:EACCES", "map:EBADF", "mremap:ENOMEM", "msync:ENOMEM"]) {
      expect(totals.kinds[outcome] ?? 0, outcome).toBeGreaterThan(0);
    }
  }, 90_000);

  if (SOAK) it("soak: at least ANYMMAP_SOAK_OPS operations (default 100000)", () => {
    const target = Number(process.env.ANYMMAP_SOAK_OPS ?? 100_000);
    const totals: Totals = { ops: 0, runs: 0, errors: 0, checkedBytes: 0, kinds: {} };
    console.log(`model soak: seed ${seed} (ANYMMAP_SEED=${seed} repeats this run), target ${target} operations`);
    let divergences = 0;
    for (let batch = 0; totals.ops < target; batch++) {
      // Odd batches run all their scenarios in one long-lived instance: freed pages leave the quarantine
      // and are reused, file records and hidden descriptors come and go.
      const longLived = batch % 2 === 1;
      const failure = check(50, 200, seed + batch, totals, longLived ? createInstance() : undefined);
      if (failure) {
        divergences++;
        console.log(
          `DIVERGENCE in batch ${batch} (fast-check seed ${seed + batch}, ${longLived ? "one long-lived instance" : "a fresh instance per run"}): ` +
            `${failure.error}\nshrunk counterexample:\n${JSON.stringify(failure.scenario)}`,
        );
        break;
      }
    }
    report("model soak", totals);
    console.log(`model soak: ${divergences} divergences`);
    expect(divergences).toBe(0);
    expect(totals.ops).toBeGreaterThanOrEqual(target);
  }, 3_600_000);
});
