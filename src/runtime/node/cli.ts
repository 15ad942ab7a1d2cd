/**
 * The `anymmap` command: cat, cp and info, through mappings.
 */
import { statSync } from "node:fs";

import process from "node:process";

import { isMmapError } from "../../core/errors.js";
import { RUN_USAGE, runCommand, writeAll } from "../node-fs/run-command.js";
import { cc } from "./cc.js";
import { createInstance, version } from "./index.js";

const CHUNK = 1 << 20;

const USAGE = `usage: anymmap <command> [args]

  cat FILE...     print files through read-only mappings
  cp SRC DST      copy SRC to DST through two mappings (DST is grown first:
                  a mapping cannot append to a file)
  info            runtime, backend, page size and version
  cc [EMCC ARGS]  compile and link a C program with anymmap's mmap and file
                  calls (emcc with the flags it needs), e.g.
                  anymmap cc -O2 prog.c -o prog.wasm
  run [--dir HOST[:GUEST]]... PROG.wasm [ARGS]
                  run a program built with \`anymmap cc\`
  help            this text
`;

function out(fd: number, bytes: Uint8Array | string): void {
  writeAll(fd, typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes);
}

function cat(files: string[]): number {
  if (files.length === 0) {
    out(2, "anymmap cat: missing FILE\n");
    return 2;
  }
  const space = createInstance();
  let status = 0;
  for (const path of files) {
    try {
      using handle = space.openSync(path, "r");
      const size = handle.size();
      if (size === 0) continue;
      using mapping = space.mmapSync(handle, { prot: "r", flags: "shared", length: size });
      // Closing the descriptor does not unmap: the mapping holds the file.
      handle.close();
      mapping.madvise("sequential");
      for (let at = 0; at < size; at += CHUNK) out(1, mapping.view(at, Math.min(CHUNK, size - at)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EPIPE") return status;
      out(2, `anymmap cat: ${path}: ${describe(e)}\n`);
      status = 1;
    }
  }
  return status;
}

function cp(args: string[]): number {
  if (args.length !== 2) {
    out(2, "anymmap cp: usage: anymmap cp SRC DST\n");
    return 2;
  }
  const [from, to] = args as [string, string];
  const space = createInstance();
  try {
    using src = space.openSync(from, "r");
    const size = src.size();
    // Map the source before DST is created or truncated: a source that
    // cannot be mapped (a directory) must leave DST alone.
    using source = size > 0 ? space.mmapSync(src, { prot: "r", flags: "shared", length: size }) : undefined;
    if (sameFile(from, to)) {
      out(2, `anymmap cp: '${from}' and '${to}' are the same file\n`);
      return 1;
    }
    using dst = space.openSync(to, "w+");
    if (!source) return 0;
    dst.truncate(size);
    using target = space.mmapSync(dst, { prot: "rw", flags: "shared", length: size });
    source.madvise("sequential");
    for (let at = 0; at < size; at += CHUNK) {
      const n = Math.min(CHUNK, size - at);
      target.write(source.view(at, n), at);
    }
    target.msync("sync");
    return 0;
  } catch (e) {
    out(2, `anymmap cp: ${describe(e)}\n`);
    return 1;
  }
}

function sameFile(a: string, b: string): boolean {
  const x = statSync(a, { throwIfNoEntry: false });
  const y = statSync(b, { throwIfNoEntry: false });
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
}

function info(): number {
  const i = createInstance().info();
  const why = i.nativeUnavailable === undefined ? "" : `native: not in use: ${i.nativeUnavailable}\n`;
  out(1, `anymmap ${version}\nruntime: ${i.runtime}\nbackend: ${i.backend}\n${why}page size: ${i.pageSize}\n`);
  return 0;
}

function describe(e: unknown): string {
  if (isMmapError(e)) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/** Runs the command line `args` (without node and script); resolves to the exit status. Node. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case "cat":
      return cat(rest);
    case "cp":
      return cp(rest);
    case "info":
      return info();
    case "cc":
      return cc(rest, (m) => out(2, m));
    case "run":
      if (rest[0] === "--help" || rest[0] === "-h") {
        out(1, RUN_USAGE);
        return 0;
      }
      return runCommand(rest, { env: process.env });
    case "help":
    case "--help":
    case "-h":
      out(1, USAGE);
      return 0;
    case "--version":
      out(1, `${version}\n`);
      return 0;
    default:
      out(2, command === undefined ? USAGE : `anymmap: unknown command '${command}'\n${USAGE}`);
      return 2;
  }
}
