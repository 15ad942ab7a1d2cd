/**
 * In-process pipes and character devices for programs (pipe(2), /dev/zero,
 * /dev/null): streams without a position that live in the WASI host's fd
 * table beside stdio. A program is one thread, so nothing can ever fill an
 * empty pipe or drain a full one while it waits: where Linux's read or
 * write would block forever, these answer EAGAIN, as Linux does for an
 * O_NONBLOCK pipe.
 */
import { WASI_ERRNO } from "../abi/errno.js";

/** Linux's default pipe capacity (16 pages). */
export const PIPE_CAPACITY = 65536;

/** The buffer two pipe ends share. */
export class Pipe {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  readers = 1;
  writers = 1;

  /** Bytes read into `dst`: 0 at end of input (no writer left), -EAGAIN while empty. */
  read(dst: Uint8Array): number {
    if (this.size === 0) return this.writers > 0 ? -WASI_ERRNO.EAGAIN : 0;
    let n = 0;
    while (n < dst.length && this.chunks.length > 0) {
      const c = this.chunks[0] as Uint8Array;
      const take = Math.min(c.length, dst.length - n);
      dst.set(c.subarray(0, take), n);
      n += take;
      if (take === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(take);
    }
    this.size -= n;
    return n;
  }

  /** Bytes taken from `src` (what fits): -EPIPE with no reader left, -EAGAIN when full. */
  write(src: Uint8Array): number {
    if (this.readers === 0) return -WASI_ERRNO.EPIPE;
    const n = Math.min(src.length, PIPE_CAPACITY - this.size);
    if (n === 0) return src.length === 0 ? 0 : -WASI_ERRNO.EAGAIN;
    this.chunks.push(src.slice(0, n));
    this.size += n;
    return n;
  }
}

/** A stream descriptor's object: one end of a pipe, or a character device. */
export type Stream =
  | { kind: "pipe"; pipe: Pipe; end: "read" | "write" }
  | { kind: "zero" | "null"; readable: boolean; writable: boolean };

/** Reads into `dst` from a stream: bytes, or -errno. */
export function streamRead(s: Stream, dst: Uint8Array): number {
  switch (s.kind) {
    case "pipe":
      return s.end === "read" ? s.pipe.read(dst) : -WASI_ERRNO.EBADF;
    case "zero":
      if (!s.readable) return -WASI_ERRNO.EBADF;
      dst.fill(0);
      return dst.length;
    case "null":
      return s.readable ? 0 : -WASI_ERRNO.EBADF;
  }
}

/** Writes `src` to a stream: bytes taken, or -errno. */
export function streamWrite(s: Stream, src: Uint8Array): number {
  if (s.kind !== "pipe") return s.writable ? src.length : -WASI_ERRNO.EBADF;
  return s.end === "write" ? s.pipe.write(src) : -WASI_ERRNO.EBADF;
}

/** What closing one descriptor of a stream does (each descriptor counts, as each dup does on Linux). */
export function streamClosed(s: Stream): void {
  if (s.kind !== "pipe") return;
  if (s.end === "read") s.pipe.readers--;
  else s.pipe.writers--;
}

/** What another descriptor of a stream (dup) does. */
export function streamShared(s: Stream): void {
  if (s.kind !== "pipe") return;
  if (s.end === "read") s.pipe.readers++;
  else s.pipe.writers++;
}
