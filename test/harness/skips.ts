/**
 * What a runtime truly cannot do: spec tests skipped there, each with the
 * reason. Keys are "FILE > describe > ... > test", FILE relative to test/spec.
 * Everything not listed runs, and must pass, in every runtime.
 */
export const SKIPS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  deno: {},
  bun: {},
};
