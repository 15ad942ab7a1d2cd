/**
 * Model-based property test (test/model/model.ts): random sequences of map,
 * write, read, msync, munmap, mprotect, mremap, madvise, truncate, pwrite,
 * pread and close over 2-3 files and anonymous memory, each in a fresh
 * createInstance(), checked against a model of Linux semantics.
 *
 * CI runs the quick form, a fixed seed and 200 runs of up to 30 operations,
 * as a spec file (test/spec/model.spec.ts) in every runtime and backend.
 * This file is the soak, run only by `npm run test:soak` (vitest.config.ts
 * includes *.soak.ts when ANYMMAP_SOAK=1): batches of 50 runs of up to 200
 * operations until at least ANYMMAP_SOAK_OPS (default 100000) operations were executed, from a
 * random seed unless ANYMMAP_SEED is set; every other batch runs all its
 * scenarios in one long-lived instance. The seed and the count are printed,
 * and a failure prints the shrunk scenario as JSON for
 * model-regressions.test.ts.
 */
import { describe, expect, it } from "vitest";

import { createInstance } from "../dist/node.js";
import { checkModel, reportModel, type ModelTotals } from "./model/check.js";

const seed = process.env.ANYMMAP_SEED ? Number(process.env.ANYMMAP_SEED) : Math.floor(Math.random() * 2 ** 31);

describe("anymmap agrees with the model of Linux semantics", () => {
  it("soak: at least ANYMMAP_SOAK_OPS operations (default 100000)", () => {
    const target = Number(process.env.ANYMMAP_SOAK_OPS ?? 100_000);
    const totals: ModelTotals = { ops: 0, runs: 0, errors: 0, checkedBytes: 0, kinds: {} };
    console.log(`model soak: seed ${seed} (ANYMMAP_SEED=${seed} repeats this run), target ${target} operations`);
    let divergences = 0;
    for (let batch = 0; totals.ops < target; batch++) {
      // Odd batches run all their scenarios in one long-lived instance: freed pages leave the quarantine
      // and are reused, file records and hidden descriptors come and go.
      const longLived = batch % 2 === 1;
      const failure = checkModel(50, 200, seed + batch, totals, longLived ? createInstance() : undefined);
      if (failure) {
        divergences++;
        console.log(
          `DIVERGENCE in batch ${batch} (fast-check seed ${seed + batch}, ${longLived ? "one long-lived instance" : "a fresh instance per run"}): ` +
            `${failure.error}\nshrunk counterexample:\n${JSON.stringify(failure.scenario)}`,
        );
        break;
      }
    }
    reportModel("model soak", seed, totals);
    console.log(`model soak: ${divergences} divergences`);
    expect(divergences).toBe(0);
    expect(totals.ops).toBeGreaterThanOrEqual(target);
  }, 3_600_000);
});
