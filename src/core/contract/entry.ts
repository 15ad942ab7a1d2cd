/**
 * Builds a runtime entry's exports from the runtime's way of making an
 * address space, so that every entry exports the same calls with the same
 * documentation (on the contract, `EntryPoint` in api.ts).
 */
import type {
  Backend,
  DefaultEntryTypes,
  EntryCall,
  EntryPoint,
  EntryTypes,
  HostIOStats,
  Info,
  InstanceOptions,
} from "./api.js";
import { PAGE_SIZE } from "./constants.js";

declare const __ANYMMAP_VERSION__: string;

/** The package version. */
export const version: string = typeof __ANYMMAP_VERSION__ === "string" ? __ANYMMAP_VERSION__ : "0.0.0-dev";

/** 4096: every offset, length and address rule is in these pages. */
export const pageSize: typeof PAGE_SIZE = PAGE_SIZE;

/** The calls `createEntry` makes; `version` and `pageSize` are the same everywhere and exported from this module. */
export type EntryCalls<T extends EntryTypes> = Omit<EntryPoint<T>, "version" | "pageSize">;

/** What `createEntry` needs of an address space: the entry's calls, typed for the runtime's sources and mappings. */
export interface EntryInstance<T extends EntryTypes> {
  readonly backend: Backend;
  readonly hostIO: HostIOStats;
  mmapSync: EntryCall.MmapSync<T>;
  mmap: EntryCall.Mmap<T>;
  mmapWindowedSync: EntryCall.MmapWindowedSync<T>;
  mmapWindowed: EntryCall.MmapWindowed<T>;
  openSync: EntryCall.OpenSync;
  open: EntryCall.Open<T>;
  munmap: EntryCall.Munmap;
  msync: EntryCall.Msync;
  mprotect: EntryCall.Mprotect;
  madvise: EntryCall.Madvise;
  mincore: EntryCall.Mincore;
  attach: EntryCall.Attach<T>;
  info(): Info;
}

/**
 * A runtime entry: `createInstance` is `newInstance`, every other call goes to
 * one default address space, made on first use (`backend` is read at once,
 * which loads the native engine where the runtime has one). `defaultInstance`
 * is for a runtime's own exports beyond the contract (the browser's `flush`).
 */
export function createEntry<T extends EntryTypes = DefaultEntryTypes>(
  newInstance: (options?: InstanceOptions) => NoInfer<T["instance"] & EntryInstance<T>>,
): EntryCalls<T> & { readonly defaultInstance: () => T["instance"] & EntryInstance<T> } {
  type Instance = T["instance"] & EntryInstance<T>;
  let shared: Instance | undefined;
  const instance = (): Instance => (shared ??= newInstance());
  return {
    defaultInstance: instance,
    backend: instance().backend,
    createInstance: (options) => newInstance(options),
    mmapSync: (source, options) => instance().mmapSync(source, options),
    mmap: (source, options) => instance().mmap(source, options),
    mmapWindowedSync: (source, options) => instance().mmapWindowedSync(source, options),
    mmapWindowed: (source, options) => instance().mmapWindowed(source, options),
    openSync: (path, flags, mode, backend) => instance().openSync(path, flags, mode, backend),
    open: (source, flags, mode, backend) => instance().open(source, flags, mode, backend),
    munmap: (address, length) => instance().munmap(address, length),
    msync: (address, length, flags) => instance().msync(address, length, flags),
    mprotect: (address, length, prot) => instance().mprotect(address, length, prot),
    madvise: (address, length, advice) => instance().madvise(address, length, advice),
    mincore: (address, length) => instance().mincore(address, length),
    attach: (handle) => instance().attach(handle),
    info: () => instance().info(),
    hostIO: () => instance().hostIO,
  };
}
