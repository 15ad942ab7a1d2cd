/**
 * Every entry exports the whole contract: tsc fails here when an entry's
 * export list misses a call or types it differently. (Type-only: nothing
 * imports this file, and no build bundles it.)
 */
import type { EntryPoint } from "./core/contract/api.js";
import type { BrowserEntryTypes } from "./runtime/browser/instance.js";

type Satisfies<T extends E, E> = T;
export type EntryChecks = [
  Satisfies<typeof import("./index.js"), EntryPoint>,
  Satisfies<typeof import("./runtime/node/index.js"), EntryPoint>,
  Satisfies<typeof import("./runtime/deno/index.js"), EntryPoint>,
  Satisfies<typeof import("./runtime/bun/index.js"), EntryPoint>,
  Satisfies<typeof import("./runtime/browser/index.js"), EntryPoint<BrowserEntryTypes>>,
];
