/**
 * Model-based testing of one anymmap address space: a scenario (initial
 * files + a sequence of operations) is run against a real instance and
 * against a small in-memory model of Linux semantics; every read, every
 * error and the final file contents must agree.
 *
 * The model, in short:
 *  - Each file has one page cache (`cache`): the file's bytes as MAP_SHARED
 *    mappings, pread and pwrite see them, plus the bytes of the last page
 *    past EOF. MAP_SHARED mappings read and write the cache directly.
 *  - MAP_PRIVATE file pages "follow" the cache until written (then they own a
 *    copy). anymmap snapshots a private page when it is first touched (or read
 *    ahead), Linux when it is first written; POSIX leaves it unspecified
 *    whether later changes of the file show through a private mapping. So a
 *    following page of a mapping that was ever accessed becomes "unknown"
 *    (not checked) when its file page changes, and private pages of a file
 *    that shrank under them may fault or not (Linux zaps even COW pages with
 *    SIGBUS, anymmap keeps them).
 *  - Bytes past EOF in the last page that a mapping wrote are not checked
 *    (POSIX: never written to the file; what other mappings see of them is
 *    unspecified), but bytes the file gains by growing (ftruncate, or pwrite
 *    past EOF: the gap) read as zeros, as POSIX requires.
 *  - anymmap gives two MAP_SHARED mappings of the same file pages one address
 *    (README: their protection is shared, mremap of a shared page may give
 *    ENOMEM): pages that were ever mapped by two shared mappings at once are
 *    "layered", and the model accepts either outcome for their protection
 *    checks and for mremap.
 *  - Where the model accepts an error, the operation must throw exactly an
 *    MmapError with one of the accepted codes and the model is unchanged.
 *
 * Scenarios are plain JSON so that shrunk counterexamples can be kept as
 * regression tests verbatim.
 */
import { anymmap, fx, pattern } from "../harness/index.js";

type Anymmap = ReturnType<typeof anymmap.createInstance>;
type FileHandle = ReturnType<Anymmap["openSync"]>;
type Mapping = ReturnType<Anymmap["mmapSync"]>;

export const PAGE = 4096;
/** File pages the model can hold: offsets up to 4 pages + mappings up to 12 pages, pwrite up to 9 pages. */
const CAP_PAGES = 32;
/** EOF-relative sizes and positions stay below this, so that files cannot creep past the model's capacity. */
const EOF_CAP = 12 * PAGE;

export type ProtName = "none" | "r" | "rw";
const PROT: Record<ProtName, number> = { none: 0, r: 1, rw: 3 };
const READ = 1;
const WRITE = 2;

export type MsyncFlags = "sync" | "async" | "invalidate" | "sync|invalidate" | "sync|async";

export type Op =
  | {
      t: "map";
      /** anon: anonymous memory (shared or private by `anonShared`). */
      type: "shared" | "private" | "anon";
      anonShared: boolean;
      /** Which handle of the file (rw = "r+", ro = "r"), or by path. */
      via: "rw" | "ro" | "path";
      file: number;
      offPages: number;
      /** null: the rest of the file. 0: EINVAL. */
      len: number | null;
      prot: ProtName;
      /** An offset that is not a page multiple: EINVAL. */
      badOffset: boolean;
    }
  /** eof: `off` is taken relative to the end of the file (within a page either side of it). */
  | {
      t: "write";
      m: number;
      off: number;
      len: number;
      clip: boolean;
      seed: number;
      how: "api" | "view" | "bytes";
      eof?: boolean;
    }
  | { t: "read"; m: number; off: number; len: number; clip: boolean; how: "read" | "view" | "bytes"; eof?: boolean }
  | { t: "msync"; m: number; flags: MsyncFlags; offPages: number; lenPages: number | null }
  | { t: "munmap"; m: number; whole: boolean; offPages: number; lenPages: number }
  | { t: "mprotect"; m: number; prot: ProtName; offPages: number; lenPages: number | null }
  | { t: "mremap"; m: number; len: number; maymove: boolean }
  | {
      t: "madvise";
      m: number;
      advice: "dontneed" | "willneed" | "random" | "sequential" | "normal";
      offPages: number;
      lenPages: number | null;
    }
  /** eof: `size`/`pos` is taken relative to the current end of the file (within a page either side of it). */
  | { t: "truncate"; file: number; size: number; ro: boolean; eof?: boolean }
  | { t: "pwrite"; file: number; pos: number; len: number; seed: number; ro: boolean; eof?: boolean }
  | { t: "pread"; file: number; pos: number; len: number; ro: boolean }
  | { t: "close"; file: number; ro: boolean }
  | { t: "open"; file: number; ro: boolean }
  /** Uses a mapping that was unmapped whole: EFAULT (munmap() again is a no-op). */
  | { t: "dead"; m: number; how: "read" | "munmap" };

export interface FileSpec {
  size: number;
  seed: number;
}

export interface Scenario {
  files: FileSpec[];
  ops: Op[];
}

export interface RunStats {
  /** Operations executed (skipped ones, e.g. a mapping op with no mapping, not counted). */
  ops: number;
  skipped: number;
  /** Operations that the model expected to fail and that failed as expected. */
  errors: number;
  /** Bytes compared against the model. */
  checkedBytes: number;
  /** Executed operations by kind, and by kind:error-code for the ones that failed as expected. */
  kinds: Record<string, number>;
}

type PageState = "follow" | "own" | "unknown";

interface MPage {
  mapped: boolean;
  prot: number;
  /** MADV_NORMAL/RANDOM/SEQUENTIAL: like the protection, a vma attribute (mremap needs one vma). */
  advice: string;
  /** Ever mapped by two MAP_SHARED mappings at once: protection is shared (anymmap), so not predicted. */
  layered: boolean;
  /** Private and anonymous pages. */
  state: PageState;
  data?: Uint8Array;
  known?: Uint8Array;
  /** An unknown private page whose file page was cut off: may fault (Linux) or not (anymmap). */
  mayFault: boolean;
}

interface MMapping {
  id: number;
  real: Mapping;
  type: "shared" | "private" | "anon";
  file: number;
  /** File offset in bytes. */
  fileOff: number;
  length: number;
  pages: MPage[];
  /** MAP_SHARED of a descriptor that can write (mprotect PROT_WRITE allowed). */
  maywrite: boolean;
  /** Any access happened: anymmap may hold private snapshots of any of its pages. */
  touched: boolean;
  /** MAP_SHARED anonymous memory. */
  anonShared: boolean;
}

interface MFile {
  path: string;
  size: number;
  cache: Uint8Array;
  known: Uint8Array;
  rw: FileHandle | null;
  ro: FileHandle | null;
}

/** What an operation may do: throw one of `errors`, or succeed if `success`. */
interface Outcome {
  errors: Set<string>;
  success: boolean;
}

export class Divergence extends Error {
  override name = "Divergence";
}

const pagesOf = (n: number) => Math.ceil(n / PAGE);

function describeOp(op: Op): string {
  return JSON.stringify(op);
}

/**
 * Known bugs (see KNOWN_BUGS below) that the model tolerates unless `strict`:
 * the property tests must keep finding new divergences rather than the same
 * one, and model-regressions.test.ts asserts the right behaviour for each.
 */
export type KnownBug = keyof typeof KNOWN_BUGS;

export const KNOWN_BUGS = {
  // None open. Add one here, tolerated by the property tests, while its fix is pending.
} as const;

export interface RunOptions {
  /** Known bugs to tolerate; default: all of them. */
  tolerate?: ReadonlySet<KnownBug>;
  /**
   * An instance to run in instead of a fresh one: it must hold no mapping,
   * and holds none again afterwards. Lets a soak reuse one address space
   * for many scenarios (quarantine turnover, page reuse, the file table).
   */
  space?: Anymmap;
}

/** Runs a scenario; throws a Divergence (with the op and what differed) at the first mismatch. */
export function runScenario(scenario: Scenario, options: RunOptions = {}): RunStats {
  const runner = new Runner(
    scenario,
    options.tolerate ?? new Set(Object.keys(KNOWN_BUGS) as KnownBug[]),
    options.space,
  );
  try {
    runner.run();
  } finally {
    runner.cleanup();
  }
  return runner.stats;
}

class Runner {
  readonly stats: RunStats = { ops: 0, skipped: 0, errors: 0, checkedBytes: 0, kinds: {} };
  private readonly space: Anymmap;
  private readonly files: MFile[] = [];
  private live: MMapping[] = [];
  private dead: MMapping[] = [];
  private nextId = 0;
  private step = -1;
  private op: Op | undefined;

  constructor(
    private readonly scenario: Scenario,
    // What a check of an open known bug consults; none is open (KNOWN_BUGS).
    _tolerate: ReadonlySet<KnownBug>,
    space?: Anymmap,
  ) {
    this.space = space ?? anymmap.createInstance();
    scenario.files.forEach((spec, i) => {
      const p = fx.path(`f${i}`);
      const bytes = pattern(spec.size, spec.seed);
      fx.write(p, bytes);
      const cache = new Uint8Array(CAP_PAGES * PAGE);
      cache.set(bytes);
      this.files.push({
        path: p,
        size: spec.size,
        cache,
        known: new Uint8Array(CAP_PAGES * PAGE).fill(1),
        rw: this.space.openSync(p, "r+"),
        ro: this.space.openSync(p, "r"),
      });
    });
  }

  private fail(what: string): never {
    throw new Divergence(`step ${this.step} ${this.op ? describeOp(this.op) : "(end)"}: ${what}`);
  }

  run(): void {
    const ops = this.scenario.ops;
    for (this.step = 0; this.step < ops.length; this.step++) {
      this.op = ops[this.step]!;
      const done = this.apply(this.op);
      if (done) {
        this.stats.ops++;
        this.count(this.op.t);
      } else this.stats.skipped++;
      this.checkSizes();
    }
    this.step = ops.length;
    this.op = undefined;
    this.finish();
  }

  /** Best effort: leaves no descriptors open whatever happened. */
  cleanup(): void {
    for (const m of this.live) {
      try {
        m.real.munmap();
      } catch {
        // already reported
      }
    }
    for (const f of this.files) {
      for (const h of [f.rw, f.ro]) {
        try {
          if (h && !h.closed) h.close();
        } catch {
          // already reported
        }
      }
    }
  }

  // ---- outcome checking ----

  /** Runs fn under an expected outcome; returns its value on success, undefined on an accepted error. */
  private expect<T>(outcome: Outcome, fn: () => T): { ok: true; value: T } | { ok: false; code: string } {
    let value: T;
    try {
      value = fn();
    } catch (e) {
      if (e instanceof Divergence) throw e;
      if (!anymmap.isMmapError(e)) this.fail(`threw a non-MmapError: ${e instanceof Error ? e.stack : String(e)}`);
      if (!outcome.errors.has(e.code)) {
        this.fail(
          `threw ${e.code} (${e.message}); expected ${outcome.success ? "success" : ""}${
            outcome.success && outcome.errors.size ? " or " : ""
          }${[...outcome.errors].join("/")}`,
        );
      }
      this.stats.errors++;
      this.count(`${this.op?.t ?? "end"}:${e.code}`);
      return { ok: false, code: e.code };
    }
    if (!outcome.success) this.fail(`succeeded; expected ${[...outcome.errors].join("/")}`);
    return { ok: true, value };
  }

  /** Shared mapping bytes [off, off+len) that lie in the file must be on disk now (after msync or munmap wrote them back). */
  private checkDisk(m: MMapping, off: number, len: number, what: string): void {
    const f = this.fileOf(m);
    const from = m.fileOff + off;
    const to = Math.min(f.size, m.fileOff + off + len);
    if (to <= from) return;
    const disk = fx.readRange(f.path, from, to - from);
    if (disk.length !== to - from)
      this.fail(`${what}: file ${m.file} ends at ${from + disk.length} on disk; the model says ${f.size}`);
    for (let k = 0; k < disk.length; k++) {
      if (!f.known[from + k]) continue;
      if (disk[k] !== f.cache[from + k]) {
        this.fail(
          `${what}: file ${m.file} byte ${from + k} on disk is ${disk[k]}, expected ${f.cache[from + k]} (mapping #${m.id})`,
        );
      }
    }
    this.stats.checkedBytes += disk.length;
  }

  private count(key: string): void {
    this.stats.kinds[key] = (this.stats.kinds[key] ?? 0) + 1;
  }

  private checkSizes(): void {
    for (const [i, f] of this.files.entries()) {
      const size = fx.size(f.path);
      if (size !== f.size) this.fail(`file ${i} has ${size} bytes on disk; the model says ${f.size}`);
    }
  }

  /** Compares bytes read at mapping offset `off` with the model. */
  private compare(m: MMapping, off: number, actual: Uint8Array, what: string): void {
    // Page by page against the bytes and known-mask the model holds for that page.
    for (let i = 0; i < actual.length; ) {
      const at = off + i;
      const n = Math.min(actual.length - i, PAGE - (at % PAGE));
      const src = this.expectedPage(m, Math.floor(at / PAGE));
      if (src) {
        const [bytes, known, base] = src;
        const b = base + (at % PAGE);
        for (let k = 0; k < n; k++) {
          if (!known[b + k]) continue;
          if (actual[i + k] !== bytes[b + k]) this.mismatch(m, off, actual, i + k, what);
        }
        this.stats.checkedBytes += n;
      }
      i += n;
    }
  }

  /** The model's bytes and known-mask for page p of m, and where the page starts in them; null if unknown. */
  private expectedPage(m: MMapping, p: number): [Uint8Array, Uint8Array, number] | null {
    const page = m.pages[p]!;
    if (m.type === "shared" || page.state === "follow") {
      const f = this.fileOf(m);
      return [f.cache, f.known, m.fileOff + p * PAGE];
    }
    if (page.state === "own") return [page.data!, page.known!, 0];
    return null;
  }

  private mismatch(m: MMapping, off: number, actual: Uint8Array, i: number, what: string): never {
    const at = off + i;
    const page = m.pages[Math.floor(at / PAGE)]!;
    const from = Math.max(0, i - 4);
    const got = Array.from(actual.subarray(from, Math.min(actual.length, i + 8)));
    const want = got.map((_, k) => this.expectedByte(m, off + from + k) ?? "?");
    this.fail(
      `${what}: mapping #${m.id} (${m.type}, file ${m.file}, file offset ${m.fileOff}, length ${m.length}, page state ${
        m.type === "shared" ? "shared" : page.state
      }) byte ${at} (file byte ${m.fileOff + at}) is ${actual[i]}, expected ${this.expectedByte(m, at)}; around it got [${got}] want [${want}]`,
    );
  }

  private expectedByte(m: MMapping, at: number): number | undefined {
    const page = m.pages[Math.floor(at / PAGE)]!;
    if (m.type === "shared") {
      const f = this.files[m.file]!;
      const fb = m.fileOff + at;
      return f.known[fb] ? f.cache[fb] : undefined;
    }
    if (page.state === "unknown") return undefined;
    if (page.state === "own") {
      const k = at % PAGE;
      return page.known![k] ? page.data![k] : undefined;
    }
    const f = this.files[m.file]!;
    const fb = m.fileOff + at;
    return f.known[fb] ? f.cache[fb] : undefined;
  }

  // ---- model helpers ----

  private fileOf(m: MMapping): MFile {
    return this.files[m.file]!;
  }

  /** A page of a file mapping lies wholly past the end of the file. */
  private pastEof(m: MMapping, p: number): boolean {
    return m.fileOff + p * PAGE >= this.fileOf(m).size;
  }

  /** What an access of [off, off+len) needing `need` may do (len >= 1, in bounds). */
  private accessOutcome(m: MMapping, off: number, len: number, need: number): Outcome {
    const first = Math.floor(off / PAGE);
    const end = pagesOf(off + len);
    const pages = m.pages.slice(first, end);
    if (pages.some((p) => !p.mapped)) return { errors: new Set(["EFAULT"]), success: false };
    if (pages.some((p) => !p.layered && (p.prot & need) !== need))
      return { errors: new Set(["EACCES"]), success: false };
    const errors = new Set<string>();
    if (pages.some((p) => p.layered)) {
      errors.add("EACCES");
      this.count("ambiguous-access");
    }
    let success = true;
    for (let p = first; p < end; p++) {
      const page = m.pages[p]!;
      if (m.type === "anon") continue;
      if (m.type === "shared" || page.state === "follow") {
        if (this.pastEof(m, p)) {
          errors.add("EFAULT");
          success = false;
        }
      } else if (page.mayFault) {
        errors.add("EFAULT");
      }
    }
    return { errors, success };
  }

  /** Pages of private mappings of file `fi` over file bytes [from, to) changed. */
  private fileChanged(fi: number, from: number, to: number): void {
    if (to <= from) return;
    for (const m of this.live) {
      if (m.type !== "private" || m.file !== fi || !m.touched) continue;
      m.pages.forEach((page, p) => {
        const a = m.fileOff + p * PAGE;
        if (a < to && from < a + PAGE && page.state === "follow") page.state = "unknown";
      });
    }
  }

  /** The file shrank to `size`: private pages wholly past it may now fault or keep their bytes. */
  private fileShrank(fi: number, size: number): void {
    for (const m of this.live) {
      if (m.type !== "private" || m.file !== fi) continue;
      m.pages.forEach((page, p) => {
        if (m.fileOff + p * PAGE < size) return;
        if (page.state === "follow" && !m.touched) return; // never loaded: faults, as the model says
        page.state = "unknown";
        page.mayFault = true;
        page.data = page.known = undefined;
      });
    }
  }

  /** The file grows to `size`: the new bytes are zeros, and so is the rest of the new last page unless it was written past EOF before. */
  private grow(f: MFile, size: number): void {
    const old = f.size;
    if (size <= old) return;
    if (pagesOf(size) > CAP_PAGES) throw new Error(`model capacity exceeded: ${size}`);
    f.cache.fill(0, old, size);
    f.known.fill(1, old, size);
    const fresh = Math.max(size, pagesOf(old) * PAGE);
    f.cache.fill(0, fresh, pagesOf(size) * PAGE);
    f.known.fill(1, fresh, pagesOf(size) * PAGE);
    f.size = size;
  }

  /** Other live MAP_SHARED mappings of the same file with mapped pages over file pages [fp0, fp1). */
  private sharedOverlaps(self: MMapping | null, fi: number, fp0: number, fp1: number): Array<[MMapping, number]> {
    const out: Array<[MMapping, number]> = [];
    for (const o of this.live) {
      if (o === self || o.type !== "shared" || o.file !== fi) continue;
      o.pages.forEach((page, p) => {
        const fp = o.fileOff / PAGE + p;
        if (page.mapped && fp >= fp0 && fp < fp1) out.push([o, fp]);
      });
    }
    return out;
  }

  /**
   * anymmap maps the pages of `m` at the same address as other shared mappings of those file pages, with the
   * union of their protections and write permissions: where they differ, neither side's protection is
   * predictable any more (README; Linux keeps them apart).
   */
  private markLayered(m: MMapping): void {
    if (m.type !== "shared") return;
    const fp0 = m.fileOff / PAGE;
    for (const [o, fp] of this.sharedOverlaps(m, m.file, fp0, fp0 + m.pages.length)) {
      const mine = m.pages[fp - fp0]!;
      const theirs = o.pages[fp - o.fileOff / PAGE]!;
      if (!mine.mapped) continue;
      if (
        mine.prot !== theirs.prot ||
        mine.advice !== theirs.advice ||
        m.maywrite !== o.maywrite ||
        mine.layered ||
        theirs.layered
      ) {
        mine.layered = true;
        theirs.layered = true;
      }
    }
  }

  private newPage(m: Pick<MMapping, "type">, prot: number): MPage {
    if (m.type === "anon") {
      return {
        mapped: true,
        prot,
        advice: "normal",
        layered: false,
        state: "own",
        data: new Uint8Array(PAGE),
        known: new Uint8Array(PAGE).fill(1),
        mayFault: false,
      };
    }
    return { mapped: true, prot, advice: "normal", layered: false, state: "follow", mayFault: false };
  }

  private pick(list: MMapping[], index: number): MMapping | undefined {
    return list.length ? list[index % list.length] : undefined;
  }

  private handle(fi: number, ro: boolean): { f: MFile; h: FileHandle | null } {
    const f = this.files[fi % this.files.length]!;
    const h = ro ? f.ro : f.rw;
    return { f, h: h && !h.closed ? h : null };
  }

  private closedHandle(f: MFile, ro: boolean): FileHandle {
    // A closed handle of this instance: the call must give EBADF.
    return (ro ? f.ro : f.rw)!;
  }

  /** Range of an access op in a mapping: [off, off+len) with len >= 1, or out of bounds when !clip. */
  private accessRange(m: MMapping, off: number, len: number, clip: boolean, eof = false): [number, number] {
    let o = off % m.length;
    if (eof && m.type !== "anon") {
      const end = this.fileOf(m).size - m.fileOff;
      o = Math.min(m.length - 1, Math.max(0, end + (off % (2 * PAGE)) - PAGE));
    }
    const l = Math.max(1, clip ? Math.min(len, m.length - o) : len);
    return [o, l];
  }

  private killIfUnmapped(m: MMapping): void {
    if (m.pages.every((p) => !p.mapped)) {
      this.live = this.live.filter((x) => x !== m);
      this.dead.push(m);
      if (this.dead.length > 4) this.dead.shift();
    }
  }

  // ---- operations ----

  private apply(op: Op): boolean {
    switch (op.t) {
      case "map":
        return this.map(op);
      case "write":
        return this.write(op);
      case "read":
        return this.read(op);
      case "msync":
        return this.msync(op);
      case "munmap":
        return this.munmap(op);
      case "mprotect":
        return this.mprotect(op);
      case "mremap":
        return this.mremap(op);
      case "madvise":
        return this.madvise(op);
      case "truncate":
        return this.truncate(op);
      case "pwrite":
        return this.pwrite(op);
      case "pread":
        return this.pread(op);
      case "close":
        return this.close(op);
      case "open":
        return this.open(op);
      case "dead":
        return this.deadOp(op);
    }
  }

  private map(op: Extract<Op, { t: "map" }>): boolean {
    const prot = PROT[op.prot];
    if (op.type === "anon") {
      const length = op.len ?? PAGE;
      const outcome: Outcome =
        length === 0 ? { errors: new Set(["EINVAL"]), success: false } : { errors: new Set(), success: true };
      const r = this.expect(outcome, () =>
        this.space.mmapSync(null, { length, prot: op.prot, flags: op.anonShared ? "shared" : "private" }),
      );
      if (r.ok) {
        const m: MMapping = {
          id: this.nextId++,
          real: r.value,
          type: "anon",
          file: -1,
          fileOff: 0,
          length,
          pages: [],
          maywrite: true,
          touched: false,
          anonShared: op.anonShared,
        };
        for (let p = 0; p < pagesOf(length); p++) m.pages.push(this.newPage(m, prot));
        this.live.push(m);
      }
      return true;
    }
    const fi = op.file % this.files.length;
    const f = this.files[fi]!;
    const offset = op.offPages * PAGE + (op.badOffset ? 512 : 0);
    const shared = op.type === "shared";
    const errors = new Set<string>();
    let success = true;
    const no = (code: string) => {
      if (success) errors.add(code);
      success = false;
    };
    // In the order anymmap checks them: arguments, the descriptor, the length, then the kernel's checks.
    if (op.badOffset) no("EINVAL");
    let source: string | FileHandle;
    if (op.via === "path") source = f.path;
    else {
      const h = op.via === "ro" ? f.ro : f.rw;
      source = h!;
      if (h!.closed) no("EBADF");
    }
    const length = op.len ?? f.size - offset;
    if (op.len === 0) no("EINVAL");
    if (op.len === null && f.size - offset <= 0) no("EINVAL");
    if (shared && op.via === "ro" && prot & WRITE) no("EACCES");
    const maywrite = !shared || op.via === "rw" || (op.via === "path" && (prot & WRITE) !== 0);
    const fp0 = op.offPages;
    if (success && shared && this.sharedOverlaps(null, fi, fp0, fp0 + pagesOf(length)).length) {
      // README: two shared mappings of the same pages share one address, which may not be free.
      errors.add("ENOMEM");
    }
    const r = this.expect({ errors, success }, () =>
      this.space.mmapSync(source as never, {
        prot: op.prot,
        flags: op.type,
        offset,
        ...(op.len === null ? {} : { length: op.len }),
      }),
    );
    if (r.ok) {
      if (r.value.length !== length) this.fail(`mapped ${r.value.length} bytes, expected ${length}`);
      const m: MMapping = {
        id: this.nextId++,
        real: r.value,
        type: op.type,
        file: fi,
        fileOff: offset,
        length,
        pages: [],
        maywrite,
        touched: false,
        anonShared: false,
      };
      for (let p = 0; p < pagesOf(length); p++) m.pages.push(this.newPage(m, prot));
      if (pagesOf(offset + length) > CAP_PAGES) throw new Error("model capacity exceeded");
      this.live.push(m);
      this.markLayered(m);
    }
    return true;
  }

  private write(op: Extract<Op, { t: "write" }>): boolean {
    const m = this.pick(this.live, op.m);
    if (!m) return false;
    const [off, len] = this.accessRange(m, op.off, op.len, op.clip || op.how === "bytes", op.eof);
    const data = pattern(len, op.seed);
    let outcome: Outcome;
    if (off + len > m.length) outcome = { errors: new Set(["EINVAL"]), success: false };
    else if (op.how === "bytes") {
      // A raw store into the view of the whole mapping: only where the model knows the page is writable.
      outcome = this.accessOutcome(m, 0, m.length, READ);
      const w = this.accessOutcome(m, off, len, WRITE);
      if (!(w.success && w.errors.size === 0)) {
        // Not certainly writable: just take the view (a read of everything) and store nothing.
        m.touched = true;
        const r = this.expect(outcome, () => m.real.bytes);
        if (r.ok) this.compare(m, 0, r.value, "bytes");
        return true;
      }
    } else outcome = this.accessOutcome(m, off, len, WRITE);
    m.touched = true;
    const r = this.expect(outcome, () => {
      if (op.how === "api") {
        const n = m.real.write(data, off);
        if (n !== len) this.fail(`write returned ${n}, expected ${len}`);
      } else if (op.how === "view") {
        m.real.view(off, len, "write").set(data);
      } else {
        const all = m.real.bytes;
        this.compare(m, 0, all, "bytes before a raw store");
        all.set(data, off);
      }
    });
    if (r.ok) this.applyWrite(m, off, data);
    return true;
  }

  private applyWrite(m: MMapping, off: number, data: Uint8Array): void {
    if (m.type === "shared") {
      const f = this.fileOf(m);
      const a = m.fileOff + off;
      f.cache.set(data, a);
      f.known.fill(1, a, a + data.length);
      // Past EOF (last page only: other pages fault): never the file's bytes, and unspecified to others.
      if (a + data.length > f.size) f.known.fill(0, Math.max(a, f.size), a + data.length);
      this.fileChanged(m.file, a, a + data.length);
      return;
    }
    for (let i = 0; i < data.length; ) {
      const at = off + i;
      const p = Math.floor(at / PAGE);
      const page = m.pages[p]!;
      const n = Math.min(data.length - i, PAGE - (at % PAGE));
      if (page.state === "follow") {
        const f = this.fileOf(m);
        const a = m.fileOff + p * PAGE;
        page.state = "own";
        page.data = f.cache.slice(a, a + PAGE);
        page.known = f.known.slice(a, a + PAGE);
      }
      if (page.state === "own") {
        page.data!.set(data.subarray(i, i + n), at % PAGE);
        page.known!.fill(1, at % PAGE, (at % PAGE) + n);
      }
      i += n;
    }
  }

  private read(op: Extract<Op, { t: "read" }>): boolean {
    const m = this.pick(this.live, op.m);
    if (!m) return false;
    let [off, len] = this.accessRange(m, op.off, op.len, op.clip, op.eof);
    if (op.how === "bytes") [off, len] = [0, m.length];
    const outcome =
      off + len > m.length ? { errors: new Set(["EINVAL"]), success: false } : this.accessOutcome(m, off, len, READ);
    m.touched = true;
    const r = this.expect(outcome, () => {
      if (op.how === "read") return m.real.read(off, len);
      if (op.how === "view") return m.real.view(off, len).slice();
      return m.real.bytes.slice();
    });
    if (r.ok) {
      if (r.value.length !== len) this.fail(`read ${r.value.length} bytes, expected ${len}`);
      this.compare(m, off, r.value, op.how);
    }
    return true;
  }

  private msync(op: Extract<Op, { t: "msync" }>): boolean {
    const m = this.pick(this.live, op.m);
    if (!m) return false;
    const off = (op.offPages % m.pages.length) * PAGE;
    const len = op.lenPages === null ? m.length - off : Math.min(op.lenPages * PAGE, m.length - off);
    const first = off / PAGE;
    const end = pagesOf(off + len);
    let outcome: Outcome;
    if (op.flags === "sync|async") {
      outcome = { errors: new Set(["EINVAL"]), success: false };
    } else if (m.pages.slice(first, end).some((p) => !p.mapped))
      outcome = { errors: new Set(["ENOMEM"]), success: false };
    else outcome = { errors: new Set(), success: true };
    const r = this.expect(outcome, () => m.real.msync(op.flags, off, op.lenPages === null ? undefined : len));
    // Every flag writes the range's dirty pages back (MS_ASYNC as well: anymmap writes at once). MS_INVALIDATE
    // re-reads clean shared pages: the same bytes, since the file is not changed behind anymmap here.
    if (r.ok && m.type === "shared") this.checkDisk(m, off, len, "after msync");
    return true;
  }

  private munmap(op: Extract<Op, { t: "munmap" }>): boolean {
    const m = this.pick(this.live, op.m);
    if (!m) return false;
    let first = 0;
    let end = m.pages.length;
    let call: () => void;
    if (op.whole) call = () => m.real.munmap();
    else {
      first = op.offPages % m.pages.length;
      const off = first * PAGE;
      const len = Math.min(Math.max(1, op.lenPages) * PAGE, m.length - off);
      end = pagesOf(off + len);
      call = () => m.real.munmap(off, len);
    }
    this.expect({ errors: new Set(), success: true }, call);
    for (let p = first; p < end && m.type === "shared"; p++) {
      // Pages that were holes already may hold another mapping's dirty bytes, which stay in memory.
      if (m.pages[p]!.mapped) this.checkDisk(m, p * PAGE, Math.min(PAGE, m.length - p * PAGE), "after munmap");
    }
    for (let p = first; p < end; p++) {
      const page = m.pages[p]!;
      page.mapped = false;
      page.data = page.known = undefined;
    }
    if (m.real.mapped !== m.pages.some((p) => p.mapped)) this.fail(`mapping #${m.id}.mapped is ${m.real.mapped}`);
    this.killIfUnmapped(m);
    return true;
  }

  private mprotect(op: Extract<Op, { t: "mprotect" }>): boolean {
    const m = this.pick(this.live, op.m);
    if (!m) return false;
    const prot = PROT[op.prot];
    const off = (op.offPages % m.pages.length) * PAGE;
    const len = op.lenPages === null ? m.length - off : Math.min(op.lenPages * PAGE, m.length - off);
    const first = off / PAGE;
    const end = pagesOf(off + len);
    const pages = m.pages.slice(first, end);
    const errors = new Set<string>();
    let success = true;
    if (pages.some((p) => !p.mapped)) {
      errors.add("ENOMEM");
      success = false;
    } else if (prot & WRITE && m.type === "shared") {
      if (pages.some((p) => p.layered)) errors.add("EACCES");
      else if (!m.maywrite) {
        errors.add("EACCES");
        success = false;
      }
    }
    const r = this.expect({ errors, success }, () =>
      m.real.mprotect(op.prot, off, op.lenPages === null ? undefined : len),
    );
    if (r.ok) {
      for (const p of pages) p.prot = prot;
      if (m.type === "shared") {
        // README: mprotect of pages that two shared mappings share applies to both; Linux changes only this one.
        const fp0 = m.fileOff / PAGE;
        for (const [o, fp] of this.sharedOverlaps(m, m.file, fp0 + first, fp0 + end)) {
          const theirs = o.pages[fp - o.fileOff / PAGE]!;
          if (theirs.prot !== prot) theirs.layered = true;
        }
      }
    }
    return true;
  }

  private mremap(op: Extract<Op, { t: "mremap" }>): boolean {
    const m = this.pick(this.live, op.m);
    if (!m) return false;
    const newLen = op.len;
    const oldN = m.pages.length;
    const newN = pagesOf(newLen);
    const errors = new Set<string>();
    let success = true;
    if (m.pages.some((p) => !p.mapped)) {
      errors.add("EFAULT");
      success = false;
    } else {
      const layered = m.pages.some((p) => p.layered);
      const crowded =
        m.type === "shared" &&
        this.sharedOverlaps(m, m.file, m.fileOff / PAGE, m.fileOff / PAGE + Math.max(oldN, newN)).length > 0;
      if (layered || crowded) {
        // README: shared pages have one address; mremap of a shared page another mapping maps may give ENOMEM,
        // and layers split anymmap's vmas (EFAULT).
        errors.add("EFAULT");
        errors.add("ENOMEM");
      } else if (new Set(m.pages.map((p) => p.prot)).size > 1 || new Set(m.pages.map((p) => p.advice)).size > 1) {
        // Linux: the old range must be one vma; mprotect and madvise(RANDOM/SEQUENTIAL/NORMAL) of a part split it.
        errors.add("EFAULT");
        success = false;
      } else if (newN > oldN && !op.maymove) {
        // Whether the pages above are free is up to the layout.
        errors.add("ENOMEM");
      }
    }
    const before = m.real.address;
    const r = this.expect({ errors, success }, () => m.real.mremap(newLen, op.maymove ? "maymove" : ""));
    if (r.ok) {
      // The native backend copies a private mapping's pages when mremap moves it (Linux keeps them
      // file-backed): like a first touch, and as unspecified by POSIX for later changes of the file.
      if (m.type === "private" && m.real.address !== before) m.touched = true;
      if (m.real.length !== newLen) this.fail(`length after mremap is ${m.real.length}, expected ${newLen}`);
      // New pages take the protection of the vma at the old start, which layering may have changed.
      const { prot, advice } = m.pages[0]!;
      const layered = m.pages.some((p) => p.layered);
      if (newN < oldN) m.pages.length = newN;
      for (let p = oldN; p < newN; p++) m.pages.push({ ...this.newPage(m, prot), advice, layered });
      m.length = newLen;
      if (pagesOf(m.fileOff + newLen) > CAP_PAGES) throw new Error("model capacity exceeded");
      this.markLayered(m);
    }
    return true;
  }

  private madvise(op: Extract<Op, { t: "madvise" }>): boolean {
    const m = this.pick(this.live, op.m);
    if (!m) return false;
    const off = (op.offPages % m.pages.length) * PAGE;
    const len = op.lenPages === null ? m.length - off : Math.min(op.lenPages * PAGE, m.length - off);
    const first = off / PAGE;
    const end = pagesOf(off + len);
    const holes = m.pages.slice(first, end).some((p) => !p.mapped);
    // WILLNEED reads ahead: private pages may be snapshots from now on.
    if (m.type === "private") m.touched = true;
    // The mapped parts get the advice, then holes are reported (as Linux does).
    const r = this.expect({ errors: new Set(holes ? ["ENOMEM"] : []), success: !holes }, () =>
      m.real.madvise(op.advice, off, op.lenPages === null ? undefined : len),
    );
    if (op.advice === "random" || op.advice === "sequential" || op.advice === "normal") {
      for (let p = first; p < end; p++) {
        const page = m.pages[p]!;
        if (!page.mapped) continue;
        page.advice = op.advice;
      }
      if (m.type === "shared") {
        // Like mprotect: the advice is the shared address's, so other mappings of these pages got it too (anymmap).
        const fp0 = m.fileOff / PAGE;
        for (const [o, fp] of this.sharedOverlaps(m, m.file, fp0 + first, fp0 + end)) {
          const theirs = o.pages[fp - o.fileOff / PAGE]!;
          if (theirs.advice !== op.advice) theirs.layered = true;
        }
      }
    }
    void r;
    if (op.advice !== "dontneed") return true;
    // MADV_DONTNEED: private anonymous pages are zeros again, private file pages the file's bytes; shared data stays.
    for (let p = first; p < end; p++) {
      const page = m.pages[p]!;
      if (!page.mapped) continue;
      if (m.type === "anon" && !m.anonShared) {
        page.data = new Uint8Array(PAGE);
        page.known = new Uint8Array(PAGE).fill(1);
      } else if (m.type === "private") {
        page.state = "follow";
        page.data = page.known = undefined;
        page.mayFault = false;
      }
    }
    return true;
  }

  private truncate(op: Extract<Op, { t: "truncate" }>): boolean {
    const { f, h } = this.handle(op.file, op.ro);
    const fi = op.file % this.files.length;
    const outcome: Outcome = !h
      ? { errors: new Set(["EBADF"]), success: false }
      : op.ro
        ? { errors: new Set(["EINVAL"]), success: false }
        : { errors: new Set(), success: true };
    const size = op.eof ? Math.min(EOF_CAP, Math.max(0, f.size + (op.size % (2 * PAGE)) - PAGE)) : op.size;
    const r = this.expect(outcome, () => (h ?? this.closedHandle(f, op.ro)).truncate(size));
    if (!r.ok) return true;
    const old = f.size;
    if (size < old) {
      // The rest of the new last page reads as zeros; the pages after it are gone.
      const end = pagesOf(old) * PAGE;
      f.cache.fill(0, size, end);
      f.known.fill(1, size, end);
      f.size = size;
      this.fileChanged(fi, size, end);
      this.fileShrank(fi, size);
    } else if (size > old) {
      this.grow(f, size);
      this.fileChanged(fi, old, size);
    }
    return true;
  }

  private pwrite(op: Extract<Op, { t: "pwrite" }>): boolean {
    const { f, h } = this.handle(op.file, op.ro);
    const fi = op.file % this.files.length;
    const data = pattern(op.len, op.seed);
    const outcome: Outcome =
      !h || op.ro ? { errors: new Set(["EBADF"]), success: false } : { errors: new Set(), success: true };
    const pos = op.eof ? Math.min(EOF_CAP, Math.max(0, f.size + (op.pos % (2 * PAGE)) - PAGE)) : op.pos;
    const r = this.expect(outcome, () => (h ?? this.closedHandle(f, op.ro)).pwrite(data, pos));
    if (!r.ok) return true;
    if (r.value !== op.len) this.fail(`pwrite returned ${r.value}, expected ${op.len}`);
    const old = f.size;
    // The gap reads as zeros (POSIX), also where a mapping had written past the old EOF.
    this.grow(f, pos + op.len);
    f.cache.set(data, pos);
    f.known.fill(1, pos, pos + op.len);
    this.fileChanged(fi, Math.min(old, pos), pos + op.len);
    return true;
  }

  private pread(op: Extract<Op, { t: "pread" }>): boolean {
    const { f, h } = this.handle(op.file, op.ro);
    const buffer = new Uint8Array(op.len);
    const outcome: Outcome = !h ? { errors: new Set(["EBADF"]), success: false } : { errors: new Set(), success: true };
    const r = this.expect(outcome, () => (h ?? this.closedHandle(f, op.ro)).pread(buffer, op.pos));
    if (!r.ok) return true;
    const n = Math.max(0, Math.min(op.len, f.size - op.pos));
    if (r.value !== n) this.fail(`pread returned ${r.value}, expected ${n}`);
    for (let i = 0; i < n; i++) {
      this.stats.checkedBytes++;
      if (buffer[i] !== f.cache[op.pos + i]) {
        this.fail(
          `pread byte ${op.pos + i} of file ${op.file % this.files.length} is ${buffer[i]}, expected ${f.cache[op.pos + i]}`,
        );
      }
    }
    return true;
  }

  private close(op: Extract<Op, { t: "close" }>): boolean {
    const { f, h } = this.handle(op.file, op.ro);
    const outcome: Outcome = !h ? { errors: new Set(["EBADF"]), success: false } : { errors: new Set(), success: true };
    this.expect(outcome, () => (h ?? this.closedHandle(f, op.ro)).close());
    return true;
  }

  private open(op: Extract<Op, { t: "open" }>): boolean {
    const { f, h } = this.handle(op.file, op.ro);
    if (h) return false;
    const r = this.expect({ errors: new Set(), success: true }, () => this.space.openSync(f.path, op.ro ? "r" : "r+"));
    if (r.ok) {
      if (op.ro) f.ro = r.value;
      else f.rw = r.value;
    }
    return true;
  }

  private deadOp(op: Extract<Op, { t: "dead" }>): boolean {
    const m = this.pick(this.dead, op.m);
    if (!m) return false;
    if (op.how === "munmap") this.expect({ errors: new Set(), success: true }, () => m.real.munmap());
    else this.expect({ errors: new Set(["EFAULT"]), success: false }, () => m.real.read(0, 1));
    return true;
  }

  // ---- the end ----

  private finish(): void {
    for (const m of [...this.live]) {
      this.expect({ errors: new Set(), success: true }, () => m.real.munmap());
      if (m.real.mapped) this.fail(`mapping #${m.id} still mapped after munmap()`);
    }
    this.live = [];
    const info = this.space.info();
    if (info.mappings !== 0 || info.residentBytes !== 0) {
      this.fail(`after unmapping everything: ${info.mappings} mappings, ${info.residentBytes} resident bytes`);
    }
    for (const f of this.files) {
      for (const h of [f.rw, f.ro]) if (h && !h.closed) h.close();
    }
    for (const [i, f] of this.files.entries()) {
      const disk = fx.read(f.path);
      if (disk.length !== f.size) this.fail(`file ${i} has ${disk.length} bytes, expected ${f.size}`);
      for (let k = 0; k < disk.length; k++) {
        this.stats.checkedBytes++;
        if (disk[k] !== f.cache[k]) this.fail(`file ${i} byte ${k} on disk is ${disk[k]}, expected ${f.cache[k]}`);
      }
    }
  }
}
