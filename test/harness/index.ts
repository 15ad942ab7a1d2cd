/**
 * What spec files may use: the test functions, the built package, and file
 * fixtures. Spec bodies touch nothing else, so that each runtime can run
 * them through its own version of this module.
 */
import { afterAll, expect, it } from "vitest";

import * as anymmap from "../../dist/node.js";
import { hostFixtures } from "./fixtures.js";
import { assertions, partialTests } from "./helpers.js";

export { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
export { anymmap };
export { LINUX_ERRNO, mmapErrorOf, PAGE, pattern } from "./helpers.js";

/** File fixtures: the only file-system access spec files have. */
export const fx = hostFixtures(afterAll);
export const { expectBytes, expectMmapError } = assertions(expect);
export const itPartly = partialTests(it);
