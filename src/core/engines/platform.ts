/**
 * The operating systems the native backend runs on: each one's values of
 * the mman constants, open flags and errno numbers. anymmap's API speaks
 * Linux x86-64 values everywhere (src/core/contract/constants.ts); the native engine
 * translates them through this table, so adding an OS (macOS) is adding a
 * row here, not touching the engine's logic.
 */
import type { ConstantFamily } from "../contract/constants.js";
import { NAMES } from "../contract/constants.js";
import { linuxErrnoName } from "../../abi/errno.js";

/** One operating system's numbers, for the native backend (Node, Deno, Bun). */
export interface Platform {
  readonly name: string;
  readonly pageSize: number;
  /** User addresses are below this. */
  readonly addressLimit: number;
  /** By constant family, the OS value of each readable name; a name missing here is not supported by the OS. */
  readonly values: { readonly [F in ConstantFamily]: Readonly<Record<string, number>> };
  /** Flags anymmap itself needs that users do not pass. */
  readonly MAP_ANONYMOUS: number;
  readonly MAP_FIXED: number;
  readonly MAP_FIXED_NOREPLACE: number;
  readonly MAP_NORESERVE: number;
  readonly O: {
    readonly RDONLY: number;
    readonly WRONLY: number;
    readonly RDWR: number;
    readonly CREAT: number;
    readonly EXCL: number;
    readonly TRUNC: number;
    readonly APPEND: number;
    readonly ACCMODE: number;
  };
  /** The POSIX name of an errno number of this OS. */
  errnoName(errno: number): string;
}

const LINUX: Platform = {
  name: "linux",
  pageSize: 4096,
  addressLimit: 2 ** 47,
  // The API's values are Linux's: the table is the identity.
  values: NAMES,
  MAP_ANONYMOUS: 0x20,
  MAP_FIXED: 0x10,
  MAP_FIXED_NOREPLACE: 0x100000,
  MAP_NORESERVE: 0x4000,
  O: { RDONLY: 0, WRONLY: 1, RDWR: 2, CREAT: 0o100, EXCL: 0o200, TRUNC: 0o1000, APPEND: 0o2000, ACCMODE: 3 },
  errnoName: linuxErrnoName,
};

/** Platforms by `process.platform`-style name. */
export const PLATFORMS: Readonly<Record<string, Platform>> = { linux: LINUX };

/**
 * An API (Linux) value of a constant family in the OS's numbers: bit flags
 * name by name, enumerations (MADV) value for value. Undefined when the OS
 * lacks one of the names.
 */
export function toPlatform(platform: Platform, family: ConstantFamily, value: number): number | undefined {
  const api = NAMES[family];
  const os = platform.values[family];
  if (family === "MADV") {
    const name = Object.keys(api).find((k) => api[k] === value);
    return name === undefined ? (platform === LINUX ? value : undefined) : os[name];
  }
  let out = 0;
  let rest = value;
  // Longest masks first, so MAP_SHARED_VALIDATE (3) is not read as shared|private.
  for (const name of Object.keys(api).sort((a, b) => api[b]! - api[a]!)) {
    const bit = api[name]!;
    if (bit === 0 || (rest & bit) !== bit) continue;
    const mapped = os[name];
    if (mapped === undefined) return undefined;
    out |= mapped;
    rest &= ~bit;
  }
  return rest === 0 ? out : platform === LINUX ? out | rest : undefined;
}

/**
 * prot and flags of one private anonymous read-write page in an OS's numbers:
 * what the runtime adapters map to check, at load, that their buffers over
 * mapped memory can be made and detached. Throws for an OS without a table.
 */
export function probeFlags(name: string): { prot: number; flags: number } {
  const platform = PLATFORMS[name];
  if (!platform)
    throw new Error(
      `no platform table for ${name} (src/core/engines/platform.ts has ${Object.keys(PLATFORMS).join(", ")})`,
    );
  return {
    prot: platform.values.PROT.read! | platform.values.PROT.write!,
    flags: platform.values.MAP.private! | platform.MAP_ANONYMOUS,
  };
}
