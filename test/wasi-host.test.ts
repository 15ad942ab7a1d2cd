import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeEach, describe, expect, test } from "vitest";
import { WASI_ERRNO, errnoName, linuxErrno, wasiErrnoFromName } from "../src/abi/errno.js";
import { MmapError, isMmapError } from "../src/core/contract/errors.js";
import { FILETYPE_DIRECTORY, FILETYPE_REGULAR_FILE, FILETYPE_UNKNOWN, HostFile } from "../src/wasi/host-file.js";
import { WASI_RIGHTS } from "../src/abi/wasi.js";
import { WasiExit, WasiHost } from "../src/wasi/host.js";
import { MemoryDir } from "../src/wasi/memory-dir.js";
import { CORE_WASI_CALLS } from "../src/wasi/program.js";
import { NodeHostFile } from "../src/runtime/node-fs/node-file.js";
import { mapNodeError, nodeErrorName } from "../src/runtime/node-fs/map-error.js";

const E = WASI_ERRNO;
type Fn = (...args: Array<number | bigint>) => number;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "anymmap-wasi-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let seq = 0;
function tmpFile(contents: Uint8Array | string = ""): string {
  const p = path.join(tmp, `f${seq++}`);
  fs.writeFileSync(p, contents);
  return p;
}

// Fixed scratch layout inside a 2-page (128 KiB) memory.
const OUT = 0x80; // nread / nwritten / u64 results
const IOVS = 0x100;
const BUF = 0x1000;
const STAT = 0x800;

let memory: WebAssembly.Memory;
let host: WasiHost;
let w: Record<string, Fn>;
const opened: HostFile[] = [];

beforeEach(() => {
  memory = new WebAssembly.Memory({ initial: 2 });
  host = new WasiHost({ memory });
  w = host.imports().wasi_snapshot_preview1 as unknown as Record<string, Fn>;
});
afterEach(() => {
  for (const f of opened.splice(0)) f.close();
});

function u8(): Uint8Array {
  return new Uint8Array(memory.buffer);
}
function dv(): DataView {
  return new DataView(memory.buffer);
}
function u32(ptr: number): number {
  return dv().getUint32(ptr, true);
}
function u64(ptr: number): bigint {
  return dv().getBigUint64(ptr, true);
}
function setIovs(list: Array<[ptr: number, len: number]>): number {
  list.forEach(([p, l], i) => {
    dv().setUint32(IOVS + i * 8, p, true);
    dv().setUint32(IOVS + i * 8 + 4, l, true);
  });
  return list.length;
}
function openNode(p: string, flags: string): { fd: number; file: NodeHostFile } {
  const file = NodeHostFile.open(p, flags);
  opened.push(file);
  return { fd: host.open(file), file };
}
function pwrite(fd: number, bytes: Uint8Array, offset: bigint): number {
  u8().set(bytes, BUF);
  const n = setIovs([[BUF, bytes.length]]);
  return w.fd_pwrite(fd, IOVS, n, offset, OUT);
}
function pread(fd: number, len: number, offset: bigint): { errno: number; bytes: Uint8Array } {
  u8().fill(0xee, BUF, BUF + len);
  const n = setIovs([[BUF, len]]);
  const errno = w.fd_pread(fd, IOVS, n, offset, OUT);
  return { errno, bytes: u8().slice(BUF, BUF + (errno === 0 ? u32(OUT) : 0)) };
}
function filestat(fd: number) {
  const errno = w.fd_filestat_get(fd, STAT);
  return {
    errno,
    dev: u64(STAT),
    ino: u64(STAT + 8),
    filetype: u8()[STAT + 16],
    nlink: u64(STAT + 24),
    size: u64(STAT + 32),
    atim: u64(STAT + 40),
    mtim: u64(STAT + 48),
    ctim: u64(STAT + 56),
  };
}
function fdstat(fd: number) {
  const errno = w.fd_fdstat_get(fd, STAT);
  return {
    errno,
    filetype: u8()[STAT],
    flags: dv().getUint16(STAT + 2, true),
    rights: u64(STAT + 8),
    inheriting: u64(STAT + 16),
  };
}
const text = (s: string) => new TextEncoder().encode(s);

describe("errno table", () => {
  test("WASI numbering and names round-trip for all 77 codes", () => {
    expect(WASI_ERRNO.SUCCESS).toBe(0);
    expect(WASI_ERRNO.EBADF).toBe(8);
    expect(WASI_ERRNO.EINVAL).toBe(28);
    expect(WASI_ERRNO.EIO).toBe(29);
    expect(WASI_ERRNO.ENOTSUP).toBe(58);
    expect(WASI_ERRNO.EOVERFLOW).toBe(61);
    expect(WASI_ERRNO.ENOTCAPABLE).toBe(76);
    const names = Object.keys(WASI_ERRNO);
    expect(names).toHaveLength(77);
    for (let n = 0; n <= 76; n++) {
      const name = errnoName(n);
      expect(wasiErrnoFromName(name)).toBe(n);
      expect(WASI_ERRNO[name as keyof typeof WASI_ERRNO]).toBe(n);
      expect(errnoName(-n)).toBe(name);
    }
  });

  test("Linux numbers", () => {
    expect(linuxErrno("EBADF")).toBe(9);
    expect(linuxErrno("EINVAL")).toBe(22);
    expect(linuxErrno("ENOMEM")).toBe(12);
    expect(linuxErrno("EACCES")).toBe(13);
    expect(linuxErrno("EFAULT")).toBe(14);
    expect(linuxErrno("EEXIST")).toBe(17);
    expect(linuxErrno("ENODEV")).toBe(19);
    expect(linuxErrno("ENOTSUP")).toBe(95);
    expect(linuxErrno("EOPNOTSUPP")).toBe(95);
    expect(linuxErrno("EWOULDBLOCK")).toBe(11);
    expect(linuxErrno("ENOTCAPABLE")).toBe(76);
    expect(linuxErrno("SUCCESS")).toBe(0);
    expect(linuxErrno("ENOPE")).toBeUndefined();
  });

  test.runIf(process.platform === "linux")("Linux numbers agree with the running kernel's (os.constants.errno)", () => {
    const sys = os.constants.errno as Record<string, number>;
    let checked = 0;
    for (const name of Object.keys(sys)) {
      if (linuxErrno(name) === undefined) continue;
      expect([name, linuxErrno(name)]).toEqual([name, sys[name]]);
      checked++;
    }
    expect(checked).toBeGreaterThan(70);
    for (const name of Object.keys(WASI_ERRNO)) {
      // Node's list omits a few (e.g. ENOTRECOVERABLE); those were checked against the headers.
      if (name === "SUCCESS" || name === "ENOTCAPABLE" || sys[name] === undefined) continue;
      expect([name, sys[name]]).toEqual([name, linuxErrno(name)]);
    }
  });

  test("aliases and Emscripten-only numbers", () => {
    expect(wasiErrnoFromName("EOPNOTSUPP")).toBe(58);
    expect(wasiErrnoFromName("EWOULDBLOCK")).toBe(6);
    expect(wasiErrnoFromName("ENODATA")).toBeUndefined();
    expect(wasiErrnoFromName("nope")).toBeUndefined();
    expect(errnoName(116)).toBe("ENODATA");
    expect(linuxErrno("ENODATA")).toBe(61);
    expect(errnoName(138)).toBe("ENOTSUP"); // Emscripten's C ENOTSUP
    expect(errnoName(999)).toBe("E?999");
  });
});

describe("MmapError", () => {
  test("fields and message", () => {
    const cause = new Error("inner");
    const e = new MmapError("EACCES", "open", "permission denied", { path: "/x/y", cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("MmapError");
    expect(e.code).toBe("EACCES");
    expect(e.errno).toBe(13);
    expect(e.syscall).toBe("open");
    expect(e.path).toBe("/x/y");
    expect(e.cause).toBe(cause);
    expect(e.message).toBe("EACCES: permission denied (open '/x/y')");
    const f = new MmapError("EINVAL", "mmap", "length is 0");
    expect(f.message).toBe("EINVAL: length is 0 (mmap)");
    expect(f.path).toBeUndefined();
    expect("path" in f).toBe(false);
    expect(f.errno).toBe(22);
  });

  test("fromWasi and isMmapError", () => {
    const e = MmapError.fromWasi(8, "msync", "bad descriptor");
    expect([e.code, e.errno, e.syscall]).toEqual(["EBADF", 9, "msync"]);
    expect(MmapError.fromWasi(-28, "mmap", "x").code).toBe("EINVAL");
    expect(MmapError.fromWasi(48, "mmap", "x").errno).toBe(12);
    expect(isMmapError(e)).toBe(true);
    expect(isMmapError(new Error("x"))).toBe(false);
    expect(isMmapError({ name: "MmapError", code: "EINVAL", errno: 22, syscall: "mmap" })).toBe(false);
    // A copy of the class from a second bundle still counts.
    const foreign = Object.assign(new Error("x"), { name: "MmapError", code: "EINVAL", errno: 22, syscall: "mmap" });
    expect(isMmapError(foreign)).toBe(true);
  });
});

describe("Node errors", () => {
  test("mapNodeError / nodeErrorName", () => {
    const sys = (code: string) => Object.assign(new Error(code), { code });
    expect(mapNodeError(sys("ENOENT"))).toBe(44);
    expect(mapNodeError(sys("EOPNOTSUPP"))).toBe(58);
    expect(mapNodeError(sys("EBADF"))).toBe(8);
    expect(mapNodeError(sys("ERR_OUT_OF_RANGE"))).toBe(28);
    expect(mapNodeError(sys("EWHATEVER"))).toBe(29);
    expect(mapNodeError(sys("ENODATA"))).toBe(29);
    expect(mapNodeError("string")).toBe(29);
    expect(mapNodeError(null)).toBe(29);
    expect(nodeErrorName(sys("EOPNOTSUPP"))).toBe("ENOTSUP");
    let real: unknown;
    try {
      fs.readFileSync(path.join(tmp, "does-not-exist"));
    } catch (e) {
      real = e;
    }
    expect(mapNodeError(real)).toBe(E.ENOENT);
  });

  test("NodeHostFile.open throws a helpful MmapError", () => {
    const missing = path.join(tmp, "missing", "file");
    let err: unknown;
    try {
      NodeHostFile.open(missing, "r");
    } catch (e) {
      err = e;
    }
    expect(isMmapError(err)).toBe(true);
    const m = err as MmapError;
    expect([m.code, m.errno, m.syscall, m.path]).toEqual(["ENOENT", 2, "open", missing]);
    expect(m.message).toContain("check the path");
    expect((m.cause as { code: string }).code).toBe("ENOENT");
    const existing = tmpFile("x");
    expect(() => NodeHostFile.open(existing, "wx")).toThrow(/EEXIST/);
    expect(() => NodeHostFile.open(tmp, "r+")).toThrow(/EISDIR/);
    expect(() => NodeHostFile.open(existing, "q")).toThrow(/EINVAL/);
  });

  test("access derived from string and numeric flags", () => {
    const p = tmpFile("abc");
    const c = fs.constants;
    const cases: Array<[string | number, boolean, boolean, boolean]> = [
      ["r", true, false, false],
      ["rs+", true, true, false],
      ["r+", true, true, false],
      ["w", false, true, false],
      ["w+", true, true, false],
      ["a", false, true, true],
      ["a+", true, true, true],
      [c.O_RDONLY, true, false, false],
      [c.O_WRONLY, false, true, false],
      [c.O_RDWR | c.O_APPEND, true, true, true],
    ];
    for (const [flags, r, wr, a] of cases) {
      const f = NodeHostFile.open(p, flags);
      expect([flags, f.readable, f.writable, f.append]).toEqual([flags, r, wr, a]);
      expect(f.path).toBe(p);
      expect(f.close()).toBe(0);
      expect(f.fd).toBe(-1);
      expect(f.close()).toBe(-E.EBADF);
    }
    const x = path.join(tmp, "new-exclusive");
    const f = NodeHostFile.open(x, "wx", 0o600);
    expect(f.writable).toBe(true);
    expect(fs.statSync(x).mode & 0o777).toBe(0o600);
    f.close();
  });
});

describe("WasiHost file I/O", () => {
  test("open assigns the lowest free descriptor from 3", () => {
    const p = tmpFile("x");
    const a = openNode(p, "r");
    const b = openNode(p, "r");
    expect([a.fd, b.fd]).toEqual([3, 4]);
    expect(host.file(3)).toBe(a.file);
    expect(host.file(0)).toBeUndefined();
    expect(w.fd_close(3)).toBe(0);
    expect(openNode(p, "r").fd).toBe(3);
  });

  test("pwrite/pread at offsets with several iovecs", () => {
    const p = tmpFile("0123456789abcdef");
    const { fd } = openNode(p, "r+");
    u8().set(text("HEL"), BUF);
    u8().set(text("LO"), BUF + 100);
    let n = setIovs([
      [BUF, 3],
      [BUF + 50, 0],
      [BUF + 100, 2],
    ]);
    expect(w.fd_pwrite(fd, IOVS, n, 4n, OUT)).toBe(0);
    expect(u32(OUT)).toBe(5);
    expect(fs.readFileSync(p, "latin1")).toBe("0123HELLO9abcdef");

    n = setIovs([
      [BUF + 200, 2],
      [BUF + 300, 4],
    ]);
    expect(w.fd_pread(fd, IOVS, n, 2n, OUT)).toBe(0);
    expect(u32(OUT)).toBe(6);
    expect(new TextDecoder().decode(u8().slice(BUF + 200, BUF + 202))).toBe("23");
    expect(new TextDecoder().decode(u8().slice(BUF + 300, BUF + 304))).toBe("HELL");
  });

  test("short reads at and past EOF", () => {
    const data = new Uint8Array(100).map((_, i) => i);
    const { fd } = openNode(tmpFile(data), "r");
    const n = setIovs([
      [BUF, 32],
      [BUF + 32, 32],
    ]);
    u8().fill(0xee, BUF, BUF + 64);
    expect(w.fd_pread(fd, IOVS, n, 80n, OUT)).toBe(0);
    expect(u32(OUT)).toBe(20);
    expect([...u8().slice(BUF, BUF + 20)]).toEqual([...data.slice(80)]);
    expect(u8()[BUF + 20]).toBe(0xee); // nothing past EOF was touched
    expect(pread(fd, 10, 100n)).toEqual({ errno: 0, bytes: new Uint8Array(0) });
    expect(pread(fd, 10, 1_000_000n)).toEqual({ errno: 0, bytes: new Uint8Array(0) });
  });

  test("offsets beyond 4 GiB on a sparse file", () => {
    const p = tmpFile();
    const { fd } = openNode(p, "r+");
    const FIVE_GIB = 5n * 2n ** 30n;
    expect(w.fd_filestat_set_size(fd, FIVE_GIB + 4096n)).toBe(0);
    expect(fs.statSync(p).size).toBe(Number(FIVE_GIB) + 4096);
    const page = new Uint8Array(4096).map((_, i) => (i * 7 + 3) & 0xff);
    expect(pwrite(fd, page, FIVE_GIB)).toBe(0);
    expect(u32(OUT)).toBe(4096);
    expect(pread(fd, 4096, FIVE_GIB).bytes).toEqual(page);
    // A hole reads as zeros, and the 32-bit truncation of 5 GiB (1 GiB) was not written.
    expect(pread(fd, 4096, 2n ** 32n).bytes).toEqual(new Uint8Array(4096));
    expect(pread(fd, 4096, 2n ** 30n).bytes).toEqual(new Uint8Array(4096));
    const st = filestat(fd);
    expect(st.size).toBe(FIVE_GIB + 4096n);
    const check = Buffer.alloc(4096);
    const nfd = fs.openSync(p, "r");
    fs.readSync(nfd, check, 0, 4096, Number(FIVE_GIB));
    fs.closeSync(nfd);
    expect(new Uint8Array(check)).toEqual(page);
  });

  test("u64 offsets past 2^53 - 1: a read there is past the end, a write EFBIG, 2^63 and up EINVAL (Linux's negative off_t)", () => {
    const { fd } = openNode(tmpFile("abc"), "r+");
    expect(pread(fd, 1, 2n ** 53n + 2n)).toEqual({ errno: E.SUCCESS, bytes: new Uint8Array(0) });
    expect(pread(fd, 4, 2n ** 53n - 2n)).toEqual({ errno: E.SUCCESS, bytes: new Uint8Array(0) });
    expect(pread(fd, 1, -1n).errno).toBe(E.EINVAL); // u64 2^64-1 arrives as signed -1
    expect(pwrite(fd, text("x"), 2n ** 60n)).toBe(E.EFBIG);
    expect(pwrite(fd, text("x"), -1n)).toBe(E.EINVAL);
    expect(w.fd_filestat_set_size(fd, -5n)).toBe(E.EFBIG);
  });

  test("filestat layout and identity", () => {
    const p = tmpFile("hello world");
    const q = tmpFile("other");
    const a = openNode(p, "r");
    const b = openNode(p, "r+");
    const c = openNode(q, "r");
    const sa = filestat(a.fd);
    const sb = filestat(b.fd);
    const sc = filestat(c.fd);
    expect([sa.errno, sb.errno, sc.errno]).toEqual([0, 0, 0]);
    const real = fs.statSync(p, { bigint: true });
    expect(sa.dev).toBe(real.dev);
    expect(sa.ino).toBe(real.ino);
    expect(sb.dev).toBe(sa.dev);
    expect(sb.ino).toBe(sa.ino);
    expect(sc.ino).not.toBe(sa.ino);
    expect(sa.filetype).toBe(FILETYPE_REGULAR_FILE);
    expect(sa.nlink).toBe(1n);
    expect(sa.size).toBe(11n);
    expect(sa.mtim).toBe(real.mtimeNs);
    expect(sa.ctim).toBe(real.ctimeNs);
    expect(sa.atim).toBe(real.atimeNs);
    expect(u8()[STAT + 17]).toBe(0); // padding zeroed

    const d = openNode(tmp, "r");
    const sd = filestat(d.fd);
    expect(sd.errno).toBe(0);
    expect(sd.filetype).toBe(FILETYPE_DIRECTORY);
    expect(fdstat(d.fd).filetype).toBe(FILETYPE_DIRECTORY);
  });

  test("fdstat rights follow the open flags", () => {
    const p = tmpFile("abc");
    const R = WASI_RIGHTS;
    const has = (rights: bigint, bit: bigint) => (rights & bit) !== 0n;
    const r = fdstat(openNode(p, "r").fd);
    const rw = fdstat(openNode(p, "r+").fd);
    const wo = fdstat(openNode(p, "w").fd);
    const ap = fdstat(openNode(p, "a").fd);
    for (const s of [r, rw, wo, ap]) {
      expect(s.errno).toBe(0);
      expect(s.filetype).toBe(FILETYPE_REGULAR_FILE);
      expect(s.inheriting).toBe(0n);
      for (const bit of [R.FD_SEEK, R.FD_TELL, R.FD_SYNC, R.FD_DATASYNC, R.FD_FILESTAT_GET])
        expect(has(s.rights, bit)).toBe(true);
      expect(has(s.rights, R.FD_ALLOCATE)).toBe(false);
    }
    expect([has(r.rights, R.FD_READ), has(r.rights, R.FD_WRITE), has(r.rights, R.FD_FILESTAT_SET_SIZE)]).toEqual([
      true,
      false,
      false,
    ]);
    expect([has(rw.rights, R.FD_READ), has(rw.rights, R.FD_WRITE), has(rw.rights, R.FD_FILESTAT_SET_SIZE)]).toEqual([
      true,
      true,
      true,
    ]);
    expect([has(wo.rights, R.FD_READ), has(wo.rights, R.FD_WRITE), has(wo.rights, R.FD_FILESTAT_SET_SIZE)]).toEqual([
      false,
      true,
      true,
    ]);
    expect(r.rights).toBe(0x200000n | 0x37n | 0x80n); // exact bits: READ SEEK SYNC TELL DATASYNC ADVISE FILESTAT_GET
    expect([r.flags, rw.flags, wo.flags, ap.flags]).toEqual([0, 0, 0, 1]);
  });

  test("access the descriptor lacks is refused before reaching the file", () => {
    const p = tmpFile("abc");
    const r = openNode(p, "r");
    const wo = openNode(p, "w");
    host.resetStats();
    expect(pwrite(r.fd, text("x"), 0n)).toBe(E.EBADF);
    expect(pread(wo.fd, 1, 0n).errno).toBe(E.EBADF);
    expect(w.fd_filestat_set_size(r.fd, 0n)).toBe(E.EINVAL);
    expect(host.stats).toMatchObject({ reads: 0, writes: 0, truncates: 0 });
  });

  test("set_size grows with zeros and shrinks", () => {
    const p = tmpFile("abcdef");
    const { fd } = openNode(p, "r+");
    expect(w.fd_filestat_set_size(fd, 3n)).toBe(0);
    expect(fs.readFileSync(p, "latin1")).toBe("abc");
    expect(w.fd_filestat_set_size(fd, 8n)).toBe(0);
    expect([...fs.readFileSync(p)]).toEqual([97, 98, 99, 0, 0, 0, 0, 0]);
    expect(filestat(fd).size).toBe(8n);
  });

  test("fd_renumber onto an unused number (anymmap extension)", () => {
    const p = tmpFile("renumber");
    const { fd, file } = openNode(p, "r");
    expect(w.fd_renumber(fd, 1000)).toBe(0);
    expect(pread(fd, 4, 0n).errno).toBe(E.EBADF);
    expect(host.file(fd)).toBeUndefined();
    expect(host.file(1000)).toBe(file);
    expect(new TextDecoder().decode(pread(1000, 8, 0n).bytes)).toBe("renumber");
    expect(file.fd).toBeGreaterThanOrEqual(0); // still open underneath
    expect(w.fd_renumber(fd, 1001)).toBe(E.EBADF);
    expect(w.fd_renumber(1000, 1000)).toBe(0);
    // The freed number is handed out again.
    expect(openNode(p, "r").fd).toBe(fd);
  });

  test("a failed fd_renumber leaves a directory at the target open; renumbering a descriptor onto itself succeeds", () => {
    const h = new WasiHost({ memory, preopens: [{ name: ".", dir: new MemoryDir() }] });
    const wi = h.imports().wasi_snapshot_preview1 as unknown as Record<string, Fn>;
    expect(wi.fd_renumber(99, 3)).toBe(E.EBADF);
    expect(wi.fd_prestat_get(3, OUT)).toBe(0);
    expect(wi.fd_renumber(3, 3)).toBe(0);
    expect(wi.fd_prestat_get(3, OUT)).toBe(0);
    // The lowest free number is still 4, and it comes back once freed.
    const file = NodeHostFile.open(tmpFile("x"), "r");
    opened.push(file);
    expect(h.open(file)).toBe(4);
    expect(wi.fd_close(4)).toBe(0);
    expect(h.open(file)).toBe(4);
  });

  test("fd_renumber onto an open number closes the old file", () => {
    const a = openNode(tmpFile("AAAA"), "r");
    const b = openNode(tmpFile("BBBB"), "r");
    expect(w.fd_renumber(a.fd, b.fd)).toBe(0);
    expect(b.file.fd).toBe(-1);
    expect(a.file.fd).toBeGreaterThanOrEqual(0);
    expect(pread(a.fd, 4, 0n).errno).toBe(E.EBADF);
    expect(new TextDecoder().decode(pread(b.fd, 4, 0n).bytes)).toBe("AAAA");
  });

  test("fd_close then EBADF everywhere", () => {
    const { fd, file } = openNode(tmpFile("abc"), "r+");
    expect(w.fd_close(fd)).toBe(0);
    expect(file.fd).toBe(-1);
    expect(w.fd_close(fd)).toBe(E.EBADF);
    expect(pread(fd, 1, 0n).errno).toBe(E.EBADF);
    expect(pwrite(fd, text("x"), 0n)).toBe(E.EBADF);
    expect(filestat(fd).errno).toBe(E.EBADF);
    expect(fdstat(fd).errno).toBe(E.EBADF);
    expect(w.fd_sync(fd)).toBe(E.EBADF);
    expect(w.fd_datasync(fd)).toBe(E.EBADF);
    expect(w.fd_filestat_set_size(fd, 0n)).toBe(E.EBADF);
    expect(w.fd_seek(fd, 0n, 0, OUT)).toBe(E.EBADF);
    expect(w.fd_advise(fd, 0n, 0n, 0)).toBe(E.EBADF);
    expect(w.fd_close(-1)).toBe(E.EBADF); // fd 0xffffffff
    expect(w.fd_close(99)).toBe(E.EBADF);
  });

  test("fd_read/fd_write keep a position; fd_seek/fd_tell; append writes at the end", () => {
    const p = tmpFile("0123456789");
    const { fd } = openNode(p, "r+");
    u8().set(text("ab"), BUF);
    let n = setIovs([[BUF, 2]]);
    expect(w.fd_write(fd, IOVS, n, OUT)).toBe(0);
    expect(w.fd_write(fd, IOVS, n, OUT)).toBe(0);
    expect(fs.readFileSync(p, "latin1")).toBe("abab456789");
    expect(w.fd_tell(fd, OUT)).toBe(0);
    expect(u64(OUT)).toBe(4n);
    n = setIovs([[BUF + 16, 3]]);
    expect(w.fd_read(fd, IOVS, n, OUT)).toBe(0);
    expect(new TextDecoder().decode(u8().slice(BUF + 16, BUF + 19))).toBe("456");
    expect(w.fd_seek(fd, -2n, 2, OUT)).toBe(0); // END
    expect(u64(OUT)).toBe(8n);
    expect(w.fd_read(fd, IOVS, n, OUT)).toBe(0);
    expect(u32(OUT)).toBe(2);
    expect(w.fd_seek(fd, 1n, 0, OUT)).toBe(0); // SET
    expect(w.fd_seek(fd, 2n, 1, OUT)).toBe(0); // CUR
    expect(u64(OUT)).toBe(3n);
    expect(w.fd_seek(fd, -4n, 1, OUT)).toBe(E.EINVAL);
    expect(w.fd_seek(fd, 0n, 7, OUT)).toBe(E.EINVAL);

    const q = tmpFile("start");
    const a = openNode(q, "a");
    u8().set(text("+x"), BUF);
    n = setIovs([[BUF, 2]]);
    expect(w.fd_write(a.fd, IOVS, n, OUT)).toBe(0);
    fs.appendFileSync(q, "!");
    expect(w.fd_write(a.fd, IOVS, n, OUT)).toBe(0);
    expect(fs.readFileSync(q, "latin1")).toBe("start+x!+x");
  });

  test("sync and datasync", () => {
    const { fd } = openNode(tmpFile("abc"), "r+");
    expect(w.fd_sync(fd)).toBe(0);
    expect(w.fd_datasync(fd)).toBe(0);
  });

  test("a HostFile that throws yields an errno, never an exception", () => {
    class Throwing extends HostFile {
      override pread(): number {
        throw new Error("boom");
      }
      override stat(): number {
        throw Object.assign(new Error("gone"), { code: "ENOENT" });
      }
      override sync(): number {
        throw "not even an Error";
      }
    }
    const fd = host.open(new Throwing({ readable: true, writable: true }));
    expect(pread(fd, 4, 0n).errno).toBe(E.EIO);
    expect(filestat(fd).errno).toBe(E.EIO);
    expect(w.fd_sync(fd)).toBe(E.EIO);
    const f = fdstat(fd); // stat throwing must not make the fd look invalid
    expect([f.errno, f.filetype]).toEqual([0, FILETYPE_UNKNOWN]);

    const mapped = new WasiHost({ memory, mapError: mapNodeError });
    const mw = mapped.imports().wasi_snapshot_preview1 as unknown as Record<string, Fn>;
    const fd2 = mapped.open(new Throwing({ readable: true }));
    expect(mw.fd_filestat_get(fd2, STAT)).toBe(E.ENOENT);
    expect(mw.fd_pread(fd2, IOVS, setIovs([[BUF, 4]]), 0n, OUT)).toBe(E.EIO);

    const broken = new WasiHost({
      memory,
      mapError: () => {
        throw new Error("mapper broke too");
      },
    });
    const bw = broken.imports().wasi_snapshot_preview1 as unknown as Record<string, Fn>;
    expect(bw.fd_pread(broken.open(new Throwing({ readable: true })), IOVS, 1, 0n, OUT)).toBe(E.EIO);
  });

  test("the base HostFile answers ENOTSUP", () => {
    const base = new HostFile({ readable: true, writable: true, path: "virtual" });
    expect(base.pread(new Uint8Array(1), 0)).toBe(-E.ENOTSUP);
    const fd = host.open(base);
    expect(pread(fd, 4, 0n).errno).toBe(E.ENOTSUP);
    expect(pwrite(fd, text("x"), 0n)).toBe(E.ENOTSUP);
    expect(filestat(fd).errno).toBe(E.ENOTSUP);
    expect(w.fd_filestat_set_size(fd, 1n)).toBe(E.ENOTSUP);
    expect(w.fd_sync(fd)).toBe(E.ENOTSUP);
    expect(w.fd_datasync(fd)).toBe(E.ENOTSUP);
    expect(w.fd_seek(fd, 0n, 2, OUT)).toBe(E.ENOTSUP);
    expect(w.fd_fdstat_set_flags(fd, 1)).toBe(E.ENOTSUP);
    expect(w.fd_advise(fd, 0n, 0n, 0)).toBe(0);
    expect(fdstat(fd)).toMatchObject({ errno: 0, filetype: FILETYPE_UNKNOWN });
    expect(w.fd_close(fd)).toBe(E.ENOTSUP);
    expect(host.file(fd)).toBeUndefined(); // released anyway
    const none = new HostFile();
    expect([none.readable, none.writable, none.append, none.path]).toEqual([false, false, false, undefined]);
  });

  test("stats count host I/O that reached a file", () => {
    const p = tmpFile("0123456789");
    const { fd } = openNode(p, "r+");
    host.resetStats();
    pread(fd, 4, 0n);
    pread(fd, 100, 8n); // short: 2 bytes
    pwrite(fd, text("xyz"), 0n);
    w.fd_sync(fd);
    w.fd_datasync(fd);
    w.fd_filestat_set_size(fd, 20n);
    filestat(fd);
    fdstat(fd); // filetype already known from filestat: no extra stat
    u8().set(text("hi"), BUF);
    w.fd_write(1, IOVS, setIovs([[BUF, 2]]), OUT); // stdio: not a file
    pread(77, 4, 0n); // bad fd: not counted
    expect(host.stats).toEqual({
      reads: 2,
      readBytes: 6,
      writes: 1,
      writtenBytes: 3,
      syncs: 2,
      truncates: 1,
      stats: 1,
    });
    const same = host.stats;
    host.resetStats();
    expect(host.stats).toBe(same);
    expect(same).toEqual({ reads: 0, readBytes: 0, writes: 0, writtenBytes: 0, syncs: 0, truncates: 0, stats: 0 });
  });
});

test("CORE_WASI_CALLS names exactly the WASI calls the mmap core makes (an interrupt never unwinds the core through them)", () => {
  const sources = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "wasm", "src");
  const called = new Set<string>();
  for (const name of fs.readdirSync(sources).filter((f) => f.endsWith(".c")))
    for (const m of fs.readFileSync(path.join(sources, name), "utf8").matchAll(/__wasi_([a-z_]+)\(/g))
      called.add(m[1] as string);
  expect([...called].sort()).toEqual([...CORE_WASI_CALLS].sort());
});

describe("WasiHost memory and process functions", () => {
  test("out-of-bounds pointers give EFAULT (high pointers arrive negative)", () => {
    const { fd } = openNode(tmpFile("abcd"), "r");
    expect(w.fd_pread(fd, IOVS, setIovs([[0x1ffff, 4]]), 0n, OUT)).toBe(E.EFAULT);
    expect(w.fd_pread(fd, IOVS, setIovs([[BUF, 4]]), 0n, 0x80000000 | 0)).toBe(E.EFAULT);
    expect(w.fd_pread(fd, -8, 1, 0n, OUT)).toBe(E.EFAULT);
    expect(w.fd_filestat_get(fd, 0x20000 - 63)).toBe(E.EFAULT);
    expect(w.random_get(0x20000 - 4, 8)).toBe(E.EFAULT);
    const unset = new WasiHost();
    const uw = unset.imports().wasi_snapshot_preview1 as unknown as Record<string, Fn>;
    expect(uw.fd_pread(unset.open(NodeHostFile.open(tmpFile("x"), "r")), IOVS, 0, 0n, OUT)).toBe(E.EFAULT);
  });

  test("views follow memory growth", () => {
    const { fd } = openNode(tmpFile("grown"), "r");
    expect(pread(fd, 5, 0n).errno).toBe(0);
    memory.grow(1);
    const at = 0x20000 + 16; // only exists after the grow
    expect(w.fd_pread(fd, IOVS, setIovs([[at, 5]]), 0n, at + 100)).toBe(0);
    expect(u32(at + 100)).toBe(5);
    expect(new TextDecoder().decode(u8().slice(at, at + 5))).toBe("grown");
  });

  test("stdout/stderr sinks get copies; stdio fdstat looks like a tty", () => {
    const out: string[] = [];
    const err: string[] = [];
    const h = new WasiHost({
      memory,
      stdout: (b) => out.push(new TextDecoder().decode(b)),
      stderr: (b) => err.push(new TextDecoder().decode(b)),
    });
    const hw = h.imports().wasi_snapshot_preview1 as unknown as Record<string, Fn>;
    u8().set(text("hello "), BUF);
    u8().set(text("world\n"), BUF + 64);
    const n = setIovs([
      [BUF, 6],
      [BUF + 64, 6],
    ]);
    expect(hw.fd_write(1, IOVS, n, OUT)).toBe(0);
    expect(u32(OUT)).toBe(12);
    expect(hw.fd_write(2, IOVS, 1, OUT)).toBe(0);
    u8().fill(0, BUF, BUF + 100);
    expect(out).toEqual(["hello world\n"]);
    expect(err).toEqual(["hello "]);
    expect(hw.fd_write(0, IOVS, n, OUT)).toBe(E.EBADF);
    expect(hw.fd_read(0, IOVS, n, OUT)).toBe(0);
    expect(u32(OUT)).toBe(0);
    expect(hw.fd_seek(1, 0n, 0, OUT)).toBe(E.ESPIPE);
    expect(hw.fd_fdstat_get(1, STAT)).toBe(0);
    expect(u8()[STAT]).toBe(2);
    expect(u64(STAT + 8) & (WASI_RIGHTS.FD_SEEK | WASI_RIGHTS.FD_TELL)).toBe(0n);
    // Default sinks discard without failing.
    expect(w.fd_write(1, IOVS, n, OUT)).toBe(0);
    expect(u32(OUT)).toBe(12);
    expect(hw.fd_close(2)).toBe(0);
    expect(hw.fd_write(2, IOVS, n, OUT)).toBe(E.EBADF);
  });

  test("proc_exit throws WasiExit, the only exception that crosses", () => {
    let caught: unknown;
    try {
      w.proc_exit(3);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(WasiExit);
    expect((caught as WasiExit).code).toBe(3);
  });

  test("args and environ", () => {
    const h = new WasiHost({ memory, args: ["prog", "héllo"], env: { A: "1", PATH: "/bin" } });
    const hw = h.imports().wasi_snapshot_preview1 as unknown as Record<string, Fn>;
    expect(hw.args_sizes_get(OUT, OUT + 4)).toBe(0);
    expect([u32(OUT), u32(OUT + 4)]).toEqual([2, 5 + 7]);
    expect(hw.args_get(STAT, BUF)).toBe(0);
    expect(u32(STAT)).toBe(BUF);
    expect(u32(STAT + 4)).toBe(BUF + 5);
    expect(new TextDecoder().decode(u8().slice(BUF, BUF + 12))).toBe("prog\0héllo\0");
    expect(hw.environ_sizes_get(OUT, OUT + 4)).toBe(0);
    expect([u32(OUT), u32(OUT + 4)]).toEqual([2, 4 + 10]);
    expect(hw.environ_get(STAT, BUF)).toBe(0);
    expect(new TextDecoder().decode(u8().slice(u32(STAT + 4), u32(STAT + 4) + 10))).toBe("PATH=/bin\0");
    expect(w.environ_sizes_get(OUT, OUT + 4)).toBe(0);
    expect([u32(OUT), u32(OUT + 4)]).toEqual([0, 0]);
  });

  test("clocks, random_get, sched_yield", () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    expect(w.clock_time_get(0, 1000n, OUT)).toBe(0);
    const rt = u64(OUT);
    expect(rt >= before && rt <= BigInt(Date.now()) * 1_000_000n).toBe(true);
    expect(w.clock_time_get(1, 1000n, OUT)).toBe(0);
    const m1 = u64(OUT);
    const until = performance.now() + 2;
    while (performance.now() < until);
    expect(w.clock_time_get(1, 1000n, OUT)).toBe(0);
    expect(u64(OUT) > m1).toBe(true);
    expect(w.clock_time_get(9, 0n, OUT)).toBe(E.EINVAL);

    u8().fill(0, BUF, BUF + 70000);
    expect(w.random_get(BUF, 70000)).toBe(0);
    const r = u8().slice(BUF, BUF + 70000);
    expect(r.slice(0, 64).some((b) => b !== 0)).toBe(true);
    expect(r.slice(69936).some((b) => b !== 0)).toBe(true); // second chunk filled too
    expect(w.sched_yield()).toBe(0);
  });

  test("shared memory works too (random_get copies, since browsers refuse shared views)", () => {
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const h = new WasiHost({ memory: shared });
    const hw = h.imports().wasi_snapshot_preview1 as unknown as Record<string, Fn>;
    const view = new Uint8Array(shared.buffer);
    expect(hw.random_get(64, 4096)).toBe(0);
    expect(view.slice(64, 4160).some((b) => b !== 0)).toBe(true);
    const fd = h.open(NodeHostFile.open(tmpFile("shared!"), "r"));
    const d = new DataView(shared.buffer);
    d.setUint32(IOVS, BUF, true);
    d.setUint32(IOVS + 4, 7, true);
    expect(hw.fd_pread(fd, IOVS, 1, 0n, OUT)).toBe(0);
    expect(new TextDecoder().decode(view.slice(BUF, BUF + 7))).toBe("shared!");
    expect(hw.fd_close(fd)).toBe(0);
  });

  test("fd_pread straight into WASM memory: the iovec view is what the file sees", () => {
    let seen: Uint8Array | undefined;
    class Spy extends HostFile {
      override pread(dst: Uint8Array): number {
        seen = dst;
        dst.fill(7);
        return dst.length;
      }
    }
    const fd = host.open(new Spy({ readable: true }));
    expect(w.fd_pread(fd, IOVS, setIovs([[BUF + 8, 16]]), 0n, OUT)).toBe(0);
    expect(seen?.buffer).toBe(memory.buffer);
    expect(seen?.byteOffset).toBe(BUF + 8);
    expect(u8()[BUF + 8 + 15]).toBe(7);
  });
});
