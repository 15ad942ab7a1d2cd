/**
 * An http(s) URL as a read-only host file in a dedicated worker: each
 * engine read is one synchronous `XMLHttpRequest` with a `Range` header, so
 * a read-ahead run of neighbouring pages is one request.
 */
import { WASI_ERRNO } from "../../core/errno.js";
import { MmapError } from "../../core/errors.js";
import { FILETYPE_REGULAR_FILE, HostFile, type HostFileStat } from "../../wasi/host-file.js";
import { browser } from "./dom.js";

/** `dev` of remote files. Browsers. */
export const DEV_URL = 3n;

/** The XMLHttpRequest the remote file uses, typed locally (no DOM lib). */
interface Xhr {
  open(method: string, url: string, async: boolean): void;
  setRequestHeader(name: string, value: string): void;
  getResponseHeader(name: string): string | null;
  send(): void;
  responseType: string;
  readonly status: number;
  readonly response: ArrayBuffer | null;
}

/** Retries of a transient failure (network error, 408, 429, 5xx), and the first delay; it doubles. */
const RETRIES = 4;
const FIRST_DELAY_MS = 100;

const inos = new Map<string, bigint>();
let nextIno = 1n;

/** True for the strings anymmap reads as remote files. Browsers. */
export function isUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

function transient(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/** Blocks the worker for `ms` where it can (Atomics.wait needs SharedArrayBuffer); elsewhere retries at once. */
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
 * open; if the file changed, reads fail with `ESTALE`. Browsers (dedicated
 * workers).
 */
export class RemoteHostFile extends HostFile {
  readonly url: string;
  readonly size: number;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly #ino: bigint;
  #closed = false;
  /** Requests made (retries included), for tests and the curious. */
  requests = 0;

  constructor(url: string) {
    super({ readable: true, writable: false, path: url });
    this.url = url;
    const xhr = this.request(0, 0, "open");
    if (xhr.status === 200) {
      throw new MmapError(
        "ENOTSUP",
        "open",
        "the server ignores HTTP Range requests (it answered 200 with the whole file, not 206); anymmap reads remote files by ranges only and will not download it whole: serve it with Range support (Accept-Ranges: bytes)",
        { path: url },
      );
    }
    const range = xhr.getResponseHeader("content-range");
    const total = range ? /\/(\d+)\s*$/.exec(range) : null;
    if ((xhr.status !== 206 && xhr.status !== 416) || !total) {
      throw new MmapError(
        xhr.status === 404 ? "ENOENT" : xhr.status === 401 || xhr.status === 403 ? "EACCES" : "EIO",
        "open",
        xhr.status === 206
          ? "the server answered 206 without a readable Content-Range: a cross-origin server must send Access-Control-Expose-Headers: Content-Range, ETag, Last-Modified"
          : `the server answered ${xhr.status} to a Range request for the first byte; anymmap needs 206 Partial Content with a Content-Range`,
        { path: url },
      );
    }
    this.size = Number(total[1]);
    this.etag = xhr.getResponseHeader("etag");
    this.lastModified = xhr.getResponseHeader("last-modified");
    let ino = inos.get(url);
    if (ino === undefined) inos.set(url, (ino = nextIno++));
    this.#ino = ino;
  }

  /** One synchronous Range request, retried with backoff while the failure looks transient. */
  private request(first: number, last: number, syscall: string): Xhr {
    const XMLHttpRequest = (browser() as unknown as { XMLHttpRequest?: new () => Xhr }).XMLHttpRequest;
    if (!XMLHttpRequest) throw new MmapError("ENOTSUP", syscall, "this context has no XMLHttpRequest", { path: this.url });
    let delay = FIRST_DELAY_MS;
    for (let attempt = 0; ; attempt++) {
      const xhr = new XMLHttpRequest();
      xhr.open("GET", this.url, false);
      xhr.responseType = "arraybuffer";
      xhr.setRequestHeader("Range", `bytes=${first}-${last}`);
      this.requests++;
      let failed = false;
      try {
        xhr.send();
      } catch {
        failed = true; // a network error: status stays 0
      }
      if (!(failed || transient(xhr.status)) || attempt === RETRIES) return xhr;
      pause(delay);
      delay *= 2;
    }
  }

  override pread(dst: Uint8Array, offset: number): number {
    if (this.#closed) return -WASI_ERRNO.EBADF;
    const n = Math.min(dst.length, this.size - offset);
    if (n <= 0) return 0;
    let xhr: Xhr;
    try {
      xhr = this.request(offset, offset + n - 1, "read");
    } catch {
      return -WASI_ERRNO.EIO;
    }
    if (xhr.status !== 206) return xhr.status === 200 ? -WASI_ERRNO.ENOTSUP : -WASI_ERRNO.EIO;
    const etag = xhr.getResponseHeader("etag");
    const modified = xhr.getResponseHeader("last-modified");
    if ((this.etag !== null && etag !== this.etag) || (this.lastModified !== null && modified !== this.lastModified)) {
      return -WASI_ERRNO.ESTALE;
    }
    const body = new Uint8Array(xhr.response ?? new ArrayBuffer(0));
    if (body.length !== n) return -WASI_ERRNO.EIO;
    dst.set(body);
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
