/**
 * anymmap's core under @wasmer/wasi in Node, over wasmer's in-memory
 * filesystem (test/interop/wasmer.ts; the same scenario runs in Chromium).
 */
import { readFileSync } from "node:fs";
import * as wasmer from "@wasmer/wasi";
import { expect, it } from "vitest";

import { EXPECTED_FACTS, runUnderWasmer, type WasmerModule } from "./interop/wasmer.js";

it("the core maps, reads, writes and msyncs a file of @wasmer/wasi's MemFS through wasmer's own WASI calls", async () => {
  const wasm = readFileSync(new URL("../dist/anymmap.wasm", import.meta.url));
  expect(await runUnderWasmer(wasmer as unknown as WasmerModule, wasm)).toEqual(EXPECTED_FACTS);
});
