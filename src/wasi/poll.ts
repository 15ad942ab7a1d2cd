/**
 * WASI `poll_oneoff` for programs run by `anymmap run`: what libc's
 * nanosleep/sleep/usleep (wasm/posix/sleep.c) and poll() wait on. A clock
 * subscription blocks the thread for the time asked (Atomics.wait where a
 * SharedArrayBuffer exists, else waiting on the clock); descriptor
 * subscriptions are ready at once (files, and anymmap's stdio, never block).
 */
import { WASI_ERRNO as E } from "../abi/errno.js";

const SUBSCRIPTION_SIZE = 48;
const EVENT_SIZE = 32;
const EVENTTYPE_CLOCK = 0;
const EVENTTYPE_FD_READ = 1;
const EVENTTYPE_FD_WRITE = 2;
const SUBCLOCKFLAGS_ABSTIME = 1;
const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;
const CLOCK_PROCESS_CPUTIME_ID = 2;
const CLOCK_THREAD_CPUTIME_ID = 3;

/** The clock's time in nanoseconds, as the host's clock_time_get reports it; undefined for an unknown clock. */
function clockNow(id: number): number | undefined {
  if (id === CLOCK_REALTIME) return Date.now() * 1e6;
  if (id === CLOCK_MONOTONIC || id === CLOCK_PROCESS_CPUTIME_ID || id === CLOCK_THREAD_CPUTIME_ID)
    return performance.now() * 1e6;
  return undefined;
}

let waitCell: Int32Array | undefined | null;

/**
 * How often a sleep looks at an interrupt cell it cannot wait on: one that a
 * signal handler writes in native memory (Deno's and Bun's runners).
 */
const UNSHARED_INTERRUPT_POLL_MS = 10;

/**
 * Blocks the calling thread for `ms` milliseconds, or until `interrupt` is
 * set: waited on when it is a shared cell, else looked at every
 * UNSHARED_INTERRUPT_POLL_MS.
 */
function block(ms: number, interrupt: Int32Array | undefined): void {
  const shared = typeof SharedArrayBuffer === "function" && interrupt?.buffer instanceof SharedArrayBuffer;
  if (!shared && waitCell === undefined) {
    try {
      // Atomics.wait needs a shared cell; a page that is not cross-origin
      // isolated has no SharedArrayBuffer, and a browser's main thread may not wait.
      waitCell = typeof SharedArrayBuffer === "function" ? new Int32Array(new SharedArrayBuffer(4)) : null;
      if (waitCell) Atomics.wait(waitCell, 0, 0, 0);
    } catch {
      waitCell = null;
    }
  }
  const cell = shared ? interrupt : waitCell;
  const slice = interrupt && !shared ? UNSHARED_INTERRUPT_POLL_MS : Number.POSITIVE_INFINITY;
  const end = performance.now() + ms;
  for (let left = ms; left > 0 && !(interrupt && Atomics.load(interrupt, 0) !== 0); left = end - performance.now()) {
    if (cell) Atomics.wait(cell, 0, 0, Math.min(left, slice));
  }
}

/**
 * `poll_oneoff(in, out, nsubscriptions, nevents_ptr)` over `memory()`'s
 * current buffer; a wait ends early once `interrupt` is set (the runner
 * stops the program: program.ts).
 */
export function pollOneoff(memory: () => WebAssembly.Memory | undefined, interrupt?: Int32Array) {
  return (inPtr: number, outPtr: number, count: number, neventsPtr: number): number => {
    const mem = memory();
    if (!mem) return E.EFAULT;
    inPtr >>>= 0;
    outPtr >>>= 0;
    neventsPtr >>>= 0;
    count >>>= 0;
    const dv = new DataView(mem.buffer);
    if (count === 0) return E.EINVAL;
    if (
      inPtr + count * SUBSCRIPTION_SIZE > dv.byteLength ||
      outPtr + count * EVENT_SIZE > dv.byteLength ||
      neventsPtr + 4 > dv.byteLength
    )
      return E.EFAULT;
    const events: { userdata: bigint; error: number; type: number }[] = [];
    let soonest = Number.POSITIVE_INFINITY;
    const clocks: { userdata: bigint; deadlineMs: number; error: number }[] = [];
    for (let i = 0; i < count; i++) {
      const s = inPtr + i * SUBSCRIPTION_SIZE;
      const userdata = dv.getBigUint64(s, true);
      const tag = dv.getUint8(s + 8);
      if (tag === EVENTTYPE_CLOCK) {
        const id = dv.getUint32(s + 16, true);
        const timeout = Number(dv.getBigUint64(s + 24, true));
        const flags = dv.getUint16(s + 40, true);
        const now = clockNow(id);
        if (now === undefined) {
          events.push({ userdata, error: E.EINVAL, type: EVENTTYPE_CLOCK });
          continue;
        }
        const waitNs = flags & SUBCLOCKFLAGS_ABSTIME ? timeout - now : timeout;
        const deadlineMs = performance.now() + Math.max(0, waitNs) / 1e6;
        clocks.push({ userdata, deadlineMs, error: E.SUCCESS });
        soonest = Math.min(soonest, deadlineMs);
      } else if (tag === EVENTTYPE_FD_READ || tag === EVENTTYPE_FD_WRITE) {
        events.push({ userdata, error: E.SUCCESS, type: tag });
      } else {
        events.push({ userdata, error: E.EINVAL, type: tag });
      }
    }
    if (events.length === 0 && clocks.length > 0) {
      block(soonest - performance.now(), interrupt);
      const now = performance.now();
      for (const c of clocks)
        if (c.deadlineMs <= now || c.deadlineMs === soonest)
          events.push({ userdata: c.userdata, error: c.error, type: EVENTTYPE_CLOCK });
    }
    const out = new DataView(mem.buffer);
    new Uint8Array(mem.buffer, outPtr, events.length * EVENT_SIZE).fill(0);
    events.forEach((ev, i) => {
      const o = outPtr + i * EVENT_SIZE;
      out.setBigUint64(o, ev.userdata, true);
      out.setUint16(o + 8, ev.error, true);
      out.setUint8(o + 10, ev.type);
    });
    out.setUint32(neventsPtr, events.length, true);
    return E.SUCCESS;
  };
}
