/**
 * A shell script's program invocations as data: the steps of a project's own
 * test script (its arguments, what the script pipes or redirects into each
 * program, where it redirects the output), run over one directory, natively
 * here and in Chromium's worker runner by test/browser/c-worker.ts, into
 * one transcript format, so that the two can be compared exactly.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** One program invocation of a script. */
export interface Step {
  /** argv: the program's name (a file in the session's program directory) and its arguments. */
  args: string[];
  /** stdin: text (`echo ... |`), a file of the directory (`< file`) or the previous step's stdout (`... |`). Default: none. */
  stdin?: { text: string } | { file: string } | "pipe";
  /** Where stdout goes (`> file`) instead of into the transcript. */
  stdoutTo?: string;
  /** A host command that stdout goes through before the transcript (`| sort -k1n`), the same for every build. */
  filter?: string[];
  /** `ulimit -f` in bytes (a multiple of 1024), with SIGXFSZ ignored as tests.sh does (`trap '' 25`). */
  fileSizeLimit?: number;
  /** Files whose MD5 the transcript shows after the step (what the script checks with md5sum or cmp). */
  show?: string[];
}

/** A script: its steps over one fresh directory that holds `dirs` at first. */
export interface Session {
  name: string;
  steps: Step[];
  dirs?: string[];
}

/** What one step printed and its exit status. */
export interface StepOutput {
  stdout: string;
  stderr: string;
  status: number | string;
  error?: string;
  /** MD5 (hex, as md5sum prints it) of each of the step's `show` files, or "missing". */
  shown: string[];
}

/** The step's command line as a shell would have it. */
export function commandLine(step: Step): string {
  let line = step.args.map((a) => JSON.stringify(a)).join(" ");
  if (step.stdin === "pipe") line = `(previous) | ${line}`;
  else if (step.stdin && "file" in step.stdin) line += ` < ${step.stdin.file}`;
  else if (step.stdin?.text === "") line += " < /dev/null";
  else if (step.stdin) {
    const text =
      step.stdin.text.length > 60
        ? `${step.stdin.text.slice(0, 40)}...(${step.stdin.text.length} characters)`
        : step.stdin.text;
    line = `echo ${JSON.stringify(text)} | ${line}`;
  }
  if (step.filter) line += ` | ${step.filter.join(" ")}`;
  if (step.stdoutTo) line += ` > ${step.stdoutTo}`;
  if (step.fileSizeLimit !== undefined) line = `(ulimit -f ${step.fileSizeLimit / 512} blocks; ${line})`;
  return line;
}

/** Passes `stdout` through the step's filter, if any (a real host command). */
export function filtered(step: Step, stdout: string): string {
  if (!step.filter) return stdout;
  const [cmd, ...args] = step.filter;
  const r = spawnSync(cmd as string, args, { input: stdout, env: { ...process.env, LC_ALL: "C" } });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${step.filter.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

export function md5(bytes: Uint8Array | undefined): string {
  return bytes ? createHash("md5").update(bytes).digest("hex") : "missing";
}

/** One session's transcript from its steps' outputs: the command, stdout, `[stderr]`, `[exit N]`, shown files. */
export function transcript(session: Session, outputs: StepOutput[]): string {
  let out = "";
  for (const [i, step] of session.steps.entries()) {
    const o = outputs[i];
    if (!o) break;
    // What goes into a pipe is the next step's input, not the script's output.
    const piped = session.steps[i + 1]?.stdin === "pipe";
    out += `$ ${commandLine(step)}\n${piped ? `[stdout: ${o.stdout.length} characters into the pipe]\n` : o.stdout}`;
    if (o.stderr.length > 0) out += `[stderr] ${o.stderr}`;
    if (o.error) out += `[error] ${o.error}\n`;
    out += `[exit ${o.status}]\n`;
    for (const [j, file] of (step.show ?? []).entries()) out += `md5 ${file}: ${o.shown[j]}\n`;
  }
  return out;
}

/** Runs a session's steps with the native programs in `binDir`, each with its argv[0] as written. */
export function runNative(session: Session, binDir: string): StepOutput[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "c-session-"));
  const outputs: StepOutput[] = [];
  try {
    for (const d of session.dirs ?? []) fs.mkdirSync(path.join(dir, d), { recursive: true });
    let previous = Buffer.alloc(0);
    for (const step of session.steps) {
      const [name, ...args] = step.args;
      let input: Buffer | string = "";
      if (step.stdin === "pipe") input = previous;
      else if (step.stdin && "file" in step.stdin) input = fs.readFileSync(path.join(dir, step.stdin.file));
      else if (step.stdin) input = step.stdin.text;
      const program = path.join(binDir, name as string);
      // bash, for `exec -a`: the program keeps its argv[0] under the limit too.
      const r = spawnSync(
        step.fileSizeLimit === undefined ? program : "bash",
        step.fileSizeLimit === undefined
          ? args
          : ["-c", `ulimit -f ${step.fileSizeLimit / 1024}; trap '' XFSZ; exec -a "$0" "$@"`, name, program, ...args],
        {
          cwd: dir,
          argv0: name,
          input,
          maxBuffer: 64 << 20,
          timeout: 120_000,
        },
      );
      if (r.error) throw r.error;
      previous = r.stdout;
      if (step.stdoutTo) fs.writeFileSync(path.join(dir, step.stdoutTo), r.stdout);
      const file = (f: string) => path.join(dir, f);
      outputs.push({
        stdout: step.stdoutTo ? "" : filtered(step, r.stdout.toString()),
        stderr: r.stderr.toString(),
        status: r.status ?? (r.signal as string),
        shown: (step.show ?? []).map((f) => md5(fs.existsSync(file(f)) ? fs.readFileSync(file(f)) : undefined)),
      });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return outputs;
}
