/**
 * What spec files may use: the test functions, the built package, and file
 * fixtures. Spec bodies touch nothing else, so that each runtime can run
 * them through its own version of this module.
 */
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
import { afterAll } from "vitest";

import * as anymmap from "../../dist/node.js";

export { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
export { anymmap };
export { expectMmapError, mmapErrorOf, pattern } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "anymmap-spec-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** File fixtures: the only file-system access spec files have. */
export const fx = {
  /** A fresh path in the suite's temporary directory (the file does not exist). */
  path(name = "file"): string {
    return join(root, `${counter++}-${name}`);
  },
  /** A new file with these bytes (a string is UTF-8) and its path. */
  file(contents: Uint8Array | string = new Uint8Array(0), name?: string): string {
    const path = fx.path(name);
    writeFileSync(path, contents);
    return path;
  },
  /** A new sparse file of `size` bytes (holes read as zeros). */
  sparse(size: number, name?: string): string {
    const path = fx.file(new Uint8Array(0), name);
    truncateSync(path, size);
    return path;
  },
  /** A new directory. */
  dir(): string {
    return mkdtempSync(join(root, "dir-"));
  },
  read(path: string): Uint8Array {
    return new Uint8Array(readFileSync(path));
  },
  /** Bytes [offset, offset+length) of a file, read without loading it whole. */
  readRange(path: string, offset: number, length: number): Uint8Array {
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
  write(path: string, contents: Uint8Array | string): void {
    writeFileSync(path, contents);
  },
  /**
   * Writes `contents` at `offset` of an existing file, bypassing anymmap (as
   * another process would); the file grows if the bytes end past its end.
   */
  writeAt(path: string, offset: number, contents: Uint8Array | string): void {
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
  size(path: string): number {
    return statSync(path).size;
  },
  truncate(path: string, size: number): void {
    truncateSync(path, size);
  },
};
