/**
 * The spec harness in Bun: the portable runner and fixtures, and the
 * package as Bun loads it (dist/bun.js). Spec files reach it through
 * bun-preload.ts, which resolves their "../harness/index.js" here.
 */
import * as anymmap from "../../dist/bun.js";

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
