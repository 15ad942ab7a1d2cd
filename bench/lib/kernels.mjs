/**
 * The access kernels every JavaScript contender runs, so that contenders
 * differ only in how the bytes get there. The C contenders run the same
 * algorithms (bench/c/bench.c), and every kernel returns a checksum that the
 * bench compares with the value computed when the file was generated.
 */

export const PAGE = 4096;

/** "touch": the sum of one byte (the first) of every 4 KiB page of `u8`. */
export function touch(u8) {
  let s = 0;
  const n = u8.length;
  for (let i = 0; i < n; i += PAGE) s = (s + u8[i]) | 0;
  return s >>> 0;
}

/**
 * "scan": XOR of every 32-bit word of `u8` (byteOffset and length multiples
 * of 4). C computes the XOR of 64-bit words and folds the halves, which is
 * the same value on a little-endian machine. A plain loop: on V8 it beats
 * unrolled variants with several accumulators.
 */
export function xor32(u8) {
  if ((u8.byteOffset & 3) !== 0 || (u8.length & 3) !== 0) {
    throw new Error(`xor32 needs 4-byte alignment (byteOffset ${u8.byteOffset}, length ${u8.length})`);
  }
  const a = new Int32Array(u8.buffer, u8.byteOffset, u8.length >>> 2);
  let x = 0;
  for (let i = 0; i < a.length; i++) x ^= a[i];
  return x >>> 0;
}

/** The first byte of a page: what "reading a page" does in scenarios 3, 4 and 6. */
export function firstByte(u8) {
  return u8[0];
}
