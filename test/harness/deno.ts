/**
 * The spec harness in Deno: the portable runner and fixtures, and the
 * package as Deno loads it (dist/deno.js). Spec files reach it through
 * deno-imports.json, which maps their "../harness/index.js" here.
 */
import * as anymmap from "../../dist/deno.js";

import { hostFixtures } from "./fixtures.js";
import { afterAll } from "./portable.js";

export {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  expectBytes,
  expectMmapError,
  it,
  itPartly,
  LINUX_ERRNO,
  mmapErrorOf,
  PAGE,
  pattern,
} from "./portable.js";
export { anymmap };

/** File fixtures: the only file-system access spec files have. */
export const fx = hostFixtures(afterAll);
