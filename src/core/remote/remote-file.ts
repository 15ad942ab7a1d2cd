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

/** `dev` of remote files. */
export const DEV_URL = 3n;

/** With status 0, the transport's pseudo-header holding what the network error was, when it knows. */
export const NETWORK_ERROR_HEADER = "x-anymmap-network-error";
/** A transport's answer when the response's headers did not fit what it can pass on (not an HTTP status). */
export const STATUS_HEADERS_TOO_LONG = -1;
/** A transport's answer when the runtime denied network access (Deno without --allow-net; not an HTTP status). */
export const STATUS_NO_NETWORK_PERMISSION = -2;

/**
 * What a transport answers to one Range request; `status` 0 is a network
 * error, and the negative ones above are the transport's own refusals.
 */
export interface RangeResponse {
  status: number;
  header(name: string): string | null;
  /** The body of a 206 (empty otherwise: a 200 must not be downloaded). */
  body: Uint8Array;
}

/**
 * One synchronous `GET url` with `Range: bytes=first-last`, given up after
 * `timeoutMs` (then status 0 and `timedOut`).
 */
export type RangeTransport = (
  url: string,
  first: number,
  last: number,
  timeoutMs: number,
) => RangeResponse & { timedOut?: boolean };

/** How long a remote read may take, and who may stop it. */
export interface RemoteOptions {
  /**
   * The most milliseconds one read (its Range request and every retry) may
   * take before it fails with ETIMEDOUT. Default REMOTE_TIMEOUT_MS.
   */
  timeout?: number;
  /** Once aborted, the open and every later read fail with ECANCELED, making no request. */
  signal?: AbortSignal;
}

/** The default bound of one remote read, retries included: 60 s. */
export const REMOTE_TIMEOUT_MS = 60_000;

/** Retries of a transient failure (network error, 408, 429, 5xx), and the first delay; it doubles. */
const RETRIES = 4;
const FIRST_DELAY_MS = 100;

/** `bytes first-last/total` of a Content-Range (total may be "*"). */
function parseContentRange(
  value: string | null,
): { first: number; last: number; total: number | undefined } | undefined {
  const m = value === null ? null : /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value);
  if (!m) return undefined;
  return { first: Number(m[1]), last: Number(m[2]), total: m[3] === "*" ? undefined : Number(m[3]) };
}

/** Inode numbers by URL and version: one version of a file is one file to the engine's page cache, whoever opens it. */
const inos = new Map<string, bigint>();
let nextIno = 1n;

/** True for the strings anymmap reads as remote files. */
export function isUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

function parses(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
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
  readonly #timeoutMs: number;
  readonly #signal: AbortSignal | undefined;
  #closed = false;
  /** Requests made (retries included). */
  requests = 0;

  constructor(
    url: string,
    private readonly transport: RangeTransport,
    options: RemoteOptions = {},
  ) {
    super({ readable: true, writable: false, path: url });
    this.url = url;
    this.#timeoutMs = options.timeout ?? REMOTE_TIMEOUT_MS;
    this.#signal = options.signal;
    if (!parses(url)) {
      // A syntax error is no network error: no request, no retries.
      throw new MmapError(
        "EINVAL",
        "open",
        "this is not a valid URL (scheme://host[:port]/path, with special characters percent-encoded); check it",
        { path: url },
      );
    }
    const r = this.request(0, 0);
    if (r === "canceled") {
      throw new MmapError(
        "ECANCELED",
        "open",
        "the AbortSignal given for this URL was aborted; nothing was requested",
        { path: url, cause: this.#signal?.reason },
      );
    }
    if (r === "timed out") {
      throw new MmapError(
        "ETIMEDOUT",
        "open",
        `the server did not answer within ${this.#timeoutMs} ms (retries included); pass a larger timeout, or check the server`,
        { path: url },
      );
    }
    if (r.status === STATUS_NO_NETWORK_PERMISSION) {
      throw new MmapError(
        "EACCES",
        "open",
        "the runtime denied network access; grant it (Deno: --allow-net, or --allow-net=host:port for this server)",
        { path: url },
      );
    }
    if (r.status === STATUS_HEADERS_TOO_LONG) {
      throw new MmapError(
        "EIO",
        "open",
        "the server's Content-Range, ETag and Last-Modified headers are too long (over 8 KiB together); anymmap refuses such responses: check the server",
        { path: url },
      );
    }
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
    // A 206 must be the first byte asked for (a 416 is an empty file: "bytes */0").
    const first = r.status === 206 ? parseContentRange(range) : undefined;
    if (r.status === 206 && total && (first?.first !== 0 || first.last !== 0)) {
      throw new MmapError(
        "EIO",
        "open",
        `the server answered a Range request for byte 0 with Content-Range ${JSON.stringify(range)}; anymmap needs the range it asked for`,
        { path: url },
      );
    }
    if ((r.status !== 206 && r.status !== 416) || !total) {
      throw new MmapError(
        r.status === 404 ? "ENOENT" : r.status === 401 || r.status === 403 ? "EACCES" : "EIO",
        "open",
        r.status === 206
          ? range
            ? `the server answered 206 with Content-Range ${JSON.stringify(range)}, which gives no file size; anymmap needs "bytes 0-0/SIZE"`
            : "the server answered 206 without a Content-Range header it lets anymmap read: a cross-origin server must send Access-Control-Expose-Headers: Content-Range, ETag, Last-Modified"
          : r.status === 0
            ? `the server could not be reached (${r.header(NETWORK_ERROR_HEADER) ?? "network error"}); check the URL, that the server is up, and in a browser that it allows this origin (CORS)`
            : `the server answered ${r.status} to a Range request for the first byte; anymmap needs 206 Partial Content with a Content-Range`,
        { path: url },
      );
    }
    // A 416 answers an empty file ("bytes */0"); any other length is a server that contradicts itself.
    if (r.status === 416 && total[1] !== "0") {
      throw new MmapError(
        "EIO",
        "open",
        `the server answered 416 (range not satisfiable) to a request for byte 0 of a file it says has ${total[1]} bytes; check the server`,
        { path: url },
      );
    }
    this.size = Number(total[1]);
    if (!Number.isSafeInteger(this.size)) {
      throw new MmapError(
        "EFBIG",
        "open",
        `the server says the file has ${total[1]} bytes, more than a JavaScript number holds exactly (2^53 - 1); anymmap cannot address it`,
        { path: url },
      );
    }
    this.etag = r.header("etag");
    this.lastModified = r.header("last-modified");
    // A new version at the same URL is another file: a fresh open must never be served the old one's cached pages.
    const version = JSON.stringify([url, this.size, this.etag, this.lastModified]);
    let ino = inos.get(version);
    if (ino === undefined) inos.set(version, (ino = nextIno++));
    this.#ino = ino;
  }

  /**
   * One Range request, retried with backoff while the failure looks
   * transient, all within the timeout; "canceled" once the signal aborted.
   */
  private request(first: number, last: number): RangeResponse | "timed out" | "canceled" {
    const deadline = Date.now() + this.#timeoutMs;
    let delay = FIRST_DELAY_MS;
    for (let attempt = 0; ; attempt++) {
      if (this.#signal?.aborted) return "canceled";
      const left = deadline - Date.now();
      if (left <= 0) return "timed out";
      this.requests++;
      const r = this.transport(this.url, first, last, left);
      if (!transient(r.status) || attempt === RETRIES) return r.timedOut && Date.now() >= deadline ? "timed out" : r;
      const wait = Math.min(delay, deadline - Date.now());
      if (wait > 0) pause(wait);
      delay *= 2;
    }
  }

  override pread(dst: Uint8Array, offset: number): number {
    if (this.#closed) return -WASI_ERRNO.EBADF;
    const n = Math.min(dst.length, this.size - offset);
    if (n <= 0) return 0;
    const r = this.request(offset, offset + n - 1);
    if (r === "canceled") return -WASI_ERRNO.ECANCELED;
    if (r === "timed out") return -WASI_ERRNO.ETIMEDOUT;
    if (r.status !== 206) {
      if (r.status === STATUS_NO_NETWORK_PERMISSION) return -WASI_ERRNO.EACCES;
      return r.status === 200 ? -WASI_ERRNO.ENOTSUP : -WASI_ERRNO.EIO;
    }
    if (
      (this.etag !== null && r.header("etag") !== this.etag) ||
      (this.lastModified !== null && r.header("last-modified") !== this.lastModified)
    ) {
      return -WASI_ERRNO.ESTALE;
    }
    const range = parseContentRange(r.header("content-range"));
    // A file of another size is another file (even with the same validators, or none).
    if (range?.total !== undefined && range.total !== this.size) return -WASI_ERRNO.ESTALE;
    // Bytes of another range than the one asked for would land at the wrong offset.
    if (!range || range.first !== offset || range.last !== offset + n - 1 || r.body.length !== n)
      return -WASI_ERRNO.EIO;
    dst.set(r.body);
    return n;
  }

  override stat(): HostFileStat | number {
    if (this.#closed) return -WASI_ERRNO.EBADF;
    const mtime = this.lastModified ? Date.parse(this.lastModified) : NaN;
    const ns = Number.isFinite(mtime) ? BigInt(mtime) * 1_000_000n : 0n;
    return {
      dev: DEV_URL,
      ino: this.#ino,
      filetype: FILETYPE_REGULAR_FILE,
      nlink: 1n,
      size: BigInt(this.size),
      atimNs: ns,
      mtimNs: ns,
      ctimNs: ns,
    };
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
