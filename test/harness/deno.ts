/**
 * The spec harness in Deno: the portable runner and fixtures, and the
 * package as Deno loads it (dist/deno.js). Spec files reach it through
 * deno-imports.json, which maps their "../harness/index.js" here.
 */
import * as anymmap from "../../dist/deno.js";

export { afterAll, afterEach, beforeAll, beforeEach, describe, expect, expectMmapError, fx, it, mmapErrorOf, pattern } from "./portable.js";
export { anymmap };
