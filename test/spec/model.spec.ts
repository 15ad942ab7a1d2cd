/**
 * Model-based property test, quick form: 200 random scenarios of up to 30
 * operations (map, write, read, msync, munmap, mprotect, mremap, madvise,
 * truncate, pwrite, pread, close over 2-3 files and anonymous memory), each
 * in a fresh instance, checked against the model of Linux semantics in
 * test/model/model.ts. A fixed seed, so every runtime and backend checks the
 * same scenarios; `npm run test:soak` runs 10^5 operations from a random one.
 * A failure prints the shrunk scenario for test/model-regressions.test.ts.
 */
import { beforeEach, describe, expect, it } from "../harness/index.js";
import { CI_SEED, checkModel, reportModel, type ModelTotals } from "../model/check.js";

// Every test asserts something, on every backend: one that checks nothing fails.
beforeEach(() => expect.hasAssertions());

describe("anymmap agrees with the model of Linux semantics", () => {
  it(`200 runs of up to 30 operations (seed ${CI_SEED})`, () => {
    const totals: ModelTotals = { ops: 0, runs: 0, errors: 0, checkedBytes: 0, kinds: {} };
    const failure = checkModel(200, 30, CI_SEED, totals);
    reportModel("model", CI_SEED, totals);
    if (failure) {
      console.log(`shrunk counterexample:\n${JSON.stringify(failure.scenario)}`);
      throw new Error(failure.error);
    }
    // The generator must keep reaching the interesting cases.
    expect(totals.ops).toBeGreaterThan(2000);
    for (const kind of [
      "map",
      "write",
      "read",
      "msync",
      "munmap",
      "mprotect",
      "mremap",
      "truncate",
      "pwrite",
      "close",
    ]) {
      expect(totals.kinds[kind] ?? 0, kind).toBeGreaterThan(20);
    }
    for (const outcome of ["read:EFAULT", "write:EACCES", "map:EBADF", "mremap:ENOMEM", "msync:ENOMEM"]) {
      expect(totals.kinds[outcome] ?? 0, outcome).toBeGreaterThan(0);
    }
  }, 120_000);
});
