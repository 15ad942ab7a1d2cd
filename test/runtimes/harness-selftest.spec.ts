/**
 * Not part of the spec suite: checks the portable runner that runs the spec
 * suite in Deno and Bun (test/harness/portable.ts). Five tests here fail on
 * purpose; test/runtimes.test.ts runs this file in each runtime and expects
 * exactly those failures, so a green Deno or Bun row cannot come from a
 * runner that misses failures, hooks or async tests.
 */
import {
  afterAll,
  afterEach,
  anymmap,
  beforeAll,
  beforeEach,
  describe,
  expect,
  fx,
  it,
  pattern,
} from "../harness/index.js";

const log: string[] = [];

beforeAll(() => {
  log.push("beforeAll");
});
afterAll(() => {
  // Reported as a failure named "afterAll" if the order is wrong.
  expect(log.slice(-2)).toEqual(["outer afterAll", "outer teardown"]);
});

describe("outer", () => {
  beforeAll(() => {
    log.push("outer beforeAll");
    return () => log.push("outer teardown");
  });
  afterAll(() => {
    log.push("outer afterAll");
  });
  beforeEach(() => {
    log.push("outer beforeEach");
  });
  afterEach(() => {
    log.push("outer afterEach");
  });

  it("passes: vitest's matchers, fixtures and the package", () => {
    expect(pattern(16, 3)).toEqual(pattern(16, 3));
    expect(fx.read(fx.file("abc"))).toEqual(new TextEncoder().encode("abc"));
    expect(7).toSatisfy((n: number) => n > 6);
    expect(() => {
      throw new Error("thrown");
    }).toThrow("thrown");
    expect(anymmap.info().runtime).toMatch(/^(deno|bun) /);
  });
  it("fails: a message", () => {
    expect(1, "one is not two").toBe(2);
  });
  it("fails: deep equality", () => {
    expect({ a: [1, 2] }).toEqual({ a: [1, 3] });
  });
  it("fails: an async test that rejects", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    throw new Error("rejected");
  });
  it.skip("is skipped", () => {
    throw new Error("must not run");
  });

  describe("inner", () => {
    beforeEach(() => {
      log.push("inner beforeEach");
    });
    afterEach(() => {
      log.push("inner afterEach");
    });
    it("passes: hooks ran in vitest's order", () => {
      log.push("test");
      expect(log.slice(0, 3)).toEqual(["beforeAll", "outer beforeAll", "outer beforeEach"]);
      expect(log.slice(-3)).toEqual(["outer beforeEach", "inner beforeEach", "test"]);
    });
  });
  it("passes: after-hooks ran inner first", () => {
    expect(log.slice(-3, -1)).toEqual(["inner afterEach", "outer afterEach"]);
  });
});

describe("a suite whose beforeAll throws", () => {
  beforeAll(() => {
    throw new Error("setup broke");
  });
  it("fails: first", () => {});
  it("fails: second", () => {});
});
