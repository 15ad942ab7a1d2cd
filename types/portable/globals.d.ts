// The few web-platform globals the portable layers (src/abi, src/wasi,
// src/core) use, which every runtime anymmap targets provides (Node, Deno,
// Bun, browsers). tsconfig.core.json compiles those layers with these and
// types/webassembly.d.ts only, so nothing Node- or DOM-specific creeps in.
// Shapes trimmed from lib.dom.d.ts; a script (no import/export), so it
// declares globals. The main tsconfig.json leaves it out (@types/node has them).

declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}

interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
}

declare var performance: { now(): number; readonly timeOrigin: number };

declare var crypto: { getRandomValues<T extends ArrayBufferView>(array: T): T };

declare class URL {
  constructor(url: string, base?: string);
  readonly href: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly pathname: string;
}
