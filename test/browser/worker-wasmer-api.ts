/**
 * anymmap's core under @wasmer/wasi in a Chromium dedicated worker, over
 * wasmer's in-memory filesystem: the scenario of test/interop/wasmer.ts,
 * which also runs in Node.
 */
import * as wasmer from "@wasmer/wasi";

import { describe, expect, it } from "../harness/browser.js";
import { EXPECTED_FACTS, runUnderWasmer, type WasmerModule } from "../interop/wasmer.js";

/**
 * @wasmer/wasi 1.2.2's ESM build decodes its own inline .wasm with Node's
 * Buffer.from(text, "base64"); bundlers give browsers a Buffer polyfill, and
 * this is the one call it needs.
 */
function bufferForWasmer(): void {
  const g = globalThis as { Buffer?: unknown };
  g.Buffer ??= { from: (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0)) };
}

describe("@wasmer/wasi as the core's WASI host", () => {
  it("the core maps, reads, writes and msyncs a file of wasmer's MemFS through wasmer's own WASI calls", async () => {
    bufferForWasmer();
    const wasm = await (await fetch("/dist/anymmap.wasm")).arrayBuffer();
    expect(await runUnderWasmer(wasmer as unknown as WasmerModule, wasm)).toEqual(EXPECTED_FACTS);
  });
});
