/**
 * What Chromium truly cannot do: spec tests skipped there, each with the
 * reason. Keys are "FILE > describe > ... > test" (FILE relative to
 * test/spec), per browser context. Everything not listed runs, and must
 * pass.
 *
 * On the main thread there is no synchronous file access at all, so tests
 * that fail only because they need it (the error is anymmap's "the main
 * thread has no synchronous file access" or the fixtures' NO_SYNC_FILES)
 * are reported as skipped by the runner itself (test/browser/runner.ts);
 * the entries below are the ones where that error is caught and compared
 * by the test, so the runner cannot tell.
 */
const SYNC_PATH =
  "maps a fixture path synchronously (mmapSync(path)) to check an argument error; the main thread has no synchronous file access, so the open fails first";

export const BROWSER_SKIPS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "chromium-worker": {},
  "chromium-main": {
    "mmap.spec.ts > mmap errors, as Linux reports them > length 0 → EINVAL": SYNC_PATH,
    "mmap.spec.ts > mmap errors, as Linux reports them > neither MAP_SHARED nor MAP_PRIVATE → EINVAL": SYNC_PATH,
    "mmap.spec.ts > mmap errors, as Linux reports them > errors carry Linux's errno numbers": SYNC_PATH,
    "errors.spec.ts > errno 95 has one name, ENOTSUP, whichever layer raises it > MAP_SHARED_VALIDATE with an unknown flag is ENOTSUP (errno 95) on every backend":
      SYNC_PATH,
    "mmap.spec.ts > async entry points > await mmap / open behave as the sync forms":
      "needs a fixture file, which the main thread cannot create synchronously (fx.file); the async forms on the main thread are covered by test/browser/main-api.ts",
  },
};
