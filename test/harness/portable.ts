/**
 * The spec harness for runtimes without vitest (Deno, Bun): the same
 * exports as ./index.ts (describe/it/hooks, vitest's own `expect`, the
 * shared helpers), built on `@vitest/expect` (the matchers vitest uses), so
 * an assertion means the same thing in every runtime. ./deno.ts and ./bun.ts
 * add the runtime's build of the package and the node:fs fixtures
 * (./fixtures.ts), ./browser.ts its OPFS fixtures; `run()` executes what the
 * spec files registered and reports it.
 */
import {
  ASYMMETRIC_MATCHERS_OBJECT,
  GLOBAL_EXPECT,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  chai,
  customMatchers,
  getState,
  setState,
  type ExpectStatic,
} from "@vitest/expect";

import { assertions, partialTests } from "./helpers.js";

export { LINUX_ERRNO, mmapErrorOf, PAGE, pattern } from "./helpers.js";

// ---------------------------------------------------------------- expect

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

/** vitest's `expect` (same matchers, same equality, `expect(value, message)`), without vitest's runner. */
export const expect = ((value: unknown, message?: string) => {
  const { assertionCalls } = getState(expect);
  setState({ assertionCalls: assertionCalls + 1 }, expect);
  return chai.expect(value, message);
}) as ExpectStatic;
Object.assign(expect, chai.expect);
Object.assign(expect, (globalThis as Record<symbol, unknown>)[ASYMMETRIC_MATCHERS_OBJECT]);
/** As vitest's: the running test fails if it made no assertion (reset before each test). */
expect.hasAssertions = () => setState({ isExpectingAssertions: true }, expect);
expect.getState = () => getState(expect);
expect.setState = (state) => setState(state, expect);
setState(
  {
    assertionCalls: 0,
    isExpectingAssertions: false,
    isExpectingAssertionsError: null,
    expectedAssertionsNumber: null,
    expectedAssertionsNumberErrorGen: null,
    currentTestName: "",
  },
  expect,
);
// JestExtend adds chai.expect.extend(expect, matchers); chai's types do not know it.
const chaiExpect = chai.expect as unknown as { extend(e: ExpectStatic, m: unknown): void };
expect.extend = (matchers) => chaiExpect.extend(expect, matchers);
expect.extend(customMatchers);
Object.defineProperty(globalThis, GLOBAL_EXPECT, { value: expect, writable: true, configurable: true });

// ---------------------------------------------------------------- registry

type Hook = () => unknown;
type TestFn = () => unknown;

interface Suite {
  name: string;
  parent: Suite | undefined;
  skip: boolean;
  children: Array<Suite | Test>;
  beforeAll: Hook[];
  afterAll: Hook[];
  beforeEach: Hook[];
  afterEach: Hook[];
}

interface Test {
  name: string;
  suite: Suite;
  fn: TestFn | undefined;
  skip: boolean;
}

const root: Suite = newSuite("", undefined, false);
let current = root;

function newSuite(name: string, parent: Suite | undefined, skip: boolean): Suite {
  return { name, parent, skip, children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
}

function define(name: string, body: () => void, skip: boolean): void {
  const suite = newSuite(name, current, skip || current.skip);
  current.children.push(suite);
  current = suite;
  try {
    const r = body() as unknown;
    if (r instanceof Promise) throw new Error(`describe("${name}") must not be async`);
  } finally {
    current = suite.parent!;
  }
}

function addTest(name: string, fn: TestFn | undefined, skip: boolean): void {
  current.children.push({ name, suite: current, fn, skip: skip || current.skip || fn === undefined });
}

/** A group of tests; hooks registered inside apply to it and what it contains. */
export const describe = Object.assign((name: string, body: () => void) => define(name, body, false), {
  skip: (name: string, body: () => void) => define(name, body, true),
});

/** One test; an async function is awaited (60 s limit, as vitest.config.ts sets). */
export const it = Object.assign((name: string, fn: TestFn) => addTest(name, fn, false), {
  skip: (name: string, fn?: TestFn) => addTest(name, fn, true),
  todo: (name: string) => addTest(name, undefined, true),
  /** As vitest's: the test is reported skipped (never passed) when `condition` holds; its name says why. */
  skipIf: (condition: unknown) => (name: string, fn: TestFn) => addTest(name, fn, Boolean(condition)),
  /** As vitest's: the test runs only when `condition` holds, else it is reported skipped. */
  runIf: (condition: unknown) => (name: string, fn: TestFn) => addTest(name, fn, !condition),
});
export const test = it;

/** Runs once before the first test of the enclosing describe (or file); a returned function runs at its end. */
export function beforeAll(fn: Hook): void {
  current.beforeAll.push(fn);
}
/** Runs once after the last test of the enclosing describe (or file). */
export function afterAll(fn: Hook): void {
  current.afterAll.push(fn);
}
/** Runs before each test of the enclosing describe, outer hooks first; a returned function runs after the test. */
export function beforeEach(fn: Hook): void {
  current.beforeEach.push(fn);
}
/** Runs after each test of the enclosing describe, inner hooks first. */
export function afterEach(fn: Hook): void {
  current.afterEach.push(fn);
}

// ---------------------------------------------------------------- runner

/** One test's outcome, as `run()` reports it. */
export interface TestResult {
  /** "describe > describe > test" */
  name: string;
  state: "passed" | "failed" | "skipped";
  ms: number;
  /** Why it failed, or why it was skipped. */
  error?: string;
}

/** Options of `run()`. */
export interface RunOptions {
  /** Full test names ("describe > test") to skip, each with the reason. */
  skip?: Readonly<Record<string, string>>;
  /** Limit for one async test or hook. */
  timeoutMs?: number;
}

const TIMEOUT_MS = 60_000;

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const extra: string[] = [];
    const a = e as Error & { actual?: unknown; expected?: unknown; showDiff?: boolean };
    if (a.showDiff !== false && ("actual" in a || "expected" in a)) {
      extra.push(`expected: ${preview(a.expected)}`, `actual:   ${preview(a.actual)}`);
    }
    const stack = (e.stack ?? "")
      .split("\n")
      .filter((l) => /^\s+at /.test(l) && !l.includes("node_modules") && !l.includes("/harness/portable."))
      .slice(0, 6);
    return [`${e.name}: ${e.message}`, ...extra, ...stack].join("\n");
  }
  return String(e);
}

function preview(v: unknown): string {
  try {
    const s = JSON.stringify(v, (_k, x: unknown) =>
      typeof x === "bigint" ? `${x}n` : ArrayBuffer.isView(x) ? Array.from(x as Uint8Array).slice(0, 64) : x,
    );
    return s === undefined ? String(v) : s.length > 400 ? `${s.slice(0, 400)}...` : s;
  } catch {
    return String(v);
  }
}

async function call(fn: Hook, timeoutMs: number, what: string): Promise<unknown> {
  const r = fn();
  if (!(r instanceof Promise)) return r;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([r, limit]);
  } finally {
    clearTimeout(timer);
  }
}

function hasTests(s: Suite): boolean {
  return s.children.some((c) => ("children" in c ? hasTests(c) : true));
}

/**
 * Runs every test the imported spec files registered, in order, with
 * vitest's hook semantics: a failing beforeAll fails its suite's tests, a
 * failing beforeEach fails its test, after-hooks always run. Never throws.
 */
export async function run(options: RunOptions = {}): Promise<TestResult[]> {
  const skip = options.skip ?? {};
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const results: TestResult[] = [];

  const fullName = (s: Suite, name: string): string => {
    const parts = [name];
    for (let p: Suite | undefined = s; p && p !== root; p = p.parent) parts.unshift(p.name);
    return parts.join(" > ");
  };
  const chain = (s: Suite): Suite[] => {
    const out: Suite[] = [];
    for (let p: Suite | undefined = s; p; p = p.parent) out.unshift(p);
    return out;
  };

  async function runSuite(suite: Suite, inherited: string | undefined): Promise<void> {
    const teardowns: Hook[] = [];
    let failure = inherited;
    const active = hasTests(suite) && !suite.skip;
    if (active && failure === undefined) {
      for (const h of suite.beforeAll) {
        try {
          const r = await call(h, timeoutMs, "beforeAll");
          if (typeof r === "function") teardowns.push(r as Hook);
        } catch (e) {
          failure = `beforeAll failed: ${describeError(e)}`;
          break;
        }
      }
    }
    for (const child of suite.children) {
      if ("children" in child) {
        await runSuite(child, failure);
        continue;
      }
      const name = fullName(suite, child.name);
      const reason = skip[name];
      if (child.skip || reason !== undefined) {
        results.push({ name, state: "skipped", ms: 0, ...(reason !== undefined ? { error: reason } : {}) });
        continue;
      }
      if (failure !== undefined) {
        results.push({ name, state: "failed", ms: 0, error: failure });
        continue;
      }
      results.push(await runTest(child, name));
    }
    if (active && inherited === undefined) {
      for (const h of [...suite.afterAll].reverse().concat(teardowns.reverse())) {
        try {
          await call(h, timeoutMs, "afterAll");
        } catch (e) {
          results.push({ name: fullName(suite, "afterAll"), state: "failed", ms: 0, error: describeError(e) });
        }
      }
    }
  }

  async function runTest(t: Test, name: string): Promise<TestResult> {
    // Back to the event loop between tests, as a program's callbacks are: only
    // there does the runtime clear the targets WeakRefs keep alive for the
    // current job and run finalizers (the WASM engine's exit registry is weak).
    // Deno and Bun only: the browser runner's pages keep their own loop busy.
    if ("Deno" in globalThis || "Bun" in globalThis) await new Promise((resolve) => setTimeout(resolve, 0));
    const suites = chain(t.suite);
    const teardowns: Hook[] = [];
    let error: unknown;
    let failed = false;
    setState({ assertionCalls: 0, isExpectingAssertions: false, currentTestName: name }, expect);
    const start = performance.now();
    try {
      for (const s of suites) {
        for (const h of s.beforeEach) {
          const r = await call(h, timeoutMs, "beforeEach");
          if (typeof r === "function") teardowns.push(r as Hook);
        }
      }
      await call(t.fn!, timeoutMs, "test");
      const state = getState(expect);
      if (state.isExpectingAssertions && state.assertionCalls === 0)
        throw new Error("expected any number of assertion, but got none (expect.hasAssertions())");
    } catch (e) {
      failed = true;
      error = e;
    }
    for (const h of teardowns.reverse().concat(suites.reverse().flatMap((s) => [...s.afterEach].reverse()))) {
      try {
        await call(h, timeoutMs, "afterEach");
      } catch (e) {
        if (!failed) {
          failed = true;
          error = e;
        }
      }
    }
    const ms = Math.round(performance.now() - start);
    return failed ? { name, state: "failed", ms, error: describeError(error) } : { name, state: "passed", ms };
  }

  await runSuite(root, undefined);
  return results;
}

// ---------------------------------------------------------------- shared assertions (as ./index.ts)

export const { expectBytes, expectMmapError } = assertions(expect);
export const itPartly = partialTests(it);
