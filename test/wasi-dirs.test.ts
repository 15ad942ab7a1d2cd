/**
 * Preopened directories (src/wasi/host-dir.ts over node:fs) and
 * `anymmap run`'s process interface: a program reaches only its --dir
 * directories, gets argv, the environment and stdin, and its exit status.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";

import { WASI_ERRNO } from "../src/abi/errno.js";
import { FILETYPE_DIRECTORY } from "../src/abi/wasi.js";
import { NodeHostDir } from "../src/runtime/node-fs/node-dir.js";
import { NodeHostFile } from "../src/runtime/node-fs/node-file.js";
import { MemoryDir, MemoryFile } from "../src/runtime/browser/memory-dir.js";
import { HostDir } from "../src/wasi/host-dir.js";
import { build, missingTool, root } from "./c/corpus.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "anymmap-dirs-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const inner = path.join(tmp, "inner");
fs.mkdirSync(path.join(inner, "sub"), { recursive: true });
fs.writeFileSync(path.join(inner, "inside.txt"), "in\n");
fs.writeFileSync(path.join(tmp, "outside.txt"), "out\n");
// Symbolic links that leave the directory, and ones that stay inside.
fs.symlinkSync("..", path.join(inner, "up"));
fs.symlinkSync(path.join(tmp, "outside.txt"), path.join(inner, "out-link"));
fs.symlinkSync("../created-outside.txt", path.join(inner, "dangling-out"));
fs.symlinkSync("inside.txt", path.join(inner, "in-link"));
fs.symlinkSync("sub/../up/inner/inside.txt", path.join(inner, "round-trip"));
fs.symlinkSync("loop", path.join(inner, "loop"));

const OPEN = {
  readable: true,
  writable: false,
  append: false,
  create: false,
  exclusive: false,
  truncate: false,
  directory: false,
  follow: true,
};

describe("NodeHostDir", () => {
  const dir = new NodeHostDir(inner);

  test("opens files inside and refuses paths that leave the directory", () => {
    const f = dir.open("sub/../inside.txt", OPEN);
    expect(f).toBeInstanceOf(NodeHostFile);
    (f as NodeHostFile).close();
    expect(dir.open("../outside.txt", OPEN)).toBe(-WASI_ERRNO.ENOTCAPABLE);
    expect(dir.stat("sub/../../outside.txt", true)).toBe(-WASI_ERRNO.ENOTCAPABLE);
    expect(dir.unlink("../outside.txt")).toBe(-WASI_ERRNO.ENOTCAPABLE);
    expect(dir.rename("inside.txt", dir, "../moved.txt")).toBe(-WASI_ERRNO.ENOTCAPABLE);
    expect(fs.existsSync(path.join(tmp, "outside.txt"))).toBe(true);
  });

  test("refuses symbolic links that point outside, wherever they are on the path; follows those that stay inside", () => {
    expect(dir.open("out-link", OPEN)).toBe(-WASI_ERRNO.ENOTCAPABLE);
    expect(dir.open("up/outside.txt", OPEN)).toBe(-WASI_ERRNO.ENOTCAPABLE);
    expect(dir.open("round-trip", OPEN)).toBe(-WASI_ERRNO.ENOTCAPABLE);
    expect(dir.stat("up", true)).toBe(-WASI_ERRNO.ENOTCAPABLE);
    expect(dir.setTimes("out-link", undefined, undefined, true)).toBe(-WASI_ERRNO.ENOTCAPABLE);
    // O_CREAT through a dangling link would create the file outside.
    expect(dir.open("dangling-out", { ...OPEN, writable: true, create: true })).toBe(-WASI_ERRNO.ENOTCAPABLE);
    expect(fs.existsSync(path.join(tmp, "created-outside.txt"))).toBe(false);
    expect(dir.open("loop", OPEN)).toBe(-WASI_ERRNO.ELOOP);
    // The link itself is inside: lstat sees it.
    const link = dir.stat("out-link", false);
    expect(typeof link).toBe("object");
    const inLink = dir.open("in-link", OPEN);
    expect(inLink).toBeInstanceOf(NodeHostFile);
    (inLink as NodeHostFile).close();
    // A subdirectory reached through a link inside is confined the same way.
    const sub = dir.open("sub", { ...OPEN, directory: true });
    expect(sub).toBeInstanceOf(NodeHostDir);
    expect((sub as NodeHostDir).open("../inside.txt", OPEN)).toBe(-WASI_ERRNO.ENOTCAPABLE);
  });

  test("a directory opens as a HostDir; Linux's errnos for the usual mistakes", () => {
    expect(dir.open("sub", OPEN)).toBeInstanceOf(NodeHostDir);
    expect(dir.open("sub", { ...OPEN, writable: true })).toBe(-WASI_ERRNO.EISDIR);
    expect(dir.open("inside.txt", { ...OPEN, directory: true })).toBe(-WASI_ERRNO.ENOTDIR);
    expect(dir.open("missing", OPEN)).toBe(-WASI_ERRNO.ENOENT);
    expect(dir.open("inside.txt", { ...OPEN, create: true, exclusive: true })).toBe(-WASI_ERRNO.EEXIST);
    expect(dir.unlink("sub")).toBe(-WASI_ERRNO.EISDIR);
    expect(dir.mkdir("sub")).toBe(-WASI_ERRNO.EEXIST);
    expect(dir.rmdir("inside.txt")).toBe(-WASI_ERRNO.ENOTDIR);
  });

  test("setTimes sets the given times and leaves an omitted one alone", () => {
    expect(dir.setTimes("inside.txt", 1_000_000_000_000_000_000n, 2_000_000_000_000_000_000n, true)).toBe(0);
    expect(dir.setTimes("inside.txt", "now", undefined, true)).toBe(0);
    const st = fs.statSync(path.join(inner, "inside.txt"));
    expect(st.mtimeMs).toBe(2_000_000_000_000);
    expect(st.atimeMs).toBeGreaterThan(2_000_000_000_000 - 1e12);
  });

  test("the base class says 'not supported' for everything", () => {
    const base = new HostDir();
    expect(base.open("x", OPEN)).toBe(-WASI_ERRNO.ENOTSUP);
    expect(base.stat(".", true)).toBe(-WASI_ERRNO.ENOTSUP);
    expect(base.mkdir("x")).toBe(-WASI_ERRNO.ENOTSUP);
  });
});

describe("MemoryDir (the browser runner's directory)", () => {
  test("files, directories, sparse data and Linux's errnos", () => {
    const dir = new MemoryDir();
    dir.writeFile("a/b.txt", new TextEncoder().encode("hello"));
    expect(dir.open("../x", OPEN)).toBe(-WASI_ERRNO.ENOTCAPABLE);
    expect(dir.open("a/../../x", OPEN)).toBe(-WASI_ERRNO.ENOTCAPABLE);
    expect(dir.open("a/b.txt/c", OPEN)).toBe(-WASI_ERRNO.ENOTDIR);
    expect(dir.open("a", { ...OPEN, writable: true })).toBe(-WASI_ERRNO.EISDIR);
    const f = dir.open("big", { ...OPEN, writable: true, create: true }) as MemoryFile;
    expect(f).toBeInstanceOf(MemoryFile);
    expect(f.pwrite(new Uint8Array([7]), 5 * 2 ** 30)).toBe(1);
    const got = new Uint8Array(3);
    expect(f.pread(got, 5 * 2 ** 30 - 1)).toBe(2);
    expect([...got]).toEqual([0, 7, 0]);
    expect(f.truncate(1)).toBe(0);
    expect(f.truncate(5 * 2 ** 30 + 1)).toBe(0);
    expect(f.pread(got, 5 * 2 ** 30 - 1)).toBe(2);
    expect([...got]).toEqual([0, 0, 0]);
    expect(dir.rmdir("a")).toBe(-WASI_ERRNO.ENOTEMPTY);
    expect(dir.unlink("a")).toBe(-WASI_ERRNO.EISDIR);
    expect(dir.rename("big", dir, "a")).toBe(-WASI_ERRNO.EISDIR);
    expect(dir.mkdir("e")).toBe(0);
    expect(dir.rename("a", dir, "big")).toBe(-WASI_ERRNO.ENOTDIR);
    expect(dir.rename("a", dir, "a/sub")).toBe(-WASI_ERRNO.EINVAL);
    expect(dir.rename("a", dir, "e")).toBe(0);
    expect(dir.unlink("big")).toBe(0);
    expect(new TextDecoder().decode(dir.files().get("e/b.txt"))).toBe("hello");
    expect(dir.stat("a", true)).toBe(-WASI_ERRNO.ENOENT);
  });

  test("fileSizeLimit: writes stop at it and fail past it with EFBIG, as Linux's RLIMIT_FSIZE with SIGXFSZ ignored", () => {
    const dir = new MemoryDir();
    dir.writeFile("big", new Uint8Array(100));
    dir.fileSizeLimit = 10;
    const f = dir.open("f", { ...OPEN, writable: true, create: true }) as MemoryFile;
    expect(f.pwrite(new Uint8Array(8).fill(1), 0)).toBe(8);
    expect(f.pwrite(new Uint8Array(8).fill(2), 6)).toBe(4);
    expect(f.pwrite(new Uint8Array(1), 10)).toBe(-WASI_ERRNO.EFBIG);
    expect(f.truncate(11)).toBe(-WASI_ERRNO.EFBIG);
    expect(f.truncate(4)).toBe(0);
    expect(f.truncate(10)).toBe(0);
    // A file already past the limit may still shrink and be rewritten below it.
    const big = dir.open("big", { ...OPEN, writable: true }) as MemoryFile;
    expect(big.pwrite(new Uint8Array(1), 50)).toBe(-WASI_ERRNO.EFBIG);
    expect(big.pwrite(new Uint8Array(1), 5)).toBe(1);
    expect(big.truncate(20)).toBe(0);
    dir.fileSizeLimit = Number.POSITIVE_INFINITY;
    expect(f.pwrite(new Uint8Array(1), 10)).toBe(1);
    expect(() => {
      dir.fileSizeLimit = -1;
    }).toThrow(RangeError);
  });

  test("writeDir and directories() carry empty directories, which files() cannot, from one run to the next", () => {
    const dir = new MemoryDir();
    dir.writeDir("db/sub");
    dir.writeDir("db");
    dir.writeFile("x/y.txt", new Uint8Array([1]));
    expect(dir.mkdir("db/new")).toBe(0);
    expect(dir.directories()).toEqual(["db", "db/sub", "db/new", "x"]);
    expect([...dir.files().keys()]).toEqual(["x/y.txt"]);
    expect(() => dir.writeDir("x/y.txt/z")).toThrow("y.txt is not a directory");
    expect(() => dir.writeDir("db/../../up")).toThrow('no ".."');
    expect(() => dir.writeFile("../up.txt", new Uint8Array(1))).toThrow('no ".."');
    const next = new MemoryDir();
    for (const d of dir.directories()) next.writeDir(d);
    expect(next.stat("db/new", true)).toMatchObject({ filetype: FILETYPE_DIRECTORY });
  });
});

const missing = missingTool();
describe.skipIf(missing !== undefined)("anymmap run", () => {
  test("reaches only its directories; passes argv, environment, stdin and the exit status", {
    timeout: 300_000,
  }, () => {
    const program = build(path.join(root, "test", "c-host", "sandbox.c"));
    const r = spawnSync(
      process.execPath,
      [
        path.join(root, "bin", "anymmap.js"),
        "run",
        "--dir",
        `${inner}:.`,
        "--dir",
        `${inner}:/data`,
        program.wasm,
        "first",
      ],
      { input: "a line\n", encoding: "utf8", env: { ...process.env, ANYMMAP_TEST_VAR: "set" } },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      [
        "inside.txt: opened",
        "./sub/../inside.txt: opened",
        "../outside.txt: EACCES",
        "sub/../../outside.txt: EACCES",
        "/data/inside.txt: opened",
        "/data/../outside.txt: ENOENT",
        "/etc/passwd: ENOENT",
        "up/outside.txt: EACCES",
        "out-link: EACCES",
        "in-link: opened",
        "symlink to /etc: 0",
        "symlink to ..: 0",
        "own-abs/passwd: EACCES",
        "own-up/outside.txt: EACCES",
        "readlink own-up: ..",
        "stat /data: 1",
        "argc 2 argv1 first env set",
        "stdin: a line",
        "",
      ].join("\n"),
    );
    expect(r.status).toBe(5);
  });

  // Paths reach the host as strings: a name that is not UTF-8 would have become U+FFFD (two names, one file), and a leading BOM was dropped (the BOM name opened the other file).
  test("every name stays its own file: names that are not UTF-8 are EILSEQ, a leading byte-order mark is kept", {
    timeout: 300_000,
  }, () => {
    const program = build(path.join(root, "test", "c-host", "path_bytes.c"));
    const dir = fs.mkdtempSync(path.join(tmp, "path-bytes-"));
    // A host file whose name is not UTF-8: left out of the listing (the whole readdir failed with ENOENT).
    const raw = Buffer.concat([Buffer.from(`${dir}/raw-`), Buffer.from([0xff])]);
    fs.writeFileSync(raw, "host");
    const r = spawnSync(
      process.execPath,
      [path.join(root, "bin", "anymmap.js"), "run", "--dir", `${dir}:.`, program.wasm],
      {
        encoding: "utf8",
      },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      [
        "create a\\xff: EILSEQ",
        "create a\\xfe: EILSEQ",
        "mkdir \\xe9: EILSEQ",
        "stat \\xff: EILSEQ",
        "rename to \\xff: EILSEQ",
        "symlink to \\xff: EILSEQ",
        "create BOM+name: ok",
        "create name: ok",
        "read: with BOM",
        "read: without",
        "entries: 3",
        "",
      ].join("\n"),
    );
    expect(fs.readdirSync(dir).sort()).toEqual(["name", "plain", "raw-\uFFFD", "\uFEFFname"]);
    expect(fs.readFileSync(raw, "utf8")).toBe("host");
  });

  test("a regular file redirected into stdin is the program's fd 0 as on Linux: fstat, lseek from the shell's offset, mmap (Node, Deno, Bun)", {
    timeout: 300_000,
  }, () => {
    const program = build(path.join(root, "test", "c-host", "stdin_file.c"));
    const input = path.join(tmp, "stdin-file.txt");
    fs.writeFileSync(input, "abcdefgh\nsecond line\nend\n");
    // The shell (or a script before the program) already read 3 bytes of the open file.
    const withOffset = (run: (fd: number) => ReturnType<typeof spawnSync>) => {
      const fd = fs.openSync(input, "r");
      try {
        fs.readSync(fd, Buffer.alloc(3), 0, 3, null);
        return run(fd);
      } finally {
        fs.closeSync(fd);
      }
    };
    const spawn = (command: string, args: string[]) =>
      withOffset((fd) => spawnSync(command, args, { stdio: [fd, "pipe", "pipe"], encoding: "utf8" }));
    const linux = spawn(program.native, []);
    expect(linux.stdout).toContain("regular 1 size 25 isatty 0\noffset 3\n");
    const modules = path.join(root, "node_modules", ".bin");
    const runners: Record<string, [string, string[]]> = {
      node: [process.execPath, [path.join(root, "bin", "anymmap.js"), "run", program.wasm]],
      // The offset comes from /proc/self/fdinfo/0, which Deno lets only -A read (scoped: from the start).
      deno: [path.join(modules, "deno"), ["run", "-A", path.join(root, "dist", "run-deno.js"), program.wasm]],
      bun: [path.join(modules, "bun"), [path.join(root, "dist", "run-bun.js"), program.wasm]],
    };
    // What the program reads is gone for the next reader of the same open file, as in a `while read` loop.
    const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
    const thenCat = (command: string, args: string[]) =>
      withOffset((fd) =>
        spawnSync("sh", ["-c", `${[command, ...args, "line"].map(quote).join(" ")}; cat`], {
          stdio: [fd, "pipe", "pipe"],
          encoding: "utf8",
        }),
      );
    const linuxLine = thenCat(program.native, []);
    expect(linuxLine.stdout).toBe("line: defgh\nsecond line\nend\n");
    for (const [runtime, [command, args]] of Object.entries(runners)) {
      const r = spawn(command, args);
      expect({ runtime, stdout: r.stdout, stderr: r.stderr, status: r.status }).toEqual({
        runtime,
        stdout: linux.stdout,
        stderr: "",
        status: 0,
      });
      const line = thenCat(command, args);
      expect({ runtime, stdout: line.stdout, stderr: line.stderr }).toEqual({
        runtime,
        stdout: linuxLine.stdout,
        stderr: "",
      });
    }
    // stdout redirected to a file (> and >>): a seek past the end leaves a gap of zeros, and the shell writes on after it.
    const intoFile = (command: string, args: string[], redirect: ">" | ">>") => {
      const out = path.join(tmp, "stdout-file.txt");
      fs.writeFileSync(out, "before\n");
      const r = spawnSync(
        "sh",
        [
          "-c",
          `{ echo first; ${[command, ...args, "gap"].map(quote).join(" ")}; echo last; } ${redirect} ${quote(out)}`,
        ],
        { encoding: "utf8" },
      );
      return { stderr: r.stderr, status: r.status, file: fs.readFileSync(out, "latin1") };
    };
    for (const redirect of [">", ">>"] as const) {
      const linuxOut = intoFile(program.native, [], redirect);
      expect(linuxOut.stderr).toContain("stdout regular 1 isatty 0\n");
      // With >>, glibc's ftell adds the 10 bytes the append skipped over (43); musl asks the offset (33).
      const comparable = (r: typeof linuxOut) => ({
        ...r,
        stderr: redirect === ">" ? r.stderr : r.stderr.split("\n")[0],
      });
      for (const [runtime, [command, args]] of Object.entries(runners))
        expect({ runtime, redirect, ...comparable(intoFile(command, args, redirect)) }).toEqual({
          runtime,
          redirect,
          ...comparable(linuxOut),
        });
    }
  });

  test("everything after the program is the program's: -- and --dir included", { timeout: 300_000 }, () => {
    const program = build(path.join(root, "test", "c-host", "argv.c"));
    const args = ["-n", "--", "-x", "--dir", "y", "--"];
    const r = spawnSync(
      process.execPath,
      [path.join(root, "bin", "anymmap.js"), "run", "--dir", `${inner}:.`, program.wasm, ...args],
      { encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(args.map((a) => `[${a}]\n`).join(""));
    expect(r.status).toBe(0);
  });

  test("Node's anymmap run recurses as deep as Linux's 8 MiB stack allows (200,000 small calls), not as deep as Node's main-thread stack", {
    timeout: 300_000,
  }, () => {
    const program = build(path.join(root, "test", "c-host", "recursion.c"));
    const native = spawnSync(program.native, [], { encoding: "utf8" });
    expect(native.stdout).toBe("200000 calls deep: ok\n");
    const r = spawnSync(process.execPath, [path.join(root, "bin", "anymmap.js"), "run", program.wasm], {
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(native.stdout);
    expect(r.status).toBe(0);
  });

  test("--argv0 NAME is the program's argv[0] and program name, as multi-call programs need", {
    timeout: 300_000,
  }, () => {
    const program = build(path.join(root, "test", "c-host", "argv0.c"));
    const cli = path.join(root, "bin", "anymmap.js");
    const named = spawnSync(process.execPath, [cli, "run", "--argv0", "/usr/bin/zstdcat", program.wasm], {
      encoding: "utf8",
    });
    expect(named.stderr).toBe("");
    expect(named.stdout).toBe("argv[0] /usr/bin/zstdcat\nshort name zstdcat\n");
    const joined = spawnSync(process.execPath, [cli, "run", "--argv0=unzstd", program.wasm], { encoding: "utf8" });
    expect(joined.stdout).toBe("argv[0] unzstd\nshort name unzstd\n");
    const plain = spawnSync(process.execPath, [cli, "run", program.wasm], { encoding: "utf8" });
    expect(plain.stdout).toBe(`argv[0] ${program.wasm}\nshort name ${path.basename(program.wasm)}\n`);
    const missing = spawnSync(process.execPath, [cli, "run", "--argv0"], { encoding: "utf8" });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("--argv0 needs a name");
  });

  /** `anymmap cc` with the corpus's cached core objects. */
  const anymmapCc = (args: string[], cwd?: string) =>
    spawnSync(process.execPath, [path.join(root, "bin", "anymmap.js"), "cc", ...args], {
      cwd,
      encoding: "utf8",
      env: { ...process.env, ANYMMAP_CACHE: path.join(root, ".tmp", "c-corpus", "core") },
    });

  test("anymmap cc reports a function nobody defined and leaves no output, as a linker would", {
    timeout: 120_000,
  }, () => {
    const source = path.join(tmp, "undefined.c");
    fs.writeFileSync(source, "int missing_function(void);\nint main(void) { return missing_function(); }\n");
    const r = anymmapCc([source, "-o", path.join(tmp, "undefined.wasm")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("undefined symbol: missing_function");
    expect(fs.existsSync(path.join(tmp, "undefined.wasm"))).toBe(false);
  });

  test("anymmap cc says to compile with anymmap cc -c when plain emcc -c objects need Emscripten's setjmp glue", {
    timeout: 120_000,
  }, () => {
    const source = path.join(tmp, "setjmp-object.c");
    fs.writeFileSync(
      source,
      "#include <setjmp.h>\nstatic jmp_buf env;\nstatic void f(int n) { if (n > 2) longjmp(env, n); f(n + 1); }\n" +
        "int main(void) { int r = setjmp(env); if (!r) f(0); return r; }\n",
    );
    const object = path.join(tmp, "setjmp-object.o");
    const compiled = spawnSync("emcc", ["-O2", "-c", source, "-o", object], { encoding: "utf8" });
    expect(compiled.status, compiled.stderr).toBe(0);
    const r = anymmapCc([object, "-o", path.join(tmp, "setjmp-object.wasm")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/undefined symbols?: .*invoke_/);
    expect(r.stderr).toContain("compile every object with anymmap cc -c");
  });

  test("anymmap cc writes the WebAssembly program itself to -o name, or a.out, as gcc does (autoconf's -o conftest)", {
    timeout: 240_000,
  }, () => {
    const dir = fs.mkdtempSync(path.join(tmp, "out-"));
    fs.writeFileSync(path.join(dir, "conftest.c"), "int main(void) { return 3; }\n");
    const cc = (...args: string[]) => anymmapCc(args, dir);
    const named = cc("conftest.c", "-o", "conftest");
    expect(named.stderr).toBe("");
    expect(named.status).toBe(0);
    const noOutput = cc("conftest.c");
    expect(noOutput.status).toBe(0);
    const joined = cc("conftest.c", "-oprog");
    expect(joined.status).toBe(0);
    // Nothing else: no JavaScript glue, no intermediate .wasm.
    expect(fs.readdirSync(dir).sort()).toEqual(["a.out", "conftest", "conftest.c", "prog"]);
    for (const name of ["conftest", "a.out", "prog"]) {
      const file = path.join(dir, name);
      expect(fs.readFileSync(file).subarray(0, 4)).toEqual(Buffer.from("\0asm"));
      expect(fs.statSync(file).mode & 0o111).not.toBe(0);
      const ran = spawnSync(process.execPath, [path.join(root, "bin", "anymmap.js"), "run", file], {
        encoding: "utf8",
      });
      expect(ran.status).toBe(3);
    }
  });

  test("usage errors and programs that cannot start", () => {
    const cli = path.join(root, "bin", "anymmap.js");
    const usage = spawnSync(process.execPath, [cli, "run"], { encoding: "utf8" });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("usage: anymmap run");
    const notDir = spawnSync(process.execPath, [cli, "run", "--dir", path.join(inner, "inside.txt"), "x.wasm"], {
      encoding: "utf8",
    });
    expect(notDir.status).toBe(2);
    expect(notDir.stderr).toContain("is not a directory");
    const garbage = path.join(tmp, "garbage.wasm");
    fs.writeFileSync(garbage, "not wasm");
    const bad = spawnSync(process.execPath, [cli, "run", garbage], { encoding: "utf8" });
    expect(bad.status).toBe(126);
    expect(bad.stderr).toContain("garbage.wasm");
  });
});
