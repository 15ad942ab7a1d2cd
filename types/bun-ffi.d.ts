// The part of Bun's `bun:ffi` module that src/runtime/bun/native.ts uses
// (bun-types is not a dependency). Bun only.
declare module "bun:ffi" {
  export function dlopen(
    path: string,
    symbols: Record<string, { args: string[]; returns: string }>,
  ): { symbols: Record<string, (...args: unknown[]) => unknown>; close(): void };
  export function toArrayBuffer(pointer: number, byteOffset?: number, byteLength?: number): ArrayBuffer;
}
