/**
 * The browser's transport for remote files: a synchronous XMLHttpRequest
 * with a Range header (dedicated workers only).
 */
import { MmapError } from "../../core/contract/errors.js";
import { isUrl, type RangeResponse, type RemoteOptions, RemoteHostFile } from "../../core/remote/remote-file.js";
import { browser } from "./dom.js";

export { isUrl };

/** The XMLHttpRequest the transport uses, typed locally (no DOM lib). */
interface Xhr {
  open(method: string, url: string, async: boolean): void;
  setRequestHeader(name: string, value: string): void;
  getResponseHeader(name: string): string | null;
  send(): void;
  responseType: string;
  timeout: number;
  readonly status: number;
  readonly response: ArrayBuffer | null;
}

function xhrRange(url: string, first: number, last: number, timeoutMs: number): RangeResponse & { timedOut?: boolean } {
  const XMLHttpRequest = (browser() as unknown as { XMLHttpRequest?: new () => Xhr }).XMLHttpRequest;
  if (!XMLHttpRequest) throw new MmapError("ENOTSUP", "open", "this context has no XMLHttpRequest", { path: url });
  const xhr = new XMLHttpRequest();
  xhr.open("GET", url, false);
  xhr.responseType = "arraybuffer";
  xhr.setRequestHeader("Range", `bytes=${first}-${last}`);
  // Workers may bound a synchronous request (windows may not: there it stays unbounded).
  try {
    xhr.timeout = timeoutMs;
  } catch {
    // Not here.
  }
  const start = Date.now();
  try {
    xhr.send();
  } catch {
    return { status: 0, header: () => null, body: new Uint8Array(0), timedOut: Date.now() - start >= timeoutMs };
  }
  const body = xhr.status === 206 && xhr.response ? new Uint8Array(xhr.response) : new Uint8Array(0);
  return { status: xhr.status, header: (name) => xhr.getResponseHeader(name), body };
}

/** A URL opened for reading through synchronous XMLHttpRequests. Browsers (dedicated workers). */
export function openRemote(url: string, options?: RemoteOptions): RemoteHostFile {
  return new RemoteHostFile(url, xhrRange, options);
}
