/**
 * The `anymmap` command line, run as a user runs it: `node bin/anymmap.js`
 * in a child process, against the built dist/ (`npm run build` first).
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { pattern } from "./harness/helpers.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(root, "bin", "anymmap.js");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };

const MiB = 1 << 20;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "anymmap-cli-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  if (!fs.existsSync(path.join(root, "dist", "cli.js")) || !fs.existsSync(path.join(root, "dist", "anymmap.wasm"))) {
    throw new Error("dist/ is not built: run `npm run build` before these tests");
  }
});

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

function run(...args: string[]): Run {
  const r: SpawnSyncReturns<Buffer> = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    maxBuffer: 64 * MiB,
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr.toString("utf8") };
}

let seq = 0;
function file(contents: Uint8Array | string = ""): string {
  const p = path.join(tmp, `f${seq++}`);
  fs.writeFileSync(p, contents);
  return p;
}
function fresh(): string {
  return path.join(tmp, `new${seq++}`);
}

/** Every byte value, in order and then reversed, a few times over. */
function allBytes(): Uint8Array {
  const out = new Uint8Array(256 * 8);
  for (let i = 0; i < out.length; i++) out[i] = (i >> 8) % 2 === 0 ? i & 0xff : 255 - (i & 0xff);
  return out;
}

function same(actual: Uint8Array, expected: Uint8Array): void {
  // toEqual on multi-MiB buffers makes unreadable diffs: compare length, then content.
  expect(actual.length).toBe(expected.length);
  expect(Buffer.compare(Buffer.from(actual), Buffer.from(expected))).toBe(0);
}

const big = pattern(3 * MiB, 0x9e37); // three full 1 MiB chunks
const bigOdd = pattern(3 * MiB + 4097 + 5, 12345); // a partial last chunk and page

describe("cat", () => {
  test("prints every byte value exactly", () => {
    const bytes = allBytes();
    const r = run("cat", file(bytes));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    same(r.stdout, bytes);
    expect(new Set(r.stdout).size).toBe(256);
  });

  test("prints a 3 MiB file (larger than the 1 MiB chunk) exactly", () => {
    const r = run("cat", file(big));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    same(r.stdout, big);
  });

  test("prints a file whose size is not a multiple of the chunk or the page", () => {
    const r = run("cat", file(bigOdd));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    same(r.stdout, bigOdd);
  });

  test("prints a one-byte file and a text file", () => {
    expect(run("cat", file("x")).stdout.toString()).toBe("x");
    const text = "héllo, wörld\nsecond line\n";
    const r = run("cat", file(text));
    expect(r.status).toBe(0);
    expect(r.stdout.toString("utf8")).toBe(text);
  });

  test("an empty file prints nothing and exits 0", () => {
    const r = run("cat", file(""));
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  test("several files are concatenated in order", () => {
    const a = allBytes();
    const parts = [a, new Uint8Array(0), Buffer.from("middle\n"), big];
    const r = run("cat", ...parts.map((p) => file(p)));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    same(r.stdout, Buffer.concat(parts));
  });

  test("the same file twice prints it twice", () => {
    const p = file("twice\n");
    expect(run("cat", p, p).stdout.toString()).toBe("twice\ntwice\n");
  });

  test("a missing file: exit 1, stderr names the file and says ENOENT", () => {
    const missing = path.join(tmp, "no-such-file");
    const r = run("cat", missing);
    expect(r.status).toBe(1);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toContain(missing);
    expect(r.stderr).toContain("ENOENT");
    expect(r.stderr).toMatch(/^anymmap cat: /);
    // A user-facing message, not a stack trace.
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("a missing file among others: the others are still printed, exit 1", () => {
    const missing = path.join(tmp, "also-missing");
    const r = run("cat", file("one\n"), missing, file("two\n"));
    expect(r.status).toBe(1);
    expect(r.stdout.toString()).toBe("one\ntwo\n");
    expect(r.stderr).toContain(missing);
    expect(r.stderr).toContain("ENOENT");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  test("a directory: exit 1 with ENODEV or EISDIR", () => {
    const dir = fs.mkdtempSync(path.join(tmp, "dir-"));
    const r = run("cat", dir);
    expect(r.status).toBe(1);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toMatch(/ENODEV|EISDIR/);
    expect(r.stderr).toContain(dir);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("no FILE: exit 2", () => {
    const r = run("cat");
    expect(r.status).toBe(2);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toContain("missing FILE");
  });

  for (const backend of ["wasm", "native"]) {
    test(`cat of a FIFO with no writer, of /dev/zero and of a /proc file: ENODEV at once, exit 1, never a hang (${backend})`, () => {
      const fifo = path.join(tmp, `fifo${seq++}`);
      expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
      const r = spawnSync(process.execPath, [bin, "cat", fifo, "/dev/zero", "/proc/version"], {
        cwd: root,
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, ANYMMAP_BACKEND: backend },
      });
      expect(r.signal, "killed by the timeout: cat blocked").toBe(null);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
      expect(
        r.stderr
          .trimEnd()
          .split("\n")
          .map((line) => line.includes(": ENODEV: ")),
        r.stderr,
      ).toEqual([true, true, true]);
    });
  }

  test("a write error on stdout (/dev/full) is reported, exit 1", () => {
    if (!fs.existsSync("/dev/full")) return;
    const src = file("some bytes\n");
    const r = spawnSync("bash", ["-c", `"$0" "$1" cat "$2" > /dev/full`, process.execPath, bin, src], {
      cwd: root,
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("ENOSPC");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("stdout closed early (`| head -c 10`): no stack trace, no error, exit 0", () => {
    const src = file(big);
    // pipefail: the status is anymmap's, not head's.
    const r = spawnSync(
      "bash",
      ["-c", `set -o pipefail; "$0" "$1" cat "$2" "$2" | head -c 10`, process.execPath, bin, src],
      { cwd: root, maxBuffer: 64 * MiB },
    );
    expect(r.stderr.toString()).toBe("");
    expect(r.status).toBe(0);
    same(r.stdout, big.subarray(0, 10));
  });

  test("stdout closed before anything is read: no stack trace", () => {
    const src = file(big);
    const r = spawnSync("bash", ["-c", `set -o pipefail; "$0" "$1" cat "$2" | true`, process.execPath, bin, src], {
      cwd: root,
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("cp", () => {
  test("copies a 3 MiB binary file byte for byte", () => {
    const src = file(big);
    const dst = fresh();
    const r = run("cp", src, dst);
    expect(r.stderr).toBe("");
    expect(r.stdout.length).toBe(0);
    expect(r.status).toBe(0);
    same(fs.readFileSync(dst), big);
    // The source is left as it was.
    same(fs.readFileSync(src), big);
  });

  test("copies a file whose size is not a multiple of the chunk or the page", () => {
    const dst = fresh();
    expect(run("cp", file(bigOdd), dst).status).toBe(0);
    same(fs.readFileSync(dst), bigOdd);
  });

  test("copies every byte value", () => {
    const dst = fresh();
    expect(run("cp", file(allBytes()), dst).status).toBe(0);
    same(fs.readFileSync(dst), allBytes());
  });

  test("an empty SRC gives an empty DST", () => {
    const dst = fresh();
    const r = run("cp", file(""), dst);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(fs.existsSync(dst)).toBe(true);
    expect(fs.statSync(dst).size).toBe(0);
  });

  test("an empty SRC truncates an existing DST to 0", () => {
    const dst = file("old contents");
    expect(run("cp", file(""), dst).status).toBe(0);
    expect(fs.statSync(dst).size).toBe(0);
  });

  test("an existing longer DST is truncated to SRC's size", () => {
    const dst = file(pattern(2 * MiB + 17, 7));
    const src = file(allBytes());
    const r = run("cp", src, dst);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(fs.statSync(dst).size).toBe(allBytes().length);
    same(fs.readFileSync(dst), allBytes());
  });

  test("an existing shorter DST is grown to SRC's size", () => {
    const dst = file("short");
    expect(run("cp", file(big), dst).status).toBe(0);
    same(fs.readFileSync(dst), big);
  });

  test("a missing SRC: exit 1, ENOENT naming SRC, and DST is not created", () => {
    const missing = path.join(tmp, "cp-missing-src");
    const dst = fresh();
    const r = run("cp", missing, dst);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("ENOENT");
    expect(r.stderr).toContain(missing);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(dst)).toBe(false);
  });

  test("a missing SRC leaves an existing DST untouched", () => {
    const dst = file("precious");
    expect(run("cp", path.join(tmp, "cp-missing-src-2"), dst).status).toBe(1);
    expect(fs.readFileSync(dst, "utf8")).toBe("precious");
  });

  test("DST in a missing directory: exit 1 with ENOENT", () => {
    const r = run("cp", file("x"), path.join(tmp, "no-dir", "dst"));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("ENOENT");
  });

  test("SRC a directory: exit 1 with ENODEV or EISDIR", () => {
    const dir = fs.mkdtempSync(path.join(tmp, "srcdir-"));
    const r = run("cp", dir, fresh());
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ENODEV|EISDIR/);
  });

  // SRC is mapped before DST is opened, so a failed copy leaves DST alone.
  test("SRC a directory: DST is not created", () => {
    const dst = fresh();
    expect(run("cp", fs.mkdtempSync(path.join(tmp, "srcdir-")), dst).status).toBe(1);
    expect(fs.existsSync(dst)).toBe(false);
  });
  test("SRC a directory: an existing DST is left untouched", () => {
    const dst = file("precious");
    expect(run("cp", fs.mkdtempSync(path.join(tmp, "srcdir-")), dst).status).toBe(1);
    expect(fs.readFileSync(dst, "utf8")).toBe("precious");
  });

  // As GNU cp: "'F' and 'F' are the same file", exit 1, data intact.
  test("SRC and DST the same file: refused, the data survives", () => {
    const p = file("hello world");
    const r = run("cp", p, p);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("same file");
    expect(fs.readFileSync(p, "utf8")).toBe("hello world");
  });

  // As cp(1): DST a directory receives SRC's name (it said EISDIR).
  test("DST a directory: the copy goes in it under SRC's name", () => {
    const src = file("into a directory");
    const dir = fs.mkdtempSync(path.join(tmp, "dstdir-"));
    const r = run("cp", src, dir);
    expect(r.stderr.toString()).toBe("");
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, path.basename(src)), "utf8")).toBe("into a directory");
    expect(run("cp", src, dir).status).toBe(0);
    expect(run("cp", path.join(dir, path.basename(src)), dir).stderr).toContain("same file");
  });

  test("one argument: exit 2 with usage", () => {
    const r = run("cp", file("x"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("usage");
  });

  test("no arguments or three: exit 2", () => {
    expect(run("cp").status).toBe(2);
    const dst = fresh();
    expect(run("cp", file("a"), file("b"), dst).status).toBe(2);
    expect(fs.existsSync(dst)).toBe(false);
  });
});

/** xxd's own output for the same range: `view` promises to print exactly that (.ci/run installs xxd). */
function xxd(...args: string[]): string {
  const r = spawnSync("xxd", args, { maxBuffer: 64 * MiB });
  if (r.error) throw new Error(`xxd is needed to check the view format (apt-get install xxd): ${r.error.message}`);
  return r.stdout.toString("latin1");
}

describe("view", () => {
  const bytes = allBytes();

  test("prints what xxd prints, for the whole file and for ranges that start and end mid-line", () => {
    const p = file(bytes);
    const whole = run("view", p);
    expect(whole.stderr).toBe("");
    expect(whole.status).toBe(0);
    expect(whole.stdout.toString("latin1")).toBe(xxd(p));
    for (const [offset, length] of [
      ["0", "1"],
      ["5", "37"],
      ["0x100", "256"],
      ["2040", "100000"],
      ["-20", "16"],
    ] as const) {
      const r = run("view", p, "--offset", offset, "--length", length);
      expect(r.status, `${offset} ${length}`).toBe(0);
      expect(r.stdout.toString("latin1"), `${offset} ${length}`).toBe(xxd("-s", offset, "-l", length, p));
    }
    expect(run("view", p, "--offset=2k").stdout.toString("latin1")).toBe(xxd("-s", "2048", p));
  });

  test("shows bytes past 4 GiB of a sparse file, as xxd does, through windows", () => {
    const p = path.join(tmp, `sparse${seq++}`);
    const at = 4 * 1024 * MiB + 512 * MiB + 7;
    const fd = fs.openSync(p, "w");
    fs.ftruncateSync(fd, 5 * 1024 * MiB);
    fs.writeSync(fd, Buffer.from("far past four gibibytes"), 0, 23, at);
    fs.closeSync(fd);
    const r = run("view", p, "--offset", String(at - 3), "--length", "40");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const text = r.stdout.toString("latin1");
    expect(text).toBe(xxd("-s", String(at - 3), "-l", "40", p));
    expect(text).toContain(`${(at - 3).toString(16)}: 0000 0066 6172`);
    const f = run("find", p, "gibibytes");
    expect(f.stdout.toString()).toBe(`${at + 14}\n`);
    expect(f.status).toBe(0);
    fs.rmSync(p);
  });

  test("an empty range prints nothing; bad numbers are usage errors; a missing file is exit 1", () => {
    const p = file(bytes);
    expect(run("view", p, "--offset", String(bytes.length)).stdout.length).toBe(0);
    expect(run("view", p, "--length", "0").stdout.length).toBe(0);
    for (const bad of [["--offset", "ten"], ["--length", "-5"], ["--length"], ["--frob", "1"]]) {
      const r = run("view", p, ...bad);
      expect(r.status, bad.join(" ")).toBe(2);
      expect(r.stdout.length).toBe(0);
    }
    expect(run("view").status).toBe(2);
    // A URL is fetched by ranges, not looked up as a file named "http:"; nothing listens on port 9.
    const url = run("view", "http://127.0.0.1:9/file.bin");
    expect(url.status).toBe(1);
    expect(url.stderr).toContain("EIO");
    expect(url.stderr).toContain("could not be reached");
    const missing = run("view", path.join(tmp, "nope"));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("ENOENT");
  });
});

describe("find", () => {
  test("prints the first offset of text or hex bytes, or -1 with exit 1", () => {
    const p = file("abc needle def needle \x00\x01\xff");
    expect(run("find", p, "needle").stdout.toString()).toBe("4\n");
    expect(run("find", p, "00 01", "--hex").stdout.toString()).toBe("22\n");
    const none = run("find", p, "absent");
    expect(none.stdout.toString()).toBe("-1\n");
    expect(none.status).toBe(1);
    expect(run("find", p, "zz", "--hex").status).toBe(2);
    // Not a terminal: no progress bar in the output.
    expect(none.stderr).toBe("");
    expect(run("find", p).status).toBe(2);
  });

  // As the API's find() and String.prototype.indexOf: the empty pattern is at the start, even of an empty file.
  test("the empty pattern is found at 0, in an empty file too", () => {
    for (const contents of ["abc", ""]) {
      const r = run("find", file(contents), "");
      expect(r.stdout.toString()).toBe("0\n");
      expect(r.status).toBe(0);
    }
    const none = run("find", file(""), "x");
    expect(none.stdout.toString()).toBe("-1\n");
    expect(none.status).toBe(1);
  });
});

describe("find on a terminal", () => {
  test("draws a progress bar on stderr (run under script(1), which gives it a terminal)", () => {
    const p = path.join(tmp, `progress${seq++}`);
    fs.writeFileSync(p, "");
    fs.truncateSync(p, 64 * MiB);
    const r = spawnSync("script", ["-qec", `'${process.execPath}' '${bin}' find '${p}' absent`, "/dev/null"], {
      encoding: "latin1",
      timeout: 60_000,
    });
    if (r.error) throw new Error(`script(1) is needed for this test (util-linux/bsdutils): ${r.error.message}`);
    // Four 16 MiB windows: 25 %, 50 %, 75 %, 100 %, each redrawn over the last with \r.
    for (const percent of [" 25%", " 50%", " 75%", "100%"]) expect(r.stdout).toContain(percent);
    expect(r.stdout).toContain(`\rsearching ${p} [${"#".repeat(30)}] 100%`);
    expect(r.stdout).toContain("-1");
  });
});

describe("info, help, version, usage", () => {
  test("info prints the version, runtime, backend and page size", () => {
    const r = run("info");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.toString("utf8").split("\n");
    expect(lines).toContain(`anymmap ${pkg.version}`);
    // This project runs with ANYMMAP_BACKEND=wasm (vitest.config.ts): info says so, and why native is not in use.
    expect(lines).toContain(`backend: ${process.env.ANYMMAP_BACKEND === "wasm" ? "wasm" : "native"}`);
    if (process.env.ANYMMAP_BACKEND === "wasm")
      expect(lines).toContain("native: not in use: ANYMMAP_BACKEND=wasm asks for the WASM engine");
    expect(lines).toContain("page size: 4096");
    expect(lines).toContain(`runtime: node ${process.versions.node}`);
    expect(lines).toContain(`window budget: ${256 * MiB}`);
  });

  test("info without ANYMMAP_BACKEND: the native backend where the addon is built", () => {
    const { ANYMMAP_BACKEND: _, ...env } = process.env;
    const r = spawnSync(process.execPath, [path.join(root, "bin", "anymmap.js"), "info"], { encoding: "utf8", env });
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")).toContain("backend: native");
  });

  test("--version prints package.json's version", () => {
    const r = run("--version");
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(`${pkg.version}\n`);
    expect(r.stderr).toBe("");
  });

  test.each(["help", "--help", "-h"])("%s prints usage on stdout, exit 0", (flag) => {
    const r = run(flag);
    expect(r.status).toBe(0);
    const text = r.stdout.toString();
    expect(text).toMatch(/^usage: anymmap/);
    for (const cmd of ["cat FILE", "cp SRC DST", "info"]) expect(text).toContain(cmd);
    expect(r.stderr).toBe("");
  });

  test("an unknown command: exit 2, names it, usage on stderr, nothing on stdout", () => {
    const r = run("frobnicate", "x");
    expect(r.status).toBe(2);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.stderr).toContain("usage: anymmap");
  });

  test("cc without arguments: exit 2 with usage, and nothing is written", () => {
    const dir = fs.mkdtempSync(path.join(tmp, "cc-empty-"));
    const r = spawnSync(process.execPath, [bin, "cc"], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("anymmap cc: no input files");
    expect(r.stderr).toContain("usage: anymmap");
    expect(fs.readdirSync(dir)).toEqual([]);
    // Flags without a source: emcc's own answer, nothing linked (--version and the like still answer).
    const flags = spawnSync(process.execPath, [bin, "cc", "-O2", "-o", "x.wasm"], { cwd: dir, encoding: "utf8" });
    expect(flags.status).not.toBe(0);
    expect(flags.stderr).toContain("no input files");
    expect(fs.readdirSync(dir)).toEqual([]);
    const version = spawnSync(process.execPath, [bin, "cc", "--version"], { cwd: dir, encoding: "utf8" });
    expect(version.status).toBe(0);
    expect(version.stdout).toContain("emcc");
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test("no command: exit 2 with usage on stderr", () => {
    const r = run();
    expect(r.status).toBe(2);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toContain("usage: anymmap");
  });

  test("the launcher says what to do when dist/ is not built", () => {
    // A copy of the launcher with no dist/ next to it.
    const fake = fs.mkdtempSync(path.join(tmp, "unbuilt-"));
    fs.mkdirSync(path.join(fake, "bin"));
    fs.copyFileSync(bin, path.join(fake, "bin", "anymmap.js"));
    fs.writeFileSync(path.join(fake, "package.json"), JSON.stringify({ type: "module" }));
    const r = spawnSync(process.execPath, [path.join(fake, "bin", "anymmap.js"), "info"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("npm run build");
  });
});
