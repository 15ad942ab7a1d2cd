/**
 * Deno's native backend: the shared library built from native/anymmap_native.c
 * (prebuilds/<platform>-<arch>/libanymmap.so, by native/build.mjs), through
 * Deno.dlopen. Needs --allow-ffi; without it anymmap uses its WASM engine,
 * without an error.
 */
import { type FfiType, NATIVE_SYMBOLS, type FfiSymbols, ffiMman } from "../../core/engines/ffi-mman.js";
import type { NativeMman } from "../../core/engines/native-mman.js";

type DenoFfiType = "u64" | "i64" | "i32" | "buffer";
type PointerObject = object;

/** The parts of Deno's global namespace this module uses. */
interface DenoFfi {
  readonly build: { readonly os: string; readonly arch: string };
  readonly permissions: { querySync(desc: { name: "ffi" }): { readonly state: string } };
  dlopen(
    path: string,
    symbols: Record<string, { parameters: DenoFfiType[]; result: DenoFfiType }>,
  ): { symbols: FfiSymbols };
  readonly UnsafePointer: { create(address: bigint): PointerObject | null };
  readonly UnsafePointerView: { getArrayBuffer(pointer: PointerObject, byteLength: number): ArrayBuffer };
}
declare const Deno: DenoFfi;

const denoType = (t: FfiType): DenoFfiType => (t === "pointer" ? "buffer" : t);

/** Deno says x86_64/aarch64 where Node, Bun and the prebuilds/ folders say x64/arm64. */
const denoArch = (arch: string): string => ({ x86_64: "x64", aarch64: "arm64" })[arch] ?? arch;

/** Opens the library; throws an Error that says why it cannot be used. Deno. */
export function denoNative(): NativeMman {
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    throw new Error("Deno was not given --allow-ffi (run deno with --allow-ffi to map with the kernel)");
  }
  const file = Deno.build.os === "darwin" ? "libanymmap.dylib" : "libanymmap.so";
  const target = `${Deno.build.os}-${denoArch(Deno.build.arch)}`;
  const path = decodeURIComponent(new URL(`../prebuilds/${target}/${file}`, import.meta.url).pathname);
  const symbols = Object.fromEntries(
    Object.entries(NATIVE_SYMBOLS).map(([name, sig]) => [
      name,
      { parameters: sig.parameters.map(denoType), result: denoType(sig.result) },
    ]),
  );
  let lib: { symbols: FfiSymbols };
  try {
    lib = Deno.dlopen(path, symbols);
  } catch (e) {
    throw new Error(
      `cannot open ${path} (${e instanceof Error ? e.message : String(e)}); no prebuilt native binary for ${target}? build one with "node native/build.mjs" in the package (needs a C compiler)`,
      { cause: e },
    );
  }
  return ffiMman({
    platform: Deno.build.os,
    binding: "Deno FFI",
    // V8's external ArrayBuffers in Deno: kept to 4 GiB like Node's, a window covers more.
    maxBuffer: 2 ** 32,
    symbols: lib.symbols,
    arrayBuffer(address, length) {
      const pointer = Deno.UnsafePointer.create(BigInt(address));
      if (pointer === null) throw new Error("a null pointer");
      return Deno.UnsafePointerView.getArrayBuffer(pointer, length);
    },
  });
}
