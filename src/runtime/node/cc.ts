/**
 * `anymmap cc`: emcc with anymmap's C core linked in, so that a C program's
 * mmap family and file calls are anymmap's (see wasm/posix/).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** Flags the core is compiled with, whatever the program uses. */
export const CORE_CFLAGS = ["-O2", "-std=c11", "-D_GNU_SOURCE", "-msimd128", "-mbulk-memory"];

/**
 * Link flags: a standalone WASI module whose 4 GiB − 64 KiB memory (the
 * size of the core's own module; see scripts/build-wasm.sh) never grows (so
 * the mappings at its top never move), with 64-bit integers at the WASI
 * boundary. WASI calls that Emscripten 3.1.6 does not know (path_open...)
 * are undefined to it, hence ERROR_ON_UNDEFINED_SYMBOLS=0; `anymmap run`
 * refuses a program with any import no host provides. Node.
 */
export const LINK_FLAGS = [
  "-sSTANDALONE_WASM",
  "-sINITIAL_MEMORY=4294901760",
  "-sWASM_BIGINT",
  // Linux's default stack (ulimit -s: 8 MiB), below the static data: an overflow traps (a store
  // below address 0) instead of silently overwriting the program's globals.
  "-sTOTAL_STACK=8388608",
  "-Wl,--stack-first",
  // printf's %Lf, %Lg, %Le print long double (Emscripten's default printed it as a double: 1e600L was inf).
  "-sPRINTF_LONG_DOUBLE",
  "-sERROR_ON_UNDEFINED_SYMBOLS=0",
  "-sWARN_ON_UNDEFINED_SYMBOLS=0",
  // sysconf(_SC_PAGESIZE) answers mmap's 4096, not WebAssembly's 65536 (posix/pagesize.c).
  "-Wl,--wrap=sysconf",
  // The pthread stub library's setters that store nothing (posix/pthread_attr.c).
  "-Wl,--wrap=pthread_mutexattr_setpshared",
  "-Wl,--wrap=pthread_mutexattr_settype",
  "-Wl,--wrap=pthread_condattr_setpshared",
  "-Wl,--wrap=pthread_mutex_consistent",
  // Emscripten's standalone library defines these (ENOSYS, exit status 1): posix/fcntl.c, posix/abort.c.
  "-Wl,--wrap=__syscall_fcntl64",
  "-Wl,--wrap=abort",
  // longjmp(env, 0) makes setjmp return 1 (posix/longjmp.c).
  "-Wl,--wrap=__wasm_longjmp",
  // setjmp's bookkeeping in constant time, not a scan of every earlier setjmp of the call (posix/setjmp_table.c).
  "-Wl,--wrap=saveSetjmp",
  "-Wl,--wrap=testSetjmp",
  // For the runner after _exit(), _Exit() or a trap, which skip atexit: Linux's page cache keeps dirty MAP_SHARED pages.
  "-Wl,--export=anymmap_writeback_all",
  // mlock's locked ranges: msync(MS_INVALIDATE) over them is EBUSY, munmap drops them (posix/mlock.c).
  "-Wl,--wrap=msync",
  "-Wl,--wrap=munmap",
  // mmap of /dev/zero is anonymous memory (posix/devzero.c); pipe2 (posix/pipe.c).
  "-Wl,--wrap=mmap",
  "-Wl,--wrap=__syscall_pipe2",
  // flock is also in libstubs.a's member that getpwnam/getgrnam pull in (posix/locks.c).
  "-Wl,--wrap=flock",
  // posix_spawn answered -1, not an error number; stdout's close closed nothing; Linux's other
  // clocks were EINVAL (posix/system.c, posix/fclose.c, posix/clocks.c).
  "-Wl,--wrap=posix_spawn",
  "-Wl,--wrap=fclose",
  "-Wl,--wrap=clock_gettime",
  "-Wl,--wrap=clock_getres",
  // glibc's %k, %l, %P and the ^ and # flags, for which musl's strftime wrote nothing (posix/strftime.c).
  "-Wl,--wrap=strftime",
  // Emscripten's syscall stubs: link is EMLINK, umask starts at 0777 (posix/link.c, posix/modes.c).
  "-Wl,--wrap=__syscall_link",
  "-Wl,--wrap=__syscall_umask",
  // Emscripten's stdout answered every seek with 0 without moving (posix/stdout_seek.c).
  "-Wl,--wrap=fseeko",
  "-Wl,--wrap=fseek",
  "-Wl,--wrap=ftello",
  "-Wl,--wrap=ftell",
  // Emscripten's stub answered every getrlimit "unlimited", whatever setrlimit had set (posix/prlimit.c).
  "-Wl,--wrap=__syscall_prlimit64",
  // The pthread stubs' semaphores stored nothing: sem_trywait of a zero semaphore succeeded (posix/sem.c).
  "-Wl,--wrap=sem_init",
  "-Wl,--wrap=sem_destroy",
  "-Wl,--wrap=sem_post",
  "-Wl,--wrap=sem_wait",
  "-Wl,--wrap=sem_trywait",
  // Emscripten's freeaddrinfo freed only the first entry of the list (posix/addrinfo.c).
  "-Wl,--wrap=freeaddrinfo",
];

/** Options that make emcc stop before linking. */
const NO_LINK = new Set(["-c", "-S", "-E", "-M", "-MM"]);
/** What a link takes as input: sources, objects, archives, assembly, LLVM IR. */
const INPUT = /^[^-].*\.(c|cc|cp|cpp|CPP|cxx|c\+\+|C|i|ii|o|a|s|S|ll|bc)$/;

/** The package's C tree: include/, src/ (the core), posix/ (the file calls). Node. */
export function cTree(): string {
  return fileURLToPath(new URL("../wasm/", import.meta.url));
}

function sources(tree: string): string[] {
  return ["src", "posix"].flatMap((d) =>
    readdirSync(join(tree, d))
      .filter((f) => f.endsWith(".c"))
      .sort()
      .map((f) => join(tree, d, f)),
  );
}

/**
 * The core's objects, compiled once per set of sources and emcc version
 * into a cache directory ($ANYMMAP_CACHE, default: the OS temp dir).
 */
function coreObjects(emcc: string, tree: string): string[] | string {
  const files = sources(tree);
  const version = spawnSync(emcc, ["--version"], { encoding: "utf8" });
  if (version.error || version.status !== 0)
    return `cannot run ${emcc}: install Emscripten (Debian: apt-get install emscripten) or set EMCC`;
  const hash = createHash("sha256").update(version.stdout).update(CORE_CFLAGS.join(" "));
  const headers = [join(tree, "include"), join(tree, "posix", "include")].flatMap((d) =>
    readdirSync(d, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath ?? e.path, e.name))
      .sort(),
  );
  for (const f of [
    ...files,
    ...headers,
    join(tree, "src", "internal.h"),
    join(tree, "src", "namespace.h"),
    join(tree, "posix", "posix.h"),
  ])
    hash.update(f.slice(tree.length)).update(readFileSync(f));
  const cache = process.env.ANYMMAP_CACHE ?? join(tmpdir(), "anymmap-cc");
  const dir = join(cache, hash.digest("hex").slice(0, 16));
  const objects = files.map((f) => join(dir, f.slice(tree.length).replace(/[\\/]/g, "_").replace(/\.c$/, ".o")));
  if (existsSync(join(dir, "complete"))) return objects;
  // Build beside the final directory and rename it into place, so that two
  // concurrent builds never see each other's half-written objects.
  mkdirSync(cache, { recursive: true });
  const work = `${dir}.${process.pid}.tmp`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  for (const [i, f] of files.entries()) {
    const out = join(work, objects[i]!.slice(dir.length + 1));
    const r = spawnSync(
      emcc,
      [...CORE_CFLAGS, "-I", join(tree, "posix", "include"), "-I", join(tree, "include"), "-c", f, "-o", out],
      { stdio: "inherit" },
    );
    if (r.status !== 0) {
      rmSync(work, { recursive: true, force: true });
      return `compiling ${f} failed`;
    }
  }
  writeFileSync(join(work, "complete"), "");
  try {
    renameSync(work, dir);
  } catch {
    // Another build finished first; its objects are the same.
    rmSync(work, { recursive: true, force: true });
  }
  return objects;
}

/** `anymmap cc [emcc args]`: emcc with anymmap linked in; resolves to emcc's exit status. Node. */
export function cc(programArgs: string[], err: (message: string) => void): number {
  const emcc = process.env.EMCC ?? "emcc";
  const tree = cTree();
  const { args, exceptions } = cxxExceptions(programArgs);
  const std = cxxStandard(args);
  // posix/include first: its headers correct Emscripten's (PAGE_SIZE is 4096). setjmp/longjmp as
  // WebAssembly exceptions (compile and link; a later -sSUPPORT_LONGJMP of the program's wins): the
  // default needs JavaScript glue (invoke_*) that a standalone program does not have.
  const include = [
    "-I",
    join(tree, "posix", "include"),
    "-I",
    join(tree, "include"),
    "-sSUPPORT_LONGJMP=wasm",
    ...exceptions,
    ...std,
  ];
  // Without input (--version, -v; or a mistake, which emcc reports), anymmap's objects would
  // be linked alone into a stray a.out.wasm: emcc gets the arguments as they are.
  if (args.some((a) => NO_LINK.has(a)) || !args.some((a) => INPUT.test(a)))
    return run(emcc, [...include, ...args], err);
  const objects = coreObjects(emcc, tree);
  if (typeof objects === "string") {
    err(`anymmap cc: ${objects}\n`);
    return 1;
  }
  const { linkArgs, wasm, out } = output(args);
  const status = run(emcc, [...include, ...linkArgs, ...objects, ...LINK_FLAGS], err);
  if (status !== 0) return status;
  const checked = checkImports(wasm, out, err);
  if (checked === 0 && wasm !== out) {
    renameSync(wasm, out);
    chmodSync(out, 0o755);
  }
  return checked;
}

/**
 * C++ exceptions as WebAssembly exceptions, on unless the program says
 * -fno-exceptions, as g++ has them: Emscripten's default makes every
 * `throw` abort the program, and its -fexceptions needs JavaScript glue
 * (invoke_*) that a standalone program does not have, so -fexceptions
 * means the WebAssembly kind here. The last of the two flags wins, as in
 * gcc. C code is compiled the same either way.
 */
function cxxExceptions(args: string[]): { args: string[]; exceptions: string[] } {
  const last = args.findLastIndex((a) => a === "-fexceptions" || a === "-fno-exceptions");
  const off = last >= 0 && args[last] === "-fno-exceptions";
  return {
    args: args.filter((a) => a !== "-fexceptions" && a !== "-fno-exceptions"),
    exceptions: off ? ["-fno-exceptions"] : ["-fwasm-exceptions"],
  };
}

/** Sources clang compiles as C++. */
const CXX_SOURCE = /^[^-].*\.(cc|cp|cpp|CPP|cxx|c\+\+|C|ii)$/;

/**
 * g++ 12's default standard, gnu++17, for a command that compiles only C++
 * sources and names no -std (Emscripten's clang 14 defaults to gnu++14, so
 * C++17 code that g++ builds as it is failed). A command with C sources
 * too, or -x, is left alone: clang refuses a C++ -std for C.
 */
function cxxStandard(args: string[]): string[] {
  const sources = args.filter((a) => INPUT.test(a) && !/\.(o|a|ll|bc|s|S)$/.test(a));
  const onlyCxx = sources.length > 0 && sources.every((a) => CXX_SOURCE.test(a));
  const chosen = args.some((a) => a.startsWith("-std=") || a.startsWith("--std") || a === "-x" || a.startsWith("-x"));
  return onlyCxx && !chosen ? ["-std=gnu++17"] : [];
}

/** Outputs emcc would make JavaScript of, but anymmap runs as WebAssembly. */
const JS_OUTPUT = /\.(js|mjs|cjs|html)$/;

/**
 * Where a link writes the program. emcc makes JavaScript glue of any output
 * not named *.wasm (and of a.out.js without -o), which a standalone
 * program cannot use, and Debian's emcc cannot even write (its JavaScript
 * optimizer's acorn is missing): autoconf's `-o conftest` failed every link
 * test. As gcc does, `-o name` and no -o (a.out) get the WebAssembly module
 * itself, linked to name.wasm and renamed; an explicit *.js or *.html
 * output stays emcc's.
 */
function output(args: string[]): { linkArgs: string[]; wasm: string; out: string } {
  const o = args.lastIndexOf("-o");
  const joined = o < 0 ? args.findLastIndex((a) => a.startsWith("-o") && a.length > 2) : -1;
  const out = o >= 0 ? args[o + 1] : joined >= 0 ? args[joined]!.slice(2) : "a.out";
  if (out === undefined || out.endsWith(".wasm") || JS_OUTPUT.test(out))
    return { linkArgs: args, wasm: out ?? "", out: out ?? "" };
  const wasm = `${out}.anymmap-link.wasm`;
  const linkArgs =
    o >= 0 ? args.with(o + 1, wasm) : joined >= 0 ? args.with(joined, `-o${wasm}`) : [...args, "-o", wasm];
  return { linkArgs, wasm, out };
}

/**
 * What ERROR_ON_UNDEFINED_SYMBOLS=0 lets through: a function the program
 * calls but nobody defined becomes an `env` import, which `anymmap run`
 * refuses. Report it at link time, as emcc and ld would (1), rather than
 * when the program is first run.
 */
function checkImports(wasm: string, out: string, err: (message: string) => void): number {
  if (!wasm.endsWith(".wasm")) return 0;
  const undefinedSymbols = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasm)))
    .filter((i) => i.module === "env" && !i.name.startsWith("__syscall_"))
    .map((i) => i.name);
  if (undefinedSymbols.length === 0) return 0;
  // As ld does: no output a make rule would take as built.
  rmSync(wasm, { force: true });
  // Objects that plain `emcc -c` compiled call setjmp/longjmp and C++ exceptions through JavaScript glue.
  const glue = undefinedSymbols.some((name) => /^(invoke_|emscripten_longjmp$|_emscripten_throw_longjmp$)/.test(name));
  err(
    `anymmap cc: error: undefined symbol${undefinedSymbols.length > 1 ? "s" : ""}: ${undefinedSymbols.join(", ")} (${out} removed: it could not run)\n${
      glue
        ? "anymmap cc: invoke_* and emscripten_longjmp are Emscripten's JavaScript setjmp glue: an object was compiled by plain emcc -c; compile every object with anymmap cc -c\n"
        : ""
    }`,
  );
  return 1;
}

function run(emcc: string, args: string[], err: (message: string) => void): number {
  const r = spawnSync(emcc, args, { stdio: "inherit" });
  if (r.error) {
    err(
      `anymmap cc: cannot run ${emcc}: ${r.error.message}; install Emscripten (Debian: apt-get install emscripten) or set EMCC\n`,
    );
    return 1;
  }
  return r.status ?? 1;
}
