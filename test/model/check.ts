/**
 * One property check of the model (test/model/model.ts) with fast-check,
 * shared by the quick run in every runtime (test/spec/model.spec.ts) and the
 * soak (test/model.soak.ts).
 */
import fc from "fast-check";

import type { anymmap } from "../harness/index.js";
import { scenarioArb } from "./arbitraries.js";
import { runScenario, type Scenario } from "./model.js";

/** The seed of the quick run: every runtime checks the same scenarios. */
export const CI_SEED = 0x5eed2025;

export interface ModelTotals {
  ops: number;
  runs: number;
  errors: number;
  checkedBytes: number;
  kinds: Record<string, number>;
}

/**
 * Runs `numRuns` random scenarios of up to `maxOps` operations; returns the
 * shrunk counterexample or null. With `space`, every run (shrinking ones
 * too) uses that one instance. Shrinking runs are not counted.
 */
export function checkModel(
  numRuns: number,
  maxOps: number,
  seed: number,
  totals: ModelTotals,
  space?: ReturnType<typeof anymmap.createInstance>,
): { scenario: Scenario; error: string } | null {
  let counted = true;
  const result = fc.check(
    fc.property(scenarioArb(maxOps), (scenario) => {
      try {
        const stats = runScenario(scenario, space ? { space } : {});
        if (counted) {
          totals.ops += stats.ops;
          totals.runs++;
          totals.errors += stats.errors;
          totals.checkedBytes += stats.checkedBytes;
          for (const [k, v] of Object.entries(stats.kinds)) totals.kinds[k] = (totals.kinds[k] ?? 0) + v;
        }
      } catch (e) {
        counted = false;
        throw e;
      }
    }),
    { seed, numRuns },
  );
  if (!result.failed) return null;
  const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  return { scenario: result.counterexample![0], error };
}

export function reportModel(label: string, seed: number, totals: ModelTotals): void {
  const kinds = Object.entries(totals.kinds)
    .sort()
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  console.log(
    `${label}: seed ${seed}, ${totals.ops} operations executed in ${totals.runs} runs ` +
      `(${totals.errors} expected errors, ${totals.checkedBytes} bytes checked)\n  ${kinds}`,
  );
}
