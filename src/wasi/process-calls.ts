/**
 * The process calls of the WASI host: argv and environ, clocks, random bytes.
 * They touch no descriptor, only the guest's memory.
 */
import { WASI_ERRNO as E } from "../abi/errno.js";
import { CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_REALTIME, CLOCK_THREAD_CPUTIME_ID } from "../abi/wasi.js";
import type { GuestMemory } from "./guest-memory.js";

const RANDOM_CHUNK = 65536;

/**
 * Thrown by `proc_exit`: the one exception that crosses the WebAssembly
 * boundary, on purpose, because exit must unwind the C stack and nothing
 * else can. Callers of exports catch it and read `code`.
 */
export class WasiExit extends Error {
  override readonly name = "WasiExit";
  readonly code: number;

  constructor(code: number) {
    super(`WASI program exited with code ${code}`);
    this.code = code;
  }
}

/** argv or environ as the guest receives them: NUL-terminated UTF-8 strings. */
export interface EncodedStrings {
  bytes: Uint8Array[];
  total: number;
}

export function encodeStrings(list: string[]): EncodedStrings {
  const enc = new TextEncoder();
  const bytes = list.map((s) => {
    const b = enc.encode(s);
    const z = new Uint8Array(b.length + 1);
    z.set(b);
    return z;
  });
  return { bytes, total: bytes.reduce((sum, b) => sum + b.length, 0) };
}

export function sizesGet(mem: GuestMemory, list: EncodedStrings, countPtr: number, sizePtr: number): number {
  mem.views();
  mem.check(countPtr, 4);
  mem.check(sizePtr, 4);
  mem.setU32(countPtr, list.bytes.length);
  mem.setU32(sizePtr, list.total);
  return E.SUCCESS;
}

export function stringsGet(mem: GuestMemory, list: EncodedStrings, ptrsPtr: number, bufPtr: number): number {
  mem.views();
  mem.check(ptrsPtr, list.bytes.length * 4);
  mem.check(bufPtr, list.total);
  let at = bufPtr;
  list.bytes.forEach((b, i) => {
    mem.dv.setUint32(ptrsPtr + i * 4, at, true);
    mem.u8.set(b, at);
    at += b.length;
  });
  return E.SUCCESS;
}

export function clockTimeGet(mem: GuestMemory, id: number, timePtr: number): number {
  let ns: bigint;
  if (id === CLOCK_REALTIME) ns = BigInt(Date.now()) * 1_000_000n;
  // No portable CPU clock exists in JS; elapsed time is the closest honest stand-in.
  else if (id === CLOCK_MONOTONIC || id === CLOCK_PROCESS_CPUTIME_ID || id === CLOCK_THREAD_CPUTIME_ID)
    ns = BigInt(Math.round(performance.now() * 1e6));
  else return E.EINVAL;
  mem.views();
  mem.setU64(timePtr, ns);
  return E.SUCCESS;
}

/** clock_res_get: what clockTimeGet can tell apart (Date.now() counts milliseconds; performance.now() at best microseconds). */
export function clockResGet(mem: GuestMemory, id: number, resolutionPtr: number): number {
  let ns: bigint;
  if (id === CLOCK_REALTIME) ns = 1_000_000n;
  else if (id === CLOCK_MONOTONIC || id === CLOCK_PROCESS_CPUTIME_ID || id === CLOCK_THREAD_CPUTIME_ID) ns = 1_000n;
  else return E.EINVAL;
  mem.views();
  mem.setU64(resolutionPtr, ns);
  return E.SUCCESS;
}

export function randomGet(mem: GuestMemory, buf: number, len: number): number {
  mem.views();
  mem.check(buf, len);
  // Browsers refuse getRandomValues on views of shared memory.
  const shared = typeof SharedArrayBuffer !== "undefined" && (mem.u8.buffer as unknown) instanceof SharedArrayBuffer;
  for (let at = 0; at < len; at += RANDOM_CHUNK) {
    const n = Math.min(RANDOM_CHUNK, len - at);
    if (shared) {
      const tmp = new Uint8Array(n);
      crypto.getRandomValues(tmp);
      mem.u8.set(tmp, buf + at);
    } else {
      crypto.getRandomValues(new Uint8Array(mem.u8.buffer, buf + at, n));
    }
  }
  return E.SUCCESS;
}
