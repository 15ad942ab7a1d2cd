/**
 * anymmap's core under another WASI host: @wasmer/wasi, whose files live in
 * its own in-memory filesystem (it has no host file access, so it cannot be
 * anymmap's file host). The same scenario runs in Node (test/wasmer.test.ts)
 * and in a Chromium worker (test/browser/worker-wasmer-api.ts): a file
 * written into wasmer's MemFS is opened through wasmer's own path_open and
 * mapped, read, written and msync'ed through the core's exports.
 */

/** The part of @wasmer/wasi 1.x this scenario uses. */
export interface WasmerModule {
  init(): Promise<void>;
  WASI: new (config: { args?: string[]; env?: Record<string, string> }) => WasmerWasi;
}
interface WasmerWasi {
  getImports(module: WebAssembly.Module): WebAssembly.Imports;
  instantiate(instance: WebAssembly.Instance, imports: object): unknown;
  fs: { open(path: string, options: { read?: boolean; write?: boolean; create?: boolean }): WasmerFile };
}
interface WasmerFile {
  read(): Uint8Array;
  write(bytes: Uint8Array): number;
}
type WasiCall = (...args: Array<number | bigint>) => number;

const PAGE = 4096;
const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;
const MAP_PRIVATE = 2;
const MAP_ANONYMOUS = 0x20;
const MS_SYNC = 4;
const ACCESS_READ = 1;
const ACCESS_WRITE = 2;
/** Every WASI preview1 right (29 bits). */
const ALL_RIGHTS = 0x1fffffffn;

/** What the scenario observed; the tests compare it with what Linux would do. */
export interface WasmerFacts {
  opened: boolean;
  mappedReadsFile: boolean;
  sharedWriteReachesFileAfterMsync: boolean;
  privateWriteStaysInMemory: boolean;
  anonymousZeroThenWritable: boolean;
  munmapErrno: number;
}

function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + 3) & 0xff;
  return out;
}

export async function runUnderWasmer(wasmer: WasmerModule, wasm: ArrayBuffer | Uint8Array): Promise<WasmerFacts> {
  await wasmer.init();
  const wasi = new wasmer.WASI({ args: [], env: {} });
  const module = new WebAssembly.Module(wasm);
  const imports = wasi.getImports(module);
  const instance = new WebAssembly.Instance(module, imports);
  wasi.instantiate(instance, {});
  const core = instance.exports as Record<string, (...a: Array<number | bigint>) => number> & {
    memory: WebAssembly.Memory;
  };
  core._initialize!();
  const memory = () => new Uint8Array(core.memory.buffer);
  const io = core.anymmap_io_buffer!() >>> 0;

  const data = pattern(3 * PAGE + 100);
  wasi.fs.open("/data.bin", { read: true, write: true, create: true }).write(data);

  // wasmer preopens more than one directory; the file is reachable from one of them.
  const call = imports.wasi_snapshot_preview1 as Record<string, WasiCall>;
  const name = new TextEncoder().encode("data.bin");
  memory().set(name, io);
  let fd = -1;
  for (let dir = 3; dir < 8 && fd < 0; dir++) {
    if (call.fd_prestat_get!(dir, io + 64) !== 0) continue;
    if (call.path_open!(dir, 0, io, name.length, 0, ALL_RIGHTS, ALL_RIGHTS, 0, io + 128) === 0) {
      fd = new DataView(core.memory.buffer).getUint32(io + 128, true);
    }
  }
  const facts: WasmerFacts = {
    opened: fd >= 0,
    mappedReadsFile: false,
    sharedWriteReachesFileAfterMsync: false,
    privateWriteStaysInMemory: false,
    anonymousZeroThenWritable: false,
    munmapErrno: -1,
  };
  if (fd < 0) return facts;

  const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
  const shared = core.anymmap_mmap_lazy!(0, data.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0n) >>> 0;
  if (shared !== 0xffffffff && core.anymmap_touch!(shared, data.length, ACCESS_READ) === 0) {
    facts.mappedReadsFile = same(memory().slice(shared, shared + data.length), data);
    core.anymmap_touch!(shared + PAGE, 1, ACCESS_WRITE);
    memory()[shared + PAGE + 5] = 0xee;
    const synced = core.msync!(shared, data.length, MS_SYNC) === 0;
    const file = wasi.fs.open("/data.bin", { read: true }).read();
    const expected = data.slice();
    expected[PAGE + 5] = 0xee;
    // wasmer's MemFS fd_pwrite inserts its bytes at the offset instead of
    // overwriting them (what follows shifts, the file grows: docs/runtimes.md),
    // so only the bytes up to the changed one can be compared. The engine
    // writes back only the bytes that changed: one byte, at PAGE + 5.
    const upTo = PAGE + 6;
    facts.sharedWriteReachesFileAfterMsync =
      synced && file.length === data.length + 1 && same(file.subarray(0, upTo), expected.subarray(0, upTo));
    facts.munmapErrno = core.munmap!(shared, data.length) === 0 ? 0 : core.anymmap_errno!();
  }

  const before = wasi.fs.open("/data.bin", { read: true }).read().slice(0, data.length);
  const priv = core.anymmap_mmap_lazy!(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0n) >>> 0;
  if (priv !== 0xffffffff && core.anymmap_touch!(priv, PAGE, ACCESS_WRITE) === 0) {
    memory()[priv] = 0x11;
    core.msync!(priv, PAGE, MS_SYNC);
    const after = wasi.fs.open("/data.bin", { read: true }).read().slice(0, data.length);
    facts.privateWriteStaysInMemory = memory()[priv] === 0x11 && same(after, before);
    core.munmap!(priv, PAGE);
  }

  const anon = core.anymmap_mmap_lazy!(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0n) >>> 0;
  if (anon !== 0xffffffff && core.anymmap_touch!(anon, 2 * PAGE, ACCESS_WRITE) === 0) {
    const zero = memory()
      .subarray(anon, anon + 2 * PAGE)
      .every((x) => x === 0);
    memory()[anon + PAGE] = 9;
    facts.anonymousZeroThenWritable = zero && memory()[anon + PAGE] === 9;
    core.munmap!(anon, 2 * PAGE);
  }
  return facts;
}

/** What Linux's semantics give for the scenario. */
export const EXPECTED_FACTS: WasmerFacts = {
  opened: true,
  mappedReadsFile: true,
  sharedWriteReachesFileAfterMsync: true,
  privateWriteStaysInMemory: true,
  anonymousZeroThenWritable: true,
  munmapErrno: 0,
};
