/**
 * Remote files for Node, Deno and Bun: `fetch` runs in a helper thread
 * (node:worker_threads) while the calling thread blocks in `Atomics.wait`,
 * which makes each Range request synchronous, as the engine's reads are.
 */
import { Worker } from "node:worker_threads";

import { MmapError } from "../../core/contract/errors.js";
import {
  type RangeResponse,
  type RemoteOptions,
  RemoteHostFile,
  NETWORK_ERROR_HEADER,
  STATUS_HEADERS_TOO_LONG,
  STATUS_NO_NETWORK_PERMISSION,
} from "../../core/remote/remote-file.js";

/** Room after the body for the response headers, as JSON. */
const HEADER_ROOM = 8192;

/*
 * The helper: one fetch per message; control is [done, status, bodyLength,
 * headerLength]. A 200 is not read (it would be the whole file).
 */
const HELPER = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", async ({ url, first, last, timeoutMs, control, data }) => {
  const c = new Int32Array(control);
  const out = new Uint8Array(data);
  try {
    // The caller stops waiting after timeoutMs: stop the request then too.
    const r = await fetch(url, { headers: { Range: "bytes=" + first + "-" + last }, signal: AbortSignal.timeout(timeoutMs) });
    const headers = {};
    for (const name of ["content-range", "etag", "last-modified"]) headers[name] = r.headers.get(name);
    let n = 0;
    if (r.status === 206 && r.body) {
      // Read at most one byte more than the range asked for: a longer body is wrong (EIO), however long it goes on.
      const room = out.length - ${HEADER_ROOM};
      const reader = r.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const take = Math.min(value.length, room - n);
        out.set(value.subarray(0, take), n);
        n += take;
        if (n === room) {
          await reader.cancel();
          break;
        }
      }
    } else {
      await r.body?.cancel();
    }
    const h = new TextEncoder().encode(JSON.stringify(headers));
    if (h.length > ${HEADER_ROOM}) {
      c[1] = ${STATUS_HEADERS_TOO_LONG};
    } else {
      out.set(h, out.length - ${HEADER_ROOM});
      c[1] = r.status;
      c[2] = n;
      c[3] = h.length;
    }
  } catch (e) {
    // Deno without --allow-net: fetch throws NotCapable (PermissionDenied before Deno 2).
    c[1] = e && (e.name === "NotCapable" || e.name === "PermissionDenied") ? ${STATUS_NO_NETWORK_PERMISSION} : 0;
    // What went wrong, for the message: fetch's TypeError says "fetch failed", its cause says why.
    const why = String((e && e.cause && (e.cause.code || e.cause.message)) || (e && e.message) || e).slice(0, 200);
    const h = new TextEncoder().encode(JSON.stringify({ "${NETWORK_ERROR_HEADER}": why }));
    out.set(h, out.length - ${HEADER_ROOM});
    c[3] = h.length;
  }
  Atomics.store(c, 0, 1);
  Atomics.notify(c, 0);
});
`;

let helper: Worker | undefined;

function thread(): Worker {
  if (!helper) {
    helper = new Worker(HELPER, { eval: true });
    // The helper never keeps the process alive: it only works while a caller waits for it.
    helper.unref();
    helper.on("error", () => {
      helper = undefined;
    });
  }
  return helper;
}

function fetchRange(
  url: string,
  first: number,
  last: number,
  timeoutMs: number,
): RangeResponse & { timedOut?: boolean } {
  const control = new Int32Array(new SharedArrayBuffer(16));
  // One byte of room past the range, to see a body that is too long.
  const data = new SharedArrayBuffer(last - first + 2 + HEADER_ROOM);
  thread().postMessage({ url, first, last, timeoutMs, control: control.buffer, data });
  if (Atomics.wait(control, 0, 0, timeoutMs) === "timed-out") {
    return { status: 0, header: () => null, body: new Uint8Array(0), timedOut: true };
  }
  const bytes = new Uint8Array(data);
  const headerStart = bytes.length - HEADER_ROOM;
  const headers = JSON.parse(
    new TextDecoder().decode(bytes.slice(headerStart, headerStart + control[3]!)) || "{}",
  ) as Record<string, string | null>;
  return {
    status: control[1]!,
    header: (name) => headers[name.toLowerCase()] ?? null,
    body: bytes.subarray(0, control[2]!),
  };
}

/** A URL opened for reading with synchronous Range requests. Node, Deno, Bun. */
export function openRemote(url: string, writable: boolean, options?: RemoteOptions): RemoteHostFile {
  if (writable)
    throw new MmapError("EACCES", "open", "a URL is read-only: open it 'r' and map it 'r' or 'private'", { path: url });
  return new RemoteHostFile(url, fetchRange, options);
}
