import { NAMES, PAGE_SIZE, type ConstantFamily } from "./constants.js";
import { MmapError } from "./errors.js";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** A value as an error message shows it, without calling anything of it (no toString, no getters). */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === null) return "null";
  if (typeof value === "object") return Array.isArray(value) ? "an array" : "an object";
  if (typeof value === "function") return "a function";
  return String(value);
}

/**
 * An integer in [min, max], or EINVAL saying which argument and what it must be.
 */
export function integer(value: unknown, name: string, syscall: string, min = 0, max = MAX_SAFE): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    // Past 2^53 - 1 a number is not exact: say the limit rather than ">= 0" of a value that is.
    const range =
      max !== MAX_SAFE
        ? `between ${min} and ${max}`
        : typeof value === "number" && value > max
          ? `<= 2^53 - 1`
          : `>= ${min}`;
    throw new MmapError("EINVAL", syscall, `${name} must be an integer ${range}, got ${describeValue(value)}`);
  }
  // -0 is an integer 0 that Node's fs bindings and FFI calls refuse (Node aborts on it).
  return value === 0 ? 0 : value;
}

/** An integer multiple of the page size. */
export function pageAligned(value: unknown, name: string, syscall: string): number {
  const n = integer(value, name, syscall);
  if (n % PAGE_SIZE !== 0) {
    const down = n - (n % PAGE_SIZE);
    throw new MmapError(
      "EINVAL",
      syscall,
      `${name} ${n} is not a multiple of the page size ${PAGE_SIZE}; use ${down} and add ${n - down} to your positions`,
    );
  }
  return n;
}

/** Parsed name strings by family ("shared", "read|write"): every mmap parses its flags, and mostly the same few. */
const parsedBits = new Map<string, number>();

/**
 * Bits of a constant family from a number, or from names joined by "|"
 * ("read|write", "PROT_READ", "shared|populate"); for PROT also letters
 * ("rw", "rwx", "none").
 */
export function bits(family: ConstantFamily, value: unknown, name: string, syscall: string): number {
  if (typeof value === "number") return integer(value, name, syscall, 0, 0x7fffffff);
  if (typeof value !== "string") {
    throw new MmapError(
      "EINVAL",
      syscall,
      `${name} must be a number or a string of ${family}_ names, got ${describeValue(value)}`,
    );
  }
  const table: Record<string, number> = NAMES[family];
  if (family === "PROT" && /^[rwx]+$/.test(value)) {
    return (value.includes("r") ? 1 : 0) | (value.includes("w") ? 2 : 0) | (value.includes("x") ? 4 : 0);
  }
  const key = `${family}:${value}`;
  const known = parsedBits.get(key);
  if (known !== undefined) return known;
  const prefix = `${family.toLowerCase()}_`;
  let result = 0;
  for (const raw of value.split("|")) {
    const lower = raw.trim().toLowerCase();
    const token = lower.startsWith(prefix) ? lower.slice(prefix.length) : lower;
    // Own names only: "constructor" or "__proto__" must not find Object.prototype's.
    const bit = Object.hasOwn(table, token) ? table[token] : undefined;
    if (bit === undefined) {
      throw new MmapError(
        "EINVAL",
        syscall,
        `unknown ${name} ${JSON.stringify(raw.trim())}; use one of ${Object.keys(table).join(", ")} (joined by "|"), or a number`,
      );
    }
    result |= bit;
  }
  // Bounded: a program that builds its flag strings anew each time must not grow the cache forever.
  if (parsedBits.size < 256) parsedBits.set(key, result);
  return result;
}

/** An optional function option, or EINVAL naming it. */
export function optionalFunction(value: unknown, name: string, syscall: string): void {
  if (value !== undefined && typeof value !== "function") {
    throw new MmapError("EINVAL", syscall, `${name} must be a function, got ${describeValue(value)}`);
  }
}

/** An optional AbortSignal option (anything with a boolean `aborted`, as signals of other realms), or EINVAL naming it. */
export function optionalSignal(value: unknown, name: string, syscall: string): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || typeof (value as { aborted?: unknown }).aborted !== "boolean") {
    throw new MmapError(
      "EINVAL",
      syscall,
      `${name} must be an AbortSignal (e.g. AbortSignal.timeout(ms) or an AbortController's signal), got ${describeValue(value)}`,
    );
  }
  return value as AbortSignal;
}

/** The remote-read bounds among a call's options (timeout in ms, signal), checked. */
export function remoteOptions(
  options: { timeout?: unknown; signal?: unknown },
  syscall: string,
): { timeout?: number; signal?: AbortSignal } {
  const out: { timeout?: number; signal?: AbortSignal } = {};
  if (options.timeout !== undefined) out.timeout = integer(options.timeout, "timeout", syscall, 1, 2 ** 31 - 1);
  const signal = optionalSignal(options.signal, "signal", syscall);
  if (signal !== undefined) out.signal = signal;
  return out;
}

/** An optional backend choice option, or EINVAL naming it. */
export function optionalBackend(value: unknown, syscall: string): void {
  if (value !== undefined && value !== "auto" && value !== "native" && value !== "wasm") {
    throw new MmapError("EINVAL", syscall, `backend must be "auto", "native" or "wasm", got ${describeValue(value)}`);
  }
}

/** The options of a long operation (find, populate, msync of a windowed mapping), checked: { signal?, onProgress? }. */
export function longOperation(
  options: unknown,
  syscall: string,
): { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) {
    throw new MmapError(
      "EINVAL",
      syscall,
      `options must be an object such as { signal, onProgress }, got ${describeValue(options)}`,
    );
  }
  const o = options as { signal?: unknown; onProgress?: unknown };
  optionalSignal(o.signal, "signal", syscall);
  optionalFunction(o.onProgress, "onProgress", syscall);
  return o as { signal?: AbortSignal; onProgress?: (done: number, total: number) => void };
}

/**
 * A `URL` object as the path string anymmap opens, as Node's fs takes one:
 * a `file:` URL as the path it names (`new URL("./data.bin",
 * import.meta.url)`), an `http:`/`https:` URL as its text (read remotely).
 * Any other value is returned as it is, for the caller's own checks.
 */
export function urlSource<T>(source: T, syscall: string): Exclude<T, URL> | string {
  if (!(source instanceof URL)) return source as Exclude<T, URL>;
  const { protocol, hostname, pathname, href } = source;
  if (protocol === "http:" || protocol === "https:") return href;
  if (protocol !== "file:") {
    throw new MmapError(
      "EINVAL",
      syscall,
      `only file:, http: and https: URLs name something anymmap can map, got ${JSON.stringify(protocol)}`,
    );
  }
  if (hostname !== "" && hostname !== "localhost") {
    throw new MmapError(
      "EINVAL",
      syscall,
      `the file: URL names a file on the host ${JSON.stringify(hostname)}; only local files (file:///path) can be mapped`,
    );
  }
  // As Node's fileURLToPath: an encoded "/" would turn one name into two directories.
  if (/%2f/i.test(pathname)) {
    throw new MmapError("EINVAL", syscall, `a file: URL path must not contain an encoded "/" (%2F), got ${href}`);
  }
  try {
    return decodeURIComponent(pathname);
  } catch {
    throw new MmapError("EINVAL", syscall, `the file: URL's path is not valid percent-encoded UTF-8: ${href}`);
  }
}

/** %TypedArray%.prototype's own getters: a subclass or an own property cannot change what they answer. */
const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
function intrinsicGetter(key: PropertyKey): (this: unknown) => unknown {
  const get = Object.getOwnPropertyDescriptor(typedArrayPrototype, key)?.get;
  if (!get) throw new Error(`anymmap: %TypedArray%.prototype has no ${String(key)} getter`);
  return get as (this: unknown) => unknown;
}
const tagOf = intrinsicGetter(Symbol.toStringTag);
const bufferOf = intrinsicGetter("buffer");
const byteOffsetOf = intrinsicGetter("byteOffset");
const lengthOf = intrinsicGetter("length");

/**
 * The caller's Uint8Array as a plain Uint8Array over the same bytes, read
 * through the intrinsic getters, or undefined for anything else (a Proxy,
 * another typed array). A subclass's `length` getter or `Symbol.species`
 * (which `subarray` calls) is the caller's code: run in the middle of a
 * call, it could unmap the mapping and map another file at its address, so
 * every call reads a caller's buffer once, here, and uses only the copy of
 * its bounds. A detached buffer is an empty array.
 */
export function plainBytes(value: unknown): Uint8Array | undefined {
  if (tagOf.call(value) !== "Uint8Array") return undefined;
  const length = lengthOf.call(value) as number;
  if (length === 0) return new Uint8Array(0);
  return new Uint8Array(bufferOf.call(value) as ArrayBufferLike, byteOffsetOf.call(value) as number, length);
}
