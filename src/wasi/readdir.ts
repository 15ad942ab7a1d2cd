/**
 * WASI `fd_readdir`'s encoding: dirents (d_next u64, d_ino u64, d_namlen
 * u32, d_type u8, 3 bytes of padding, then the name) from `cookie` on,
 * filling the buffer, the last one cut short when it does not fit (the
 * caller reads on from the last whole entry's d_next). The listing starts
 * with "." and "..", as Linux's getdents does.
 */
import type { HostDirEntry } from "./host-dir.js";

const DIRENT_SIZE = 24;
const encoder = new TextEncoder();

/** The bytes to copy into the caller's buffer of `bufLen` bytes. */
export function encodeDirents(entries: readonly HostDirEntry[], cookie: bigint, bufLen: number): Uint8Array {
  const out = new Uint8Array(bufLen);
  let used = 0;
  for (let i = Number(cookie); i < entries.length && used < bufLen; i++) {
    const e = entries[i]!;
    const name = encoder.encode(e.name);
    const header = new Uint8Array(DIRENT_SIZE);
    const hv = new DataView(header.buffer);
    hv.setBigUint64(0, BigInt(i + 1), true);
    hv.setBigUint64(8, e.ino, true);
    hv.setUint32(16, name.length, true);
    hv.setUint8(20, e.filetype);
    const whole = new Uint8Array(DIRENT_SIZE + name.length);
    whole.set(header);
    whole.set(name, DIRENT_SIZE);
    const n = Math.min(whole.length, bufLen - used);
    out.set(whole.subarray(0, n), used);
    used += n;
  }
  return out.subarray(0, used);
}

/**
 * "." and ".." first, then the directory's own entries. ".." has the
 * parent's inode number, as stat("dir/..") says (the directory's own where
 * the parent is out of reach: a preopened root).
 */
export function withDots(entries: readonly HostDirEntry[], self: HostDirEntry, parentIno: bigint): HostDirEntry[] {
  return [{ ...self, name: "." }, { ...self, name: "..", ino: parentIno }, ...entries];
}
