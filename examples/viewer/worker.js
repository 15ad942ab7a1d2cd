/**
 * The viewer's worker: holds one windowed mapping of the open file (a File
 * or a URL) and answers the page's requests. Everything here is
 * synchronous anymmap, as a dedicated worker allows.
 */
import { init, mmapWindowedSync, info } from "/dist/browser.js";

const BUDGET = 64 * 2 ** 20;
const WINDOW = 4 * 2 ** 20;

let mapping;
/** Set to 1 by the page (SharedArrayBuffer) to cancel a running search. */
let cancel;

function stats() {
  return {
    budget: mapping?.budget ?? BUDGET,
    windowBytes: mapping?.windowBytes ?? 0,
    residentBytes: mapping?.residentBytes() ?? 0,
    engineResidentBytes: info().residentBytes,
  };
}

const handlers = {
  async open({ file, url }) {
    await init();
    mapping?.munmap();
    mapping = undefined;
    mapping = mmapWindowedSync(file ?? url, { budget: BUDGET, windowSize: WINDOW });
    return { size: mapping.length, name: file?.name ?? url, stats: stats() };
  },
  read({ offset, length }) {
    // A request can outlive the file it was for (the page opened another meanwhile): past the end is empty.
    const n = Math.max(0, Math.min(length, mapping.length - offset));
    const bytes = n === 0 ? new Uint8Array(0) : mapping.read(offset, n);
    return { offset, bytes, stats: stats() };
  },
  find({ pattern, start, backwards, id }) {
    const controller = new AbortController();
    if (cancel) Atomics.store(cancel, 0, 0);
    const onProgress = (done, total) => {
      postMessage({ id, progress: { done, total } });
      if (cancel && Atomics.load(cancel, 0) === 1) controller.abort(new Error("cancelled"));
    };
    const options = { signal: controller.signal, onProgress };
    try {
      const at = backwards
        ? mapping.rfind(pattern, 0, start, options)
        : mapping.find(pattern, start, undefined, options);
      return { at, stats: stats() };
    } catch (e) {
      if (e.code === "ECANCELED") return { at: -1, cancelled: true, stats: stats() };
      throw e;
    }
  },
  cancelBuffer({ buffer }) {
    cancel = new Int32Array(buffer);
    return {};
  },
};

self.onmessage = async (e) => {
  const { id, type } = e.data;
  try {
    const result = await handlers[type](e.data);
    postMessage({ id, result }, result.bytes ? [result.bytes.buffer] : []);
  } catch (err) {
    postMessage({ id, error: { message: err.message, code: err.code } });
  }
};
postMessage({ ready: true });
