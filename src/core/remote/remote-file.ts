/**
 * An http(s) URL as a read-only host file, over a synchronous transport that
 * each runtime supplies (a synchronous XMLHttpRequest in browser workers, a
 * helper thread and Atomics.wait in Node, Deno and Bun). Each engine read is
 * one Range request, so a read-ahead run of neighbouring pages is one
 * request.
 */
import { WASI_ERRNO } from "../../abi/errno.js";
import { MmapError } from "../contract/errors.js";
import { FILETYPE_REGULAR_FILE, HostFile, type HostFileStat } from "../../wasi/host-file.js";

/** `dev` of remote files. All runtimes. */
export const DEV_URL = 3n;

/** What a transport answers to one Range request; `status` 0 is a network error. All runtimes. */
export interface RangeResponse {
  status: number;
  header(name: string): string | null;
  /** The body of a 206 (empty otherwise: a 200 must not be downloaded). */
  body: Uint8Array;
}

/** One synchronous `GET url` with `Range: bytes=first-last`. All runtimes. */
export type RangeTransport = (url: string, first: number, last: number) => RangeResponse;

/** Retries of a transient failure (network error, 408, 429, 5xx), and the first delay; it doubles. */
const RETRIES = 4;
const FIRST_DELAY_MS = 100;

const inos = new Map<string, bigint>();
let nextIno = 1n;

/** True for the strings anymmap reads as remote files. All runtimes. */
export function isUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

function transient(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/** Blocks for `ms` where Atomics.wait is allowed (workers, Node, Deno, Bun); elsewhere returns at once. */
function pause(ms: number): void {
  if (typeof SharedArrayBuffer !== "function") return;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  } catch {
    // Not allowed here: retry without waiting.
  }
}

/**
 * A remote file read with HTTP Range requests. Opening it asks for its first
 * byte and requires `206 Partial Content` with a `Content-Range` (a server
 * that answers 200 would send the whole file: refused, never downloaded).
 * Every read checks that `ETag`/`Last-Modified` are still those seen at
 * open; if the file changed, reads fail with `ESTALE`. All runtimes that
 * supply a transport.
 */
export class RemoteHostFile extends HostFile {
  readonly url: string;
  readonly size: number;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly #ino: bigint;
  #closed = false;
  /** Requests made (retries included). */
  requests = 0;

  constructor(
    url: string,
    private readonly transport: RangeTransport,
  ) {
    super({ readable: true, writable: false, path: url });
    this.url = url;
    const r = this.request(0, 0);
    if (r.status === 200) {
      throw new MmapError(
        "ENOTSUP",
        "open",
        "the server ignores HTTP Range requests (it answered 200 with the whole file, not 206); anymmap reads remote files by ranges only and will not download it whole: serve it with Range support (Accept-Ranges: bytes)",
        { path: url },
      );
    }
    const range = r.header("content-range");
    const total = range ? /\/(\d+)\s*$/.exec(range) : null;
    if ((r.status !== 206 && r.status !== 416) || !total) {
      throw new MmapError(
        r.status === 404 ? "ENOENT" : r.status === 401 || r.status === 403 ? "EACCES" : "EIO",
        "open",
        r.status === 206
          ? "the server answered 206 without a readable Content-Range: a cross-origin server must send Access-Control-Expose-Headers: Content-Range, ETag, Last-Modified"
          : r.status === 0
            ? "the server could not be reached (network error); check the URL and that the server allows this origin (CORS)"
            : `the server answered ${r.status} to a Range request for the first byte; anymmap needs 206 Partial Content with a Content-Range`,
        { path: url },
      );
    }
    this.size = Number(total[1]);
    this.etag = r.header("etag");
    this.lastModified = r.header("last-modified");
    let ino = inos.get(url);
    if (ino === undefined) inos.set(url, (ino = nextIno++));
    this.#ino = ino;
  }

  /** One Range request, retried with backoff while the failure looks transient. */
  private request(first: number, last: number): RangeResponse {
    let delay = FIRST_DELAY_MS;
    for (let attempt = 0; ; attempt++) {
      this.requests++;
      const r = this.transport(this.url, first, last);
      if (!transient(r.status) || attempt === RETRIES) return r;
      pause(delay);
      delay *= 2;
    }
  }

  override pread(dst: Uint8Array, offset: number): number {
    if (this.#closed) return -WASI_ERRNO.EBADF;
    const n = Math.min(dst.length, this.size - offset);
    if (n <= 0) return 0;
    const r = this.request(offset, offset + n - 1);
    if (r.status !== 206) return r.status === 200 ? -WASI_ERRNO.ENOTSUP : -WASI_ERRNO.EIO;
    if ((this.etag !== null && r.header("etag") !== this.etag) || (this.lastModified !== null && r.header("last-modified") !== this.lastModified)) {
      return -WASI_ERRNO.ESTALE;
    }
    if (r.body.length !== n) return -WASI_ERRNO.EIO;
    dst.set(r.body);
    return n;
  }

  override stat(): HostFileStat | number {
    if (this.#closed) return -WASI_ERRNO.EBADF;
    const mtime = this.lastModified ? Date.parse(this.lastModified) : NaN;
    const ns = Number.isFinite(mtime) ? BigInt(mtime) * 1_000_000n : 0n;
    return { dev: DEV_URL, ino: this.#ino, filetype: FILETYPE_REGULAR_FILE, nlink: 1n, size: BigInt(this.size), atimNs: ns, mtimNs: ns, ctimNs: ns };
  }

  override sync(): number {
    return this.#closed ? -WASI_ERRNO.EBADF : 0;
  }

  override datasync(): number {
    return this.sync();
  }

  override close(): number {
    this.#closed = true;
    return 0;
  }
}
