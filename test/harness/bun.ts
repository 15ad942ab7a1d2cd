/**
 * The spec harness in Bun: the portable runner and fixtures, and the
 * package as Bun loads it (dist/bun.js). Spec files reach it through
 * bun-preload.ts, which resolves their "../harness/index.js" here.
 */
import * as anymmap from "../../dist/bun.js";

export { afterAll, afterEach, beforeAll, beforeEach, describe, expect, expectMmapError, fx, it, mmapErrorOf, pattern } from "./portable.js";
export { anymmap };
