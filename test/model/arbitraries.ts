/**
 * fast-check arbitraries for model scenarios (see model.ts). Sizes stay
 * within a few pages so that page boundaries, partial last pages and pages
 * past EOF come up all the time.
 */
import fc from "fast-check";

import { PAGE, type FileSpec, type Op, type Scenario } from "./model.js";

const prot = fc.constantFrom("none", "r", "rw", "rw", "rw") as fc.Arbitrary<"none" | "r" | "rw">;
const index = fc.nat({ max: 15 });
const fileIndex = fc.nat({ max: 2 });
const seed = fc.integer({ min: 1, max: 0x7fffffff });

/** Byte counts that favour page multiples, one-off neighbours and small odd values. */
function byteCount(maxPages: number): fc.Arbitrary<number> {
  return fc.oneof(
    fc.integer({ min: 1, max: maxPages }).map((n) => n * PAGE),
    fc.tuple(fc.integer({ min: 1, max: maxPages }), fc.constantFrom(-1, 1)).map(([n, d]) => Math.max(1, n * PAGE + d)),
    fc.integer({ min: 1, max: maxPages * PAGE }),
    fc.integer({ min: 1, max: 64 }),
  );
}

const fileSize = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 5 }).map((n) => n * PAGE),
  fc.integer({ min: 1, max: 5 * PAGE + 2000 }),
);

export const fileSpec: fc.Arbitrary<FileSpec> = fc.record({ size: fileSize, seed });

const mapOp: fc.Arbitrary<Op> = fc.record({
  t: fc.constant("map" as const),
  type: fc.constantFrom("shared", "shared", "private", "anon") as fc.Arbitrary<"shared" | "private" | "anon">,
  anonShared: fc.boolean(),
  via: fc.constantFrom("rw", "rw", "ro", "path") as fc.Arbitrary<"rw" | "ro" | "path">,
  file: fileIndex,
  offPages: fc.nat({ max: 4 }),
  len: fc.oneof(
    { weight: 6, arbitrary: byteCount(6) },
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constant(0) },
  ),
  prot,
  badOffset: fc.nat({ max: 29 }).map((r) => r === 0),
});

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: mapOp },
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant("write" as const),
      m: index,
      off: fc.nat({ max: 12 * PAGE }),
      len: byteCount(3),
      clip: fc.nat({ max: 19 }).map((r) => r !== 0),
      seed,
      how: fc.constantFrom("api", "api", "view", "bytes") as fc.Arbitrary<"api" | "view" | "bytes">,
      eof: fc.boolean(),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant("read" as const),
      m: index,
      off: fc.nat({ max: 12 * PAGE }),
      len: byteCount(3),
      clip: fc.nat({ max: 19 }).map((r) => r !== 0),
      how: fc.constantFrom("read", "read", "view", "bytes") as fc.Arbitrary<"read" | "view" | "bytes">,
      eof: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("msync" as const),
      m: index,
      flags: fc.constantFrom("sync", "sync", "async", "invalidate", "sync|invalidate", "sync|async") as fc.Arbitrary<
        "sync" | "async" | "invalidate" | "sync|invalidate" | "sync|async"
      >,
      offPages: fc.nat({ max: 5 }),
      lenPages: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("munmap" as const),
      m: index,
      whole: fc.boolean(),
      offPages: fc.nat({ max: 5 }),
      lenPages: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("mprotect" as const),
      m: index,
      prot,
      offPages: fc.nat({ max: 5 }),
      lenPages: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("mremap" as const),
      m: index,
      len: byteCount(10),
      maymove: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("madvise" as const),
      m: index,
      advice: fc.constantFrom("dontneed", "dontneed", "willneed", "random", "sequential", "normal") as fc.Arbitrary<
        "dontneed" | "willneed" | "random" | "sequential" | "normal"
      >,
      offPages: fc.nat({ max: 5 }),
      lenPages: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("truncate" as const),
      file: fileIndex,
      size: fc.oneof(
        fc.integer({ min: 0, max: 8 }).map((n) => n * PAGE),
        fc.integer({ min: 0, max: 8 * PAGE }),
      ),
      ro: fc.nat({ max: 9 }).map((r) => r === 0),
      eof: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("pwrite" as const),
      file: fileIndex,
      pos: fc.nat({ max: 7 * PAGE }),
      len: fc.integer({ min: 1, max: 6000 }),
      seed,
      ro: fc.nat({ max: 9 }).map((r) => r === 0),
      eof: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("pread" as const),
      file: fileIndex,
      pos: fc.nat({ max: 7 * PAGE }),
      len: fc.integer({ min: 1, max: 6000 }),
      ro: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("close" as const), file: fileIndex, ro: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("open" as const), file: fileIndex, ro: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("dead" as const),
      m: index,
      how: fc.constantFrom("read", "munmap") as fc.Arbitrary<"read" | "munmap">,
    }),
  },
);

/** A scenario over 2-3 files with up to `maxOps` operations. */
export function scenarioArb(maxOps: number): fc.Arbitrary<Scenario> {
  return fc.record({
    files: fc.array(fileSpec, { minLength: 2, maxLength: 3 }),
    // A few mappings first, so that mapping operations have something to work on from the start.
    ops: fc
      .tuple(
        fc.array(mapOp, { minLength: 1, maxLength: 3 }),
        fc.array(opArb, { minLength: 0, maxLength: maxOps - 3, size: "max" }),
      )
      .map(([maps, rest]) => [...maps, ...rest]),
  });
}
