/**
 * File fixtures over node:fs (Node, Deno, Bun): the only file-system access
 * spec files have. One implementation for every harness variant with a real
 * file system; the browser harness has its own over OPFS (./browser.ts).
 */
import { spawnSync } from "node:child_process";
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The fixtures' interface, which ./browser.ts implements too. */
export interface Fixtures {
  /** True where fixtures are the operating system's files, so FIFOs, /dev and /proc exist (not in browsers). */
  readonly hostFiles: boolean;
  /** A fresh path in the suite's temporary directory (the file does not exist). */
  path(name?: string): string;
  /** A new file with these bytes (a string is UTF-8) and its path. */
  file(contents?: Uint8Array | string, name?: string): string;
  /** A new sparse file of `size` bytes (holes read as zeros). */
  sparse(size: number, name?: string): string;
  /** A new directory. */
  dir(): string;
  /** A new FIFO (named pipe) with no writer; only where `hostFiles`. */
  fifo(name?: string): string;
  /** A Unix-domain socket's file (bound, nobody listening); only where `hostFiles`. */
  socket(name?: string): string;
  read(path: string): Uint8Array;
  /** Bytes [offset, offset+length) of a file, read without loading it whole. */
  readRange(path: string, offset: number, length: number): Uint8Array;
  write(path: string, contents: Uint8Array | string): void;
  /**
   * Writes `contents` at `offset` of an existing file, bypassing anymmap (as
   * another process would); the file grows if the bytes end past its end.
   */
  writeAt(path: string, offset: number, contents: Uint8Array | string): void;
  size(path: string): number;
  truncate(path: string, size: number): void;
}

/** Fixtures in a new temporary directory, removed by the `afterAll` hook given. */
export function hostFixtures(afterAll: (fn: () => void) => void): Fixtures {
  const root = mkdtempSync(join(tmpdir(), "anymmap-spec-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let counter = 0;
  const fx: Fixtures = {
    hostFiles: true,
    path(name = "file") {
      return join(root, `${counter++}-${name}`);
    },
    file(contents = new Uint8Array(0), name) {
      const path = fx.path(name);
      writeFileSync(path, contents);
      return path;
    },
    sparse(size, name) {
      const path = fx.file(new Uint8Array(0), name);
      truncateSync(path, size);
      return path;
    },
    dir() {
      return mkdtempSync(join(root, "dir-"));
    },
    fifo(name = "fifo") {
      // node:fs has no mkfifo; the command is POSIX (Deno runs it with --allow-run=mkfifo).
      const path = fx.path(name);
      // An explicit environment: Deno would otherwise need --allow-env to copy its own.
      const r = spawnSync("mkfifo", [path], { env: { PATH: "/usr/bin:/bin" } });
      if (r.status !== 0) throw new Error(`fx.fifo: mkfifo ${path} failed: ${r.error ?? r.stderr}`);
      return path;
    },
    socket(name = "socket") {
      // node:net binds only asynchronously; Python binds at once (Debian's; Deno runs it with --allow-run=/usr/bin/python3).
      const path = fx.path(name);
      const bind = "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])";
      const r = spawnSync("/usr/bin/python3", ["-c", bind, path], { env: {} });
      if (r.status !== 0) throw new Error(`fx.socket: binding ${path} failed: ${r.error ?? r.stderr}`);
      return path;
    },
    read(path) {
      return new Uint8Array(readFileSync(path));
    },
    readRange(path, offset, length) {
      const fd = openSync(path, "r");
      try {
        const out = new Uint8Array(length);
        let done = 0;
        while (done < length) {
          const n = readSync(fd, out, done, length - done, offset + done);
          if (n === 0) break;
          done += n;
        }
        return out.subarray(0, done);
      } finally {
        closeSync(fd);
      }
    },
    write(path, contents) {
      writeFileSync(path, contents);
    },
    writeAt(path, offset, contents) {
      const bytes = typeof contents === "string" ? new TextEncoder().encode(contents) : contents;
      const fd = openSync(path, "r+");
      try {
        let done = 0;
        while (done < bytes.length) {
          done += writeSync(fd, bytes, done, bytes.length - done, offset + done);
        }
      } finally {
        closeSync(fd);
      }
    },
    size(path) {
      return statSync(path).size;
    },
    truncate(path, size) {
      truncateSync(path, size);
    },
  };
  return fx;
}
