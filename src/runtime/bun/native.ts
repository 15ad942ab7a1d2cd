/**
 * Bun's native backend: the shared library built from native/anymmap_native.c
 * (prebuilds/<platform>-<arch>/libanymmap.so, by native/build.mjs), through
 * bun:ffi. `Bun.mmap` is not used: it has no munmap or msync, maps only by
 * path, always read-write, and at most 4 GiB.
 */
import { dlopen, toArrayBuffer } from "bun:ffi";

import { type FfiType, NATIVE_SYMBOLS, type FfiSymbols, ffiMman } from "../../core/engines/ffi-mman.js";
import type { NativeMman } from "../../core/engines/native-mman.js";

const bunType = (t: FfiType): string => (t === "pointer" ? "ptr" : t === "i64" ? "i64_fast" : t);

/** Bun's ArrayBuffers hold at most 2^32 bytes (toArrayBuffer throws RangeError above). */
const MAX_BUFFER = 2 ** 32;

/** Opens the library; throws an Error that says why it cannot be used. Bun. */
export function bunNative(): NativeMman {
  const file = process.platform === "darwin" ? "libanymmap.dylib" : "libanymmap.so";
  const target = `${process.platform}-${process.arch}`;
  const path = decodeURIComponent(new URL(`../prebuilds/${target}/${file}`, import.meta.url).pathname);
  const symbols = Object.fromEntries(
    Object.entries(NATIVE_SYMBOLS).map(([name, sig]) => [
      name,
      { args: sig.parameters.map(bunType), returns: bunType(sig.result) },
    ]),
  );
  let lib: { symbols: FfiSymbols };
  try {
    lib = dlopen(path, symbols) as unknown as { symbols: FfiSymbols };
  } catch (e) {
    // A `bun build --compile` executable runs from Bun's embedded file system, which holds no prebuilds/.
    if (path.startsWith("/$bunfs/"))
      throw new Error(
        `a bun build --compile executable does not embed prebuilds/${target}/${file}: it maps with the WASM engine (bun run the package for the kernel's mmap)`,
        { cause: e },
      );
    throw new Error(
      `cannot open ${path} (${e instanceof Error ? e.message : String(e)}); no prebuilt native binary for ${target}? build one with "node native/build.mjs" in the package (needs a C compiler)`,
      { cause: e },
    );
  }
  return ffiMman({
    platform: process.platform,
    binding: "bun:ffi",
    maxBuffer: MAX_BUFFER,
    symbols: lib.symbols,
    arrayBuffer: (address, length) => toArrayBuffer(address, 0, length),
  });
}
