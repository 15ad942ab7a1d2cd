/**
 * The C core, compiled natively and fuzzed with libFuzzer, AddressSanitizer
 * and UndefinedBehaviorSanitizer through the operation language of
 * fuzz/fuzz_mman.c (scripts/fuzz.sh): every input kept in fuzz/regressions/
 * replays cleanly, and 20 seconds of fuzzing from a fixed seed find nothing.
 * Without clang-14 or its runtimes (libclang-rt-14-dev) the tests are skipped
 * and say which package is missing; CI installs both.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The Debian package that is missing, or undefined when fuzzing can run. */
function missingToolchain(): string | undefined {
  const cc = spawnSync("clang-14", ["--print-runtime-dir"], { encoding: "utf8" });
  if (cc.error || cc.status !== 0) return "clang-14 (apt-get install clang-14; emscripten brings it)";
  const dir = cc.stdout.trim();
  const arch = ({ x64: "x86_64", arm64: "aarch64", ia32: "i386" } as Record<string, string>)[os.arch()] ?? os.arch();
  for (const lib of ["fuzzer", "asan", "ubsan_standalone"]) {
    if (!fs.existsSync(path.join(dir, `libclang_rt.${lib}-${arch}.a`))) {
      return "libclang-rt-14-dev (apt-get install libclang-rt-14-dev)";
    }
  }
  return undefined;
}

const missing = missingToolchain();
if (missing) console.warn(`fuzz tests skipped: ${missing} is missing`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "anymmap-fuzz-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function fuzz(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync("bash", ["scripts/fuzz.sh", "--build-dir", tmp, ...args], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 << 20,
    timeout: 280_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** The end of the output, where libFuzzer and the checks say what failed. */
function tail(output: string): string {
  return output.split("\n").slice(-80).join("\n");
}

if (missing) {
  test.skip(`fuzzing the C core natively: ${missing} is missing`, () => {});
}

describe.skipIf(missing !== undefined)("fuzzing the C core natively", () => {
  test("every input in fuzz/regressions/ replays without a failed check or sanitizer report", () => {
    const r = fuzz("--replay");
    expect(r.status, tail(r.output)).toBe(0);
  }, 300_000);

  test("20 seconds of fuzzing from seed 1 find nothing", () => {
    const r = fuzz("--seconds", "20", "--seed", "1", "--corpus", path.join(tmp, "corpus"));
    expect(r.status, tail(r.output)).toBe(0);
    expect(r.output).toMatch(/Done \d+ runs in \d+ second/);
  }, 300_000);
});
