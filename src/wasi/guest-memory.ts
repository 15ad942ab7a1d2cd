/**
 * The guest's linear memory as the WASI host reads and writes it: cached
 * views, bounds checks and the little-endian stores the preview1 ABI uses.
 * A pointer outside memory throws FAULT, which the host's boundary turns
 * into EFAULT.
 */

/** A pointer outside memory; caught at the boundary and returned as EFAULT. */
class Fault {}
export const FAULT: unknown = new Fault();

export class GuestMemory {
  #memory?: WebAssembly.Memory;
  // Views are cached because building them per call shows up in page-in
  // profiles; they go stale when memory grows (new buffer) or is detached.
  #buffer?: ArrayBuffer;
  /** The bytes of memory, valid after `views()`. */
  u8 = new Uint8Array(0);
  /** The same bytes for multi-byte loads and stores, valid after `views()`. */
  dv = new DataView(new ArrayBuffer(0));

  /** Points at the instance's memory; call before any export runs. */
  setMemory(memory: WebAssembly.Memory): void {
    this.#memory = memory;
    this.#buffer = undefined;
  }

  /** Refreshes `u8` and `dv` if memory grew or was replaced; FAULT without memory. */
  views(): void {
    const memory = this.#memory;
    if (!memory) throw FAULT;
    const buffer = memory.buffer;
    if (buffer !== this.#buffer || buffer.byteLength === 0) {
      this.#buffer = buffer;
      this.u8 = new Uint8Array(buffer);
      this.dv = new DataView(buffer);
    }
  }

  check(ptr: number, len: number): void {
    if (ptr + len > this.u8.byteLength) throw FAULT;
  }

  setU32(ptr: number, v: number): void {
    this.check(ptr, 4);
    this.dv.setUint32(ptr, v, true);
  }

  setU64(ptr: number, v: bigint): void {
    this.check(ptr, 8);
    this.dv.setBigUint64(ptr, v, true);
  }

  /** The buffer of the i-th iovec of the array at `iovs`. */
  iov(iovs: number, i: number): Uint8Array {
    const at = iovs + i * 8;
    this.check(at, 8);
    const ptr = this.dv.getUint32(at, true);
    const len = this.dv.getUint32(at + 4, true);
    this.check(ptr, len);
    return new Uint8Array(this.u8.buffer, ptr, len);
  }
}
