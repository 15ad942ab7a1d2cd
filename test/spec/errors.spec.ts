/**
 * Bad input, table-driven: every public call × every kind of bad argument
 * that applies gives an MmapError with the right code and syscall, and a
 * message that names the argument. Nothing else is ever thrown.
 */
import {
  afterAll,
  anymmap,
  beforeAll,
  beforeEach,
  describe,
  expect,
  expectMmapError,
  fx,
  it,
  LINUX_ERRNO,
  pattern,
} from "../harness/index.js";

// Every test asserts something, on every backend: one that checks nothing fails.
beforeEach(() => expect.hasAssertions());

const P = anymmap.pageSize;
/** Past the backend's address space: WASM's 4 GiB, or the 2^47 bytes of user space on Linux x86-64 (native). */
const BEYOND = anymmap.backend === "native" ? 2 ** 48 : 2 ** 32;
/** A free stretch of address space, far below the top-down allocations. */
const FREE = 0x40000000;

type Space = ReturnType<typeof anymmap.createInstance>;
type Handle = ReturnType<Space["openSync"]>;
type Mapping = ReturnType<Space["mmapSync"]>;

/** Loosely typed calls: the point is to pass what the types forbid. */
type Loose = (...args: unknown[]) => unknown;
const loose = (f: unknown) => f as Loose;

interface Ctx {
  space: Space;
  other: Space;
  path: string;
  /** Read-write handle of `path`. */
  h: Handle;
  /** Read-only handle of `path`. */
  ro: Handle;
  closed: Handle;
  /** A handle of another instance. */
  foreign: Handle;
  /** A handle of a scratch file, for calls that would damage `path` if they went through. */
  scratch: Handle;
  missing: string;
  dir: string;
  /** 4 pages, MAP_SHARED read-write of `path`. */
  m: Mapping;
  /** 4 anonymous pages for munmap and mremap rows. */
  victim: Mapping;
  /** Unmapped. */
  gone: Mapping;
  /** A windowed mapping of `path`, read-only. */
  w: ReturnType<Space["mmapWindowedSync"]>;
}

interface Row {
  /** The public function, as a user writes it. */
  fn: string;
  /** What is wrong with the call. */
  bad: string;
  call: (c: Ctx) => unknown;
  code: string;
  syscall: string;
  /** A word the message must contain: the argument's name (or the path). */
  names?: string;
  async?: boolean;
}

function label(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") return Object.is(v, 2 ** 53) ? "2**53" : String(v);
  if (v === null) return "null";
  if (Array.isArray(v)) return "[]";
  if (typeof v === "object") return "{}";
  return String(v);
}

/** Not an integer, not finite, negative, too large: what every integer argument must refuse. */
const BAD_INTEGERS: unknown[] = ["12", {}, Number.NaN, Number.POSITIVE_INFINITY, -1, 1.5, 2 ** 53];
/** Page-aligned arguments also refuse what is not a multiple of the page size. */
const BAD_ALIGNED: unknown[] = [...BAD_INTEGERS, 1, P + 1];
/** Constant-family arguments (prot, flags, advice) take numbers or names. */
const BAD_BITS: unknown[] = [
  "bogus",
  "constructor",
  "__proto__",
  "toString",
  {},
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -1,
  1.5,
  2 ** 53,
  true,
];

const rows: Row[] = [];
function add(
  fn: string,
  values: unknown[],
  call: (c: Ctx, v: unknown) => unknown,
  code: string,
  syscall: string,
  names?: string,
  async = false,
) {
  for (const v of values)
    rows.push({ fn, bad: `${names ?? "argument"} ${label(v)}`, call: (c) => call(c, v), code, syscall, names, async });
}
function one(row: Row) {
  rows.push(row);
}

// ---------------------------------------------------------------- mmap / mmapSync
for (const [fn, isAsync] of [
  ["space.mmapSync", false],
  ["space.mmap", true],
] as const) {
  const mmap = (c: Ctx) => loose(isAsync ? c.space.mmap.bind(c.space) : c.space.mmapSync.bind(c.space));
  add(fn, [12, {}, true, [], 1.5], (c, v) => mmap(c)(v, { length: P }), "EBADF", "mmap", "source", isAsync);
  add(fn, ["12", 12, null, true], (c, v) => mmap(c)(null, v), "EINVAL", "mmap", "options", isAsync);
  add(fn, BAD_BITS, (c, v) => mmap(c)(null, { length: P, prot: v }), "EINVAL", "mmap", "prot", isAsync);
  add(fn, BAD_BITS, (c, v) => mmap(c)(null, { length: P, flags: v }), "EINVAL", "mmap", "flags", isAsync);
  add(fn, BAD_ALIGNED, (c, v) => mmap(c)(c.path, { offset: v, length: P }), "EINVAL", "mmap", "offset", isAsync);
  add(fn, [...BAD_INTEGERS, 0], (c, v) => mmap(c)(null, { length: v }), "EINVAL", "mmap", "length", isAsync);
  add(fn, [...BAD_INTEGERS, 0], (c, v) => mmap(c)(c.path, { length: v }), "EINVAL", "mmap", "length", isAsync);
  add(fn, BAD_INTEGERS, (c, v) => mmap(c)(null, { length: P, address: v }), "EINVAL", "mmap", "address", isAsync);
  // Past the address space: a hint is ignored (below), an exact address is ENOMEM, as on Linux.
  add(
    fn,
    [BEYOND],
    (c, v) => mmap(c)(null, { length: P, address: v, flags: "private|fixed" }),
    "ENOMEM",
    "mmap",
    "address",
    isAsync,
  );
  add(
    fn,
    [FREE + 1, FREE + P / 2],
    (c, v) => mmap(c)(null, { length: P, address: v, flags: "private|fixed" }),
    "EINVAL",
    "mmap",
    "address",
    isAsync,
  );
  add(
    fn,
    [0, "fixed", "populate"],
    (c, v) => mmap(c)(null, { length: P, flags: v }),
    "EINVAL",
    "mmap",
    "flags",
    isAsync,
  );
  // The lowest pages are never mappable (Linux's mmap_min_addr: EPERM on both backends; the WASM engine said ENOMEM,
  // its own heap being there). The native backend once aborted the process here (a null pointer handed to
  // napi_create_external_arraybuffer).
  for (const flags of ["private|fixed", "shared|fixed_noreplace"]) {
    for (const address of [0, P]) {
      const call = (c: Ctx) => mmap(c)(null, { length: 2 * P, address, prot: "rw", flags });
      one({
        fn,
        bad: `${flags} at address ${address}`,
        call,
        code: "EPERM",
        syscall: "mmap",
        names: "address",
        async: isAsync,
      });
    }
  }
  one({
    fn,
    bad: "anonymous without a length",
    call: (c) => mmap(c)(null, {}),
    code: "EINVAL",
    syscall: "mmap",
    names: "length",
    async: isAsync,
  });
  add(
    fn,
    ["5", 0, -1, 1.5, {}, 2 ** 31],
    (c, v) => mmap(c)(null, { length: P, timeout: v }),
    "EINVAL",
    "mmap",
    "timeout",
    isAsync,
  );
  add(
    fn,
    ["no", 5, {}, null, true],
    (c, v) => mmap(c)(null, { length: P, signal: v }),
    "EINVAL",
    "mmap",
    "signal",
    isAsync,
  );
  add(
    fn,
    [5, "nativ", null, {}],
    (c, v) => mmap(c)(null, { length: P, backend: v }),
    "EINVAL",
    "mmap",
    "backend",
    isAsync,
  );
  add(fn, [5, "nativ"], (c, v) => mmap(c)(c.h, { backend: v }), "EINVAL", "mmap", "backend", isAsync);
  one({ fn, bad: "a missing path", call: (c) => mmap(c)(c.missing), code: "ENOENT", syscall: "open", async: isAsync });
  one({
    fn,
    bad: "an empty path",
    call: (c) => mmap(c)(""),
    code: "EINVAL",
    syscall: "open",
    names: "path",
    async: isAsync,
  });
  one({ fn, bad: "a directory", call: (c) => mmap(c)(c.dir), code: "ENODEV", syscall: "mmap", async: isAsync });
  // The file before the NUL exists: a C string would stop there and map it.
  one({
    fn,
    bad: "a path with a NUL byte",
    call: (c) => mmap(c)(`${c.path}\0.public`),
    code: "EINVAL",
    syscall: "open",
    names: "NUL",
    async: isAsync,
  });
  // Runtimes write a lone surrogate as U+FFFD: "a\uD800" and "a\uDC00" would be one file.
  one({
    fn,
    bad: "a path with a lone surrogate",
    call: (c) => mmap(c)(`${c.path}\uD800`),
    code: "EILSEQ",
    syscall: "open",
    names: "surrogate",
    async: isAsync,
  });
  one({
    fn,
    bad: "a closed FileHandle",
    call: (c) => mmap(c)(c.closed, { length: P }),
    code: "EBADF",
    syscall: "mmap",
    async: isAsync,
  });
  one({
    fn,
    bad: "a FileHandle of another instance",
    call: (c) => mmap(c)(c.foreign, { length: P }),
    code: "EBADF",
    syscall: "mmap",
    async: isAsync,
  });
  one({
    fn,
    bad: "MAP_SHARED + PROT_WRITE of a read-only handle",
    call: (c) => mmap(c)(c.ro, { prot: "rw", flags: "shared" }),
    code: "EACCES",
    syscall: "mmap",
    async: isAsync,
  });
  one({
    fn,
    bad: "an offset past the end with no length",
    call: (c) => mmap(c)(c.path, { offset: 64 * P }),
    code: "EINVAL",
    syscall: "mmap",
    names: "offset",
    async: isAsync,
  });
}

// ---------------------------------------------------------------- open / openSync
for (const [fn, isAsync] of [
  ["space.openSync", false],
  ["space.open", true],
] as const) {
  const open = (c: Ctx) => loose(isAsync ? c.space.open.bind(c.space) : c.space.openSync.bind(c.space));
  add(fn, ["", 12, {}, null, undefined], (c, v) => open(c)(v), "EINVAL", "open", "path", isAsync);
  add(fn, ["z", "rw", 12, {}, null, "R"], (c, v) => open(c)(c.path, v), "EINVAL", "open", "flags", isAsync);
  add(fn, [...BAD_INTEGERS, 0o10000], (c, v) => open(c)(c.path, "r", v), "EINVAL", "open", "mode", isAsync);
  one({ fn, bad: "a missing path", call: (c) => open(c)(c.missing), code: "ENOENT", syscall: "open", async: isAsync });
  one({
    fn,
    bad: "a directory opened for writing",
    call: (c) => open(c)(c.dir, "r+"),
    code: "EISDIR",
    syscall: "open",
    async: isAsync,
  });
  one({
    fn,
    bad: "'wx' of an existing file",
    call: (c) => open(c)(c.path, "wx"),
    code: "EEXIST",
    syscall: "open",
    async: isAsync,
  });
  one({
    fn,
    bad: "a path with a NUL byte",
    call: (c) => open(c)(`${c.path}\0.public`),
    code: "EINVAL",
    syscall: "open",
    names: "NUL",
    async: isAsync,
  });
  one({
    fn,
    bad: "a path with a lone surrogate, to create",
    call: (c) => open(c)(`${c.path}\uDC00`, "w+"),
    code: "EILSEQ",
    syscall: "open",
    names: "surrogate",
    async: isAsync,
  });
}

// ---------------------------------------------------------------- mmapWindowed / mmapWindowedSync
for (const [fn, isAsync] of [
  ["space.mmapWindowedSync", false],
  ["space.mmapWindowed", true],
] as const) {
  const windowed = (c: Ctx) =>
    loose(isAsync ? c.space.mmapWindowed.bind(c.space) : c.space.mmapWindowedSync.bind(c.space));
  one({
    fn,
    bad: "a path with a NUL byte",
    call: (c) => windowed(c)(`${c.path}\0.public`),
    code: "EINVAL",
    syscall: "open",
    names: "NUL",
    async: isAsync,
  });
  one({
    fn,
    bad: "a path with a lone surrogate",
    call: (c) => windowed(c)(`${c.path}\uD800`),
    code: "EILSEQ",
    syscall: "open",
    names: "surrogate",
    async: isAsync,
  });
  add(fn, ["5", 0, -1, 1.5, {}], (c, v) => windowed(c)(c.path, { timeout: v }), "EINVAL", "mmap", "timeout", isAsync);
  add(fn, ["no", 5, {}, null], (c, v) => windowed(c)(c.path, { signal: v }), "EINVAL", "mmap", "signal", isAsync);
  add(fn, [5, "nativ", {}], (c, v) => windowed(c)(c.path, { backend: v }), "EINVAL", "mmap", "backend", isAsync);
  add(fn, [5, "nativ"], (c, v) => windowed(c)(c.h, { backend: v }), "EINVAL", "mmap", "backend", isAsync);
}

// ---------------------------------------------------------------- long operations of a windowed mapping
for (const [fn, syscall, call] of [
  ["windowed.find", "find", (c: Ctx, o: unknown) => loose(c.w.find.bind(c.w))("zz", 0, undefined, o)],
  ["windowed.rfind", "rfind", (c: Ctx, o: unknown) => loose(c.w.rfind.bind(c.w))("zz", 0, undefined, o)],
  ["windowed.populate", "madvise", (c: Ctx, o: unknown) => loose(c.w.populate.bind(c.w))(0, P, o)],
  ["windowed.msync", "msync", (c: Ctx, o: unknown) => loose(c.w.msync.bind(c.w))("sync", o)],
] as const) {
  add(fn, [5, "no", null, true], (c, v) => call(c, v), "EINVAL", syscall, "options");
  add(fn, [5, "no", {}, true], (c, v) => call(c, { onProgress: v }), "EINVAL", syscall, "onProgress");
  add(fn, [5, "no", {}, null], (c, v) => call(c, { signal: v }), "EINVAL", syscall, "signal");
}

// ---------------------------------------------------------------- address-level calls
add("space.munmap", BAD_ALIGNED, (c, v) => loose(c.space.munmap.bind(c.space))(v, P), "EINVAL", "munmap", "address");
add(
  "space.munmap",
  [...BAD_INTEGERS, 0],
  (c, v) => loose(c.space.munmap.bind(c.space))(FREE, v),
  "EINVAL",
  "munmap",
  "length",
);
add(
  "space.msync",
  BAD_ALIGNED,
  (c, v) => loose(c.space.msync.bind(c.space))(v, P, "sync"),
  "EINVAL",
  "msync",
  "address",
);
add(
  "space.msync",
  BAD_INTEGERS,
  (c, v) => loose(c.space.msync.bind(c.space))(FREE, v, "sync"),
  "EINVAL",
  "msync",
  "length",
);
add(
  "space.msync",
  [...BAD_BITS, 8],
  (c, v) => loose(c.space.msync.bind(c.space))(FREE, P, v),
  "EINVAL",
  "msync",
  "flags",
);
add(
  "space.mprotect",
  BAD_ALIGNED,
  (c, v) => loose(c.space.mprotect.bind(c.space))(v, P, "r"),
  "EINVAL",
  "mprotect",
  "address",
);
add(
  "space.mprotect",
  BAD_INTEGERS,
  (c, v) => loose(c.space.mprotect.bind(c.space))(FREE, v, "r"),
  "EINVAL",
  "mprotect",
  "length",
);
add(
  "space.mprotect",
  [...BAD_BITS, 0x100],
  (c, v) => loose(c.space.mprotect.bind(c.space))(FREE, P, v),
  "EINVAL",
  "mprotect",
  "prot",
);
add(
  "space.madvise",
  BAD_ALIGNED,
  (c, v) => loose(c.space.madvise.bind(c.space))(v, P, "normal"),
  "EINVAL",
  "madvise",
  "address",
);
add(
  "space.madvise",
  BAD_INTEGERS,
  (c, v) => loose(c.space.madvise.bind(c.space))(FREE, v, "normal"),
  "EINVAL",
  "madvise",
  "length",
);
add(
  "space.madvise",
  [...BAD_BITS, 999],
  (c, v) => loose(c.space.madvise.bind(c.space))(FREE, P, v),
  "EINVAL",
  "madvise",
  "advice",
);
add("space.mincore", BAD_ALIGNED, (c, v) => loose(c.space.mincore.bind(c.space))(v, P), "EINVAL", "mincore", "address");
add(
  "space.mincore",
  BAD_INTEGERS,
  (c, v) => loose(c.space.mincore.bind(c.space))(FREE, v),
  "EINVAL",
  "mincore",
  "length",
);

// ---------------------------------------------------------------- the mapping object
const OUT = 4 * P + 1; // past the end of the 4-page mappings
add("mapping.view", BAD_INTEGERS, (c, v) => loose(c.m.view.bind(c.m))(v, 1), "EINVAL", "access", "offset");
add("mapping.view", BAD_INTEGERS, (c, v) => loose(c.m.view.bind(c.m))(0, v), "EINVAL", "access", "length");
add("mapping.view", ["bogus", "rw", 1, {}], (c, v) => loose(c.m.view.bind(c.m))(0, 1, v), "EINVAL", "access", "access");
add("mapping.view", [OUT], (c, v) => c.m.view(v as number), "EINVAL", "access", "offset");
add("mapping.view", [OUT], (c, v) => c.m.view(0, v as number), "EINVAL", "access", "length");
add("mapping.read", BAD_INTEGERS, (c, v) => loose(c.m.read.bind(c.m))(v, 1), "EINVAL", "access", "offset");
add("mapping.read", BAD_INTEGERS, (c, v) => loose(c.m.read.bind(c.m))(0, v), "EINVAL", "access", "length");
add("mapping.read", [OUT], (c, v) => c.m.read(v as number), "EINVAL", "access", "offset");
add("mapping.read", [OUT], (c, v) => c.m.read(P, v as number), "EINVAL", "access", "length");
add(
  "mapping.readInto",
  ["12", {}, 12, null, [1, 2]],
  (c, v) => loose(c.m.readInto.bind(c.m))(v, 0),
  "EINVAL",
  "access",
  "target",
);
add(
  "mapping.readInto",
  [...BAD_INTEGERS, OUT],
  (c, v) => loose(c.m.readInto.bind(c.m))(new Uint8Array(4), v),
  "EINVAL",
  "access",
  "offset",
);
add(
  "mapping.write",
  [12, {}, null, [1, 2], true],
  (c, v) => loose(c.m.write.bind(c.m))(v, 0),
  "EINVAL",
  "access",
  "source",
);
add(
  "mapping.write",
  [...BAD_INTEGERS, OUT],
  (c, v) => loose(c.m.write.bind(c.m))(new Uint8Array(1), v),
  "EINVAL",
  "access",
  "offset",
);
one({
  fn: "mapping.write",
  bad: "a source longer than the mapping",
  call: (c) => c.m.write(new Uint8Array(4 * P + 1), 0),
  code: "EINVAL",
  syscall: "access",
  names: "length",
});
add(
  "mapping.msync",
  [...BAD_BITS, 8, "sync|async"],
  (c, v) => loose(c.m.msync.bind(c.m))(v),
  "EINVAL",
  "msync",
  "flags",
);
add(
  "mapping.msync",
  [...BAD_ALIGNED, 8 * P],
  (c, v) => loose(c.m.msync.bind(c.m))("sync", v),
  "EINVAL",
  "msync",
  "offset",
);
add(
  "mapping.msync",
  [...BAD_INTEGERS, 8 * P],
  (c, v) => loose(c.m.msync.bind(c.m))("sync", 0, v),
  "EINVAL",
  "msync",
  "length",
);
add(
  "mapping.munmap",
  [...BAD_ALIGNED, 8 * P],
  (c, v) => loose(c.victim.munmap.bind(c.victim))(v, P),
  "EINVAL",
  "munmap",
  "offset",
);
add(
  "mapping.munmap",
  [...BAD_INTEGERS, 0, 8 * P],
  (c, v) => loose(c.victim.munmap.bind(c.victim))(0, v),
  "EINVAL",
  "munmap",
  "length",
);
add("mapping.mprotect", [...BAD_BITS, 0x100], (c, v) => loose(c.m.mprotect.bind(c.m))(v), "EINVAL", "mprotect", "prot");
add(
  "mapping.mprotect",
  [...BAD_ALIGNED, 8 * P],
  (c, v) => loose(c.m.mprotect.bind(c.m))("rw", v),
  "EINVAL",
  "mprotect",
  "offset",
);
add(
  "mapping.mprotect",
  [...BAD_INTEGERS, 8 * P],
  (c, v) => loose(c.m.mprotect.bind(c.m))("rw", 0, v),
  "EINVAL",
  "mprotect",
  "length",
);
add(
  "mapping.mremap",
  [...BAD_INTEGERS, 0, BEYOND],
  (c, v) => loose(c.victim.mremap.bind(c.victim))(v, "maymove"),
  "EINVAL",
  "mremap",
  "newLength",
);
add(
  "mapping.mremap",
  [...BAD_BITS, 8, "dontunmap"],
  (c, v) => loose(c.victim.mremap.bind(c.victim))(8 * P, v),
  "EINVAL",
  "mremap",
  "flags",
);
one({
  fn: "mapping.mremap",
  bad: "MREMAP_FIXED",
  call: (c) => c.victim.mremap(8 * P, "maymove|fixed"),
  code: "EINVAL",
  syscall: "mremap",
  names: "MREMAP_FIXED",
});
add("mapping.madvise", [...BAD_BITS, 999], (c, v) => loose(c.m.madvise.bind(c.m))(v), "EINVAL", "madvise", "advice");
add(
  "mapping.madvise",
  [...BAD_ALIGNED, 8 * P],
  (c, v) => loose(c.m.madvise.bind(c.m))("normal", v),
  "EINVAL",
  "madvise",
  "offset",
);
add(
  "mapping.madvise",
  [...BAD_INTEGERS, 8 * P],
  (c, v) => loose(c.m.madvise.bind(c.m))("normal", 0, v),
  "EINVAL",
  "madvise",
  "length",
);
add(
  "mapping.mincore",
  [...BAD_ALIGNED, 8 * P],
  (c, v) => loose(c.m.mincore.bind(c.m))(v),
  "EINVAL",
  "mincore",
  "offset",
);
add(
  "mapping.mincore",
  [...BAD_INTEGERS, 8 * P],
  (c, v) => loose(c.m.mincore.bind(c.m))(0, v),
  "EINVAL",
  "mincore",
  "length",
);

one({
  fn: "mapping.share",
  bad: "a MAP_SHARED file mapping",
  call: (c) => c.m.share(),
  code: "EINVAL",
  syscall: "share",
});
one({
  fn: "mapping.share",
  bad: "a MAP_PRIVATE anonymous mapping",
  call: (c) => c.victim.share(),
  code: "EINVAL",
  syscall: "share",
});

// ---------------------------------------------------------------- attach, createInstance
add(
  "space.attach",
  [null, undefined, 12, "handle", [], {}, { type: "anymmap.shared-memory" }],
  (c, v) => loose(c.space.attach.bind(c.space))(v),
  "EINVAL",
  "attach",
  "handle",
);
add(
  "anymmap.createInstance",
  [null, 12, "shared", { sharedMemory: "yes" }, { sharedMemory: 1 }],
  (_c, v) => loose(anymmap.createInstance)(v),
  "EINVAL",
  "createInstance",
  "options",
);

// Use after munmap.
const afterUnmap: Array<[string, (g: Mapping) => unknown, string]> = [
  ["mapping.bytes", (g) => g.bytes, "access"],
  ["mapping.view", (g) => g.view(0, 1), "access"],
  ["mapping.read", (g) => g.read(), "access"],
  ["mapping.readInto", (g) => g.readInto(new Uint8Array(4), 0), "access"],
  ["mapping.write", (g) => g.write("x", 0), "access"],
  ["mapping.msync", (g) => g.msync("sync"), "msync"],
  ["mapping.mprotect", (g) => g.mprotect("r"), "mprotect"],
  ["mapping.mremap", (g) => g.mremap(4 * P, "maymove"), "mremap"],
  ["mapping.madvise", (g) => g.madvise("willneed"), "madvise"],
  ["mapping.mincore", (g) => g.mincore(), "mincore"],
  ["mapping.share", (g) => g.share(), "share"],
];
for (const [fn, call, syscall] of afterUnmap) {
  one({ fn, bad: "use after munmap", call: (c) => call(c.gone), code: "EFAULT", syscall });
}

// ---------------------------------------------------------------- the file handle
add(
  "handle.truncate",
  BAD_INTEGERS,
  (c, v) => loose(c.scratch.truncate.bind(c.scratch))(v),
  "EINVAL",
  "ftruncate",
  "length",
);
add(
  "handle.pread",
  ["12", {}, 12, null, [1, 2]],
  (c, v) => loose(c.h.pread.bind(c.h))(v, 0),
  "EINVAL",
  "pread",
  "buffer",
);
add(
  "handle.pread",
  BAD_INTEGERS,
  (c, v) => loose(c.h.pread.bind(c.h))(new Uint8Array(4), v),
  "EINVAL",
  "pread",
  "position",
);
add(
  "handle.pwrite",
  ["12", {}, 12, null, [1, 2]],
  (c, v) => loose(c.scratch.pwrite.bind(c.scratch))(v, 0),
  "EINVAL",
  "pwrite",
  "buffer",
);
add(
  "handle.pwrite",
  BAD_INTEGERS,
  (c, v) => loose(c.scratch.pwrite.bind(c.scratch))(new Uint8Array(4), v),
  "EINVAL",
  "pwrite",
  "position",
);
one({
  fn: "handle.truncate",
  bad: "a read-only handle",
  call: (c) => c.ro.truncate(P),
  code: "EINVAL",
  syscall: "ftruncate",
});
one({
  fn: "handle.pwrite",
  bad: "a read-only handle",
  call: (c) => c.ro.pwrite(new Uint8Array(4), 0),
  code: "EBADF",
  syscall: "pwrite",
});
const closedCalls: Array<[string, (h: Handle) => unknown, string]> = [
  ["handle.truncate", (h) => h.truncate(0), "ftruncate"],
  ["handle.pread", (h) => h.pread(new Uint8Array(4), 0), "pread"],
  ["handle.pwrite", (h) => h.pwrite(new Uint8Array(4), 0), "pwrite"],
  ["handle.size", (h) => h.size(), "fstat"],
  ["handle.sync", (h) => h.sync(), "fsync"],
  ["handle.close", (h) => h.close(), "close"],
];
for (const [fn, call, syscall] of closedCalls) {
  one({ fn, bad: "a closed handle", call: (c) => call(c.closed), code: "EBADF", syscall });
}

// ---------------------------------------------------------------- the default instance's exports
const mod = anymmap as unknown as Record<string, Loose>;
add("anymmap.mmapSync", [-1, 1.5, "12"], (_c, v) => mod.mmapSync!(null, { length: v }), "EINVAL", "mmap", "length");
add("anymmap.mmap", [-1, 1.5, "12"], (_c, v) => mod.mmap!(null, { length: v }), "EINVAL", "mmap", "length", true);
add("anymmap.openSync", ["", 12], (_c, v) => mod.openSync!(v), "EINVAL", "open", "path");
add("anymmap.open", ["", 12], (_c, v) => mod.open!(v), "EINVAL", "open", "path", true);
one({
  fn: "anymmap.mmapSync",
  bad: "a path with a NUL byte",
  call: (c) => mod.mmapSync!(`${c.path}\0.public`),
  code: "EINVAL",
  syscall: "open",
  names: "NUL",
});
one({
  fn: "anymmap.openSync",
  bad: "a path with a NUL byte",
  call: (c) => mod.openSync!(`${c.path}\0.public`),
  code: "EINVAL",
  syscall: "open",
  names: "NUL",
});
one({
  fn: "anymmap.mmapWindowedSync",
  bad: "a path with a NUL byte",
  call: (c) => mod.mmapWindowedSync!(`${c.path}\0.public`),
  code: "EINVAL",
  syscall: "open",
  names: "NUL",
});
one({
  fn: "anymmap.open",
  bad: "a missing path",
  call: (c) => mod.open!(c.missing),
  code: "ENOENT",
  syscall: "open",
  async: true,
});
add("anymmap.munmap", [1, -P, "12"], (_c, v) => mod.munmap!(v, P), "EINVAL", "munmap", "address");
add("anymmap.msync", [1, -P, "12"], (_c, v) => mod.msync!(v, P, "sync"), "EINVAL", "msync", "address");
add("anymmap.mprotect", [1, -P, "12"], (_c, v) => mod.mprotect!(v, P, "r"), "EINVAL", "mprotect", "address");
add("anymmap.madvise", [1, -P, "12"], (_c, v) => mod.madvise!(v, P, "normal"), "EINVAL", "madvise", "address");
add("anymmap.mincore", [1, -P, "12"], (_c, v) => mod.mincore!(v, P), "EINVAL", "mincore", "address");

// ---------------------------------------------------------------- the checks
interface Caught {
  threwSync: boolean;
  error: unknown;
}

async function run(row: Row, c: Ctx): Promise<Caught> {
  let result: unknown;
  try {
    result = row.call(c);
  } catch (e) {
    return { threwSync: true, error: e };
  }
  if (result instanceof Promise) {
    try {
      await result;
    } catch (e) {
      return { threwSync: false, error: e };
    }
  }
  return { threwSync: false, error: undefined };
}

describe("bad input gives MmapError with the right code and syscall", () => {
  let c: Ctx;
  const before = pattern(4 * P, 1);
  beforeAll(() => {
    const space = anymmap.createInstance();
    const other = anymmap.createInstance();
    const path = fx.file(before, "errors");
    const closed = space.openSync(path, "r");
    closed.close();
    const victim = space.mmapSync(null, { length: 4 * P, prot: "rw" });
    victim.write("victim", 0);
    const gone = space.mmapSync(null, { length: 4 * P, prot: "rw" });
    gone.munmap();
    c = {
      space,
      other,
      path,
      h: space.openSync(path, "r+"),
      ro: space.openSync(path, "r"),
      closed,
      foreign: other.openSync(path, "r"),
      scratch: space.openSync(fx.file(pattern(P, 2), "scratch"), "r+"),
      missing: fx.path("missing"),
      dir: fx.dir(),
      m: space.mmapSync(path, { prot: "rw", flags: "shared" }),
      victim,
      gone,
      w: space.mmapWindowedSync(path, { windowSize: P, budget: 2 * P }),
    };
  });

  for (const row of rows) {
    it(`${row.fn}: ${row.bad} → ${row.code} (${row.syscall})`, async () => {
      const { threwSync, error } = await run(row, c);
      expect(error, "expected an MmapError, nothing was thrown").toBeDefined();
      expect(anymmap.isMmapError(error), `not an MmapError: ${String(error)}`).toBe(true);
      expect(error).toBeInstanceOf(Error);
      const e = error as { name: string; code: string; errno: number; syscall: string; message: string; path?: string };
      expect({ code: e.code, syscall: e.syscall }).toEqual({ code: row.code, syscall: row.syscall });
      expect(e.name).toBe("MmapError");
      expect(e.errno, `the errno of ${e.code}`).toBe(LINUX_ERRNO[row.code]);
      expect(e.message.trim().length).toBeGreaterThan(0);
      // A message that says what to do, not only that the call failed.
      expect(e.message).not.toMatch(/^\w+: \w+ failed\b/);
      if (row.names !== undefined) expect(e.message).toContain(row.names);
      if (row.code === "ENOENT") {
        expect(e.path).toBe(c.missing);
        expect(e.message).toContain(c.missing);
      }
      // The async forms report through the promise, never by throwing.
      if (row.async) expect(threwSync).toBe(false);
    });
  }

  describe("afterwards", () => {
    it("nothing was damaged: the file, the mappings and the handles are as before", () => {
      expect(fx.read(c.path)).toEqual(before);
      expect(c.m.read()).toEqual(before);
      expect(c.m.prot).toBe(anymmap.PROT_READ | anymmap.PROT_WRITE);
      expect(c.victim.length).toBe(4 * P);
      expect(new TextDecoder().decode(c.victim.read(0, 6))).toBe("victim");
      expect(fx.size(c.scratch.path)).toBe(P);
      expect(fx.read(c.scratch.path)).toEqual(pattern(P, 2));
      const back = new Uint8Array(8);
      expect(c.h.pread(back, 0)).toBe(8);
      expect(back).toEqual(before.subarray(0, 8));
      expect(c.foreign.closed).toBe(false);
    });
  });

  afterAll(() => {
    c.w.munmap();
    for (const h of [c.h, c.ro, c.foreign, c.scratch]) if (!h.closed) h.close();
  });
});

describe("files that mmap cannot map are refused at once with ENODEV (sockets ENXIO), as Linux refuses them: never a hang", () => {
  const noHostFiles = fx.hostFiles
    ? undefined
    : "needs the OS's files, FIFOs, /dev and /proc; the browser's OPFS has none";
  // Deno's sandbox lets no file of /proc be opened without --allow-all (EACCES first); its FFI (native) does not ask.
  const denoSandbox =
    anymmap.info().runtime.startsWith("deno") && anymmap.backend === "wasm"
      ? "Deno opens /proc files only with --allow-all"
      : undefined;
  const special: Array<[string, () => string, string | undefined, "ENODEV" | "ENXIO"]> = [
    // Opening a FIFO for reading waits for a writer: anymmap opens it non-blocking, then refuses it.
    ["a FIFO with no writer", () => fx.fifo(), noHostFiles, "ENODEV"],
    // Linux maps /dev/zero as anonymous memory; anymmap refuses it (map null for zero pages).
    ["/dev/zero", () => "/dev/zero", noHostFiles, "ENODEV"],
    // Size 0 in stat, content on read: Linux's mmap says ENODEV.
    ["a /proc file (/proc/version)", () => "/proc/version", noHostFiles ?? denoSandbox, "ENODEV"],
    // Never gets as far as mmap: Linux's open(2) refuses a socket.
    ["a Unix socket", () => fx.socket(), noHostFiles, "ENXIO"],
  ];
  for (const [what, make, unavailable, code] of special) {
    const skipped = unavailable === undefined ? "" : ` (skipped: ${unavailable})`;
    it.skipIf(unavailable !== undefined)(
      `${what}: mmapSync, mmap, openSync, open, mmapWindowedSync and mmapWindowed → ${code}${skipped}`,
      async () => {
        const space = anymmap.createInstance();
        const path = make();
        const calls: Array<[string, () => unknown]> = [
          ["mmapSync", () => space.mmapSync(path)],
          ["mmapSync with a length", () => space.mmapSync(path, { length: anymmap.pageSize, flags: "private" })],
          ["mmapSync rw shared", () => space.mmapSync(path, { length: anymmap.pageSize, prot: "rw", flags: "shared" })],
          ["openSync", () => space.openSync(path, "r")],
          ["mmapWindowedSync", () => space.mmapWindowedSync(path)],
          ["mmap", () => space.mmap(path, { length: anymmap.pageSize })],
          ["open", () => space.open(path)],
          ["mmapWindowed", () => space.mmapWindowed(path)],
        ];
        for (const [call, fn] of calls) {
          let error: unknown;
          try {
            await fn();
          } catch (e) {
            error = e;
          }
          const e = error as { code?: string; errno?: number; message?: string } | undefined;
          expect({ call, code: e?.code, errno: e?.errno }, e?.message ?? "nothing was thrown").toEqual({
            call,
            code,
            errno: LINUX_ERRNO[code],
          });
          if (code === "ENODEV") expect(e?.message).toContain("regular files");
        }
      },
    );
  }

  it("a directory still opens read-only (as open(2) allows) and mmap says ENODEV", () => {
    const space = anymmap.createInstance();
    const h = space.openSync(fx.dir(), "r");
    try {
      expectMmapError(() => space.mmapSync(h, { length: anymmap.pageSize }), "ENODEV", "mmap");
    } finally {
      h.close();
    }
  });
});

describe("a truncate past the largest file size has one answer in every runtime", () => {
  const opfs = fx.hostFiles
    ? ""
    : " (skipped: OPFS's limit is the origin's storage quota, not a file system's largest size)";
  it.skipIf(!fx.hostFiles)(
    `truncate(2**53 - 1) is what Linux's ftruncate says: EFBIG past the file system's largest file, else done${opfs}`,
    () => {
      const space = anymmap.createInstance();
      const h = space.openSync(fx.file(pattern(P, 3), "huge"), "r+");
      try {
        let error: { code?: string; errno?: number; syscall?: string } | undefined;
        try {
          h.truncate(2 ** 53 - 1);
        } catch (e) {
          error = e as typeof error;
        }
        // ext4 (16 TiB) says EFBIG; tmpfs and xfs (8 EiB) make the sparse file. Never EIO (Deno) or EINVAL (Bun).
        if (error === undefined) expect(h.size()).toBe(2 ** 53 - 1);
        else
          expect({ code: error.code, errno: error.errno, syscall: error.syscall }).toEqual({
            code: "EFBIG",
            errno: LINUX_ERRNO.EFBIG,
            syscall: "ftruncate",
          });
      } finally {
        h.close();
      }
    },
  );
});

describe("a write-only descriptor cannot be mapped at all, and the message says so", () => {
  // Linux's mmap(2) needs a descriptor open for reading for every mapping (EACCES). The message used to
  // speak only of writable shared mappings and told to "map it 'r'", which fails the same way.
  it.skipIf(!fx.hostFiles)("'w' and 'a' handles: r/private and r/shared are EACCES naming the write-only flags", () => {
    const space = anymmap.createInstance();
    for (const flags of ["w", "a"] as const) {
      const path = fx.file(new Uint8Array(P).fill(1), `errors-write-only-${flags}`);
      const h = space.openSync(path, flags);
      h.truncate(P);
      for (const map of ["private", "shared"] as const) {
        let error: unknown;
        try {
          space.mmapSync(h, { prot: "r", flags: map, length: P }).munmap();
        } catch (e) {
          error = e;
        }
        expect(error).toMatchObject({ name: "MmapError", code: "EACCES", errno: LINUX_ERRNO.EACCES, syscall: "mmap" });
        expect((error as Error).message).toContain("write-only");
      }
      h.close();
    }
  });
});

describe("errno 95 has one name, ENOTSUP, whichever layer raises it", () => {
  // MAP_SHARED_VALIDATE with a flag Linux does not know was "EOPNOTSUPP" on the native backend and "ENOTSUP"
  // on the WASM one (the engine's errno table names 95 ENOTSUP), so `e.code === ...` worked on one backend only;
  // share() and createInstance() said "EOPNOTSUPP", MADV_REMOVE "ENOTSUP".
  it("MAP_SHARED_VALIDATE with an unknown flag is ENOTSUP (errno 95) on every backend", () => {
    const path = fx.file(new Uint8Array(P), "errors-validate");
    let error: unknown;
    try {
      anymmap.mmapSync(path, { flags: anymmap.MAP_SHARED_VALIDATE | 0x800000, length: P }).munmap();
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: "MmapError", code: "ENOTSUP", errno: 95, syscall: "mmap" });
    expect((error as Error).message).toMatch(/^ENOTSUP: MAP_SHARED_VALIDATE/);
  });

  it("MAP_SHARED_VALIDATE takes the same flags on both backends: MAP_SYNC is ENOTSUP, MAP_32BIT and huge page sizes map", () => {
    // The WASM engine took MAP_SYNC (Linux: EOPNOTSUPP without DAX) and refused MAP_32BIT and the MAP_HUGE_* size
    // bits, which Linux's MAP_SHARED_VALIDATE accepts and the native backend passed on.
    const path = fx.file(new Uint8Array(P).fill(3), "errors-validate-flags");
    expectMmapError(
      () => anymmap.mmapSync(path, { flags: anymmap.MAP_SHARED_VALIDATE | 0x80000, length: P }),
      "ENOTSUP",
      "mmap",
    );
    for (const extra of [0x40, 21 << 26, 0x4000000]) {
      const m = anymmap.mmapSync(path, { flags: anymmap.MAP_SHARED_VALIDATE | extra, length: P, prot: "rw" });
      expect(m.read(0, 1)[0]).toBe(3);
      m.munmap();
    }
  });

  it("an MmapError made with an alias carries the canonical name: EOPNOTSUPP is ENOTSUP, EWOULDBLOCK is EAGAIN", () => {
    const e = new anymmap.MmapError("EOPNOTSUPP", "madvise", "test");
    expect({ code: e.code, errno: e.errno, message: e.message }).toEqual({
      code: "ENOTSUP",
      errno: 95,
      message: "ENOTSUP: test (madvise)",
    });
    expect(new anymmap.MmapError("EWOULDBLOCK", "open", "test")).toMatchObject({ code: "EAGAIN", errno: 11 });
  });
});
