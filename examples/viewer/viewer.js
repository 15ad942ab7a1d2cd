/**
 * The viewer page: a hex + text view of any file size. The page never holds
 * the file: it asks the worker (worker.js, a windowed anymmap mapping) for
 * the rows on screen, keeps a few blocks around them, and shows how many
 * bytes the mapping keeps resident.
 */
const $ = (id) => document.getElementById(id);
const ROW = 16;
const BLOCK = 64 * 1024;
const MAX_BLOCKS = 64;
const MAX_SPACER = 10_000_000; // px: browsers cap element heights, so the scrollbar is proportional

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const ready = new Promise((ok) => worker.addEventListener("message", (e) => e.data?.ready && ok(), { once: false }));
let nextId = 1;
const pending = new Map();
worker.addEventListener("message", (e) => {
  const { id, result, error, progress } = e.data;
  const p = pending.get(id);
  if (!p) return;
  if (progress) return p.onProgress?.(progress);
  pending.delete(id);
  if (error) p.fail(Object.assign(new Error(error.message), { code: error.code }));
  else p.ok(result);
});
async function call(type, args = {}, onProgress, transfer = []) {
  await ready;
  const id = nextId++;
  return new Promise((ok, fail) => {
    pending.set(id, { ok, fail, onProgress });
    worker.postMessage({ ...args, type, id }, transfer);
  });
}
const cancelFlag = globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
if (cancelFlag) void call("cancelBuffer", { buffer: cancelFlag.buffer });

/** The viewer's state, also read by the tests. */
const state = {
  size: 0,
  name: "",
  top: 0,
  selected: -1,
  selLength: 0,
  stats: undefined,
  generation: 0,
  pendingReads: 0,
};
globalThis.viewer = state;
const blocks = new Map(); // block index -> Uint8Array, least recently used first
const loading = new Set();

function rowsVisible() {
  return Math.max(1, Math.floor($("viewport").clientHeight / 18));
}
function totalRows() {
  return Math.ceil(state.size / ROW);
}
function maxTop() {
  return Math.max(0, totalRows() - rowsVisible());
}

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let u = -1;
  do {
    n /= 1024;
    u++;
  } while (n >= 1024 && u < units.length - 1);
  return `${n.toFixed(n < 10 ? 2 : 1)} ${units[u]}`;
}

function showStats(stats) {
  if (!stats) return;
  state.stats = stats;
  $("resident").textContent =
    `resident: ${formatBytes(stats.residentBytes)} (windows ${formatBytes(stats.windowBytes)}, budget ${formatBytes(stats.budget)})`;
  $("resident").dataset.bytes = String(stats.residentBytes);
}

/** A byte of the file if its block is here, else undefined (and the block is asked for). */
function byteAt(offset) {
  const b = Math.floor(offset / BLOCK);
  const block = blocks.get(b);
  if (!block) {
    load(b);
    return undefined;
  }
  return block[offset - b * BLOCK];
}

function load(b) {
  if (loading.has(b) || blocks.has(b)) return;
  loading.add(b);
  state.pendingReads++;
  const generation = state.generation;
  call("read", { offset: b * BLOCK, length: BLOCK })
    .then((r) => {
      if (generation !== state.generation) return;
      blocks.set(b, r.bytes);
      while (blocks.size > MAX_BLOCKS) blocks.delete(blocks.keys().next().value);
      showStats(r.stats);
      schedule();
    })
    .catch((e) => {
      // A read for a file that was replaced meanwhile is not this file's failure.
      if (generation === state.generation) status(`read failed: ${e.message}`);
    })
    .finally(() => {
      loading.delete(b);
      state.pendingReads--;
    });
}

const hex = (n, width) => n.toString(16).padStart(width, "0");
const esc = (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === "&" ? "&amp;" : c);

let frame = 0;
function schedule() {
  if (!frame) frame = requestAnimationFrame(render);
}

function render() {
  frame = 0;
  if (!state.size) return;
  const rows = rowsVisible();
  const width = Math.max(8, hex(Math.max(0, state.size - 1), 1).length);
  const lines = [];
  let complete = true;
  for (let r = 0; r < rows; r++) {
    const row = state.top + r;
    const start = row * ROW;
    if (start >= state.size) break;
    let h = "";
    let t = "";
    for (let i = 0; i < ROW; i++) {
      const at = start + i;
      if (i === 8) h += " ";
      if (at >= state.size) {
        h += "   ";
        continue;
      }
      const v = byteAt(at);
      if (v === undefined) complete = false;
      const sel = state.selected >= 0 && at >= state.selected && at < state.selected + Math.max(1, state.selLength);
      const hx = v === undefined ? "··" : hex(v, 2);
      const ch = v === undefined ? "·" : v >= 0x20 && v < 0x7f ? esc(String.fromCharCode(v)) : ".";
      h += sel ? `<span class="sel">${hx}</span> ` : `${hx} `;
      t += sel ? `<span class="sel ch">${ch}</span>` : ch;
    }
    lines.push(`<span class="off">${hex(start, width)}</span>  ${h} |${t}|`);
  }
  $("view").innerHTML = lines.join("\n");
  $("view").dataset.top = String(state.top * ROW);
  $("view").dataset.complete = String(complete);
  // Prefetch a screen above and below, so that scrolling finds its rows here.
  const span = rows * ROW;
  for (const at of [state.top * ROW - span, (state.top + rows) * ROW + span]) {
    if (at >= 0 && at < state.size) byteAt(at);
  }
  syncScrollbar();
}

let ignoreScroll = false;
function syncScrollbar() {
  const bar = $("scrollbar");
  const range = bar.scrollHeight - bar.clientHeight;
  const want = maxTop() === 0 ? 0 : Math.round((state.top / maxTop()) * range);
  if (Math.abs(bar.scrollTop - want) > 1) {
    ignoreScroll = true;
    bar.scrollTop = want;
  }
}

function setTop(row) {
  state.top = Math.max(0, Math.min(maxTop(), Math.round(row)));
  // Until the next frame draws these rows, what is on screen is not them.
  $("view").dataset.complete = "false";
  schedule();
}

function status(text) {
  $("status").textContent = text;
}

async function open(source) {
  state.generation++;
  blocks.clear();
  status(`opening ${source.file?.name ?? source.url}…`);
  try {
    const r = await call("open", source);
    Object.assign(state, { size: r.size, name: r.name, top: 0, selected: -1, selLength: 0 });
    $("view").dataset.complete = "false";
    $("spacer").style.height = `${Math.min(MAX_SPACER, totalRows() * 18)}px`;
    $("empty").style.display = "none";
    status(`${r.name}: ${r.size.toLocaleString("en")} bytes (${formatBytes(r.size)})`);
    showStats(r.stats);
    schedule();
  } catch (e) {
    status(`cannot open: ${e.message}`);
  }
}

/** 123, 0x7b, 4k, 7.5g: a byte offset, or NaN. */
function parseOffset(text) {
  const m = /^\s*(0x[0-9a-f]+|\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(text);
  if (!m) return NaN;
  const scale = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase()];
  return Math.floor(Number(m[1]) * scale);
}

function jump(offset, length = 1) {
  if (!(offset >= 0 && offset < state.size)) {
    status(`offset out of range (0 – ${state.size - 1})`);
    return;
  }
  state.selected = offset;
  state.selLength = length;
  $("cursor").textContent = `at 0x${offset.toString(16)} (${offset})`;
  $("cursor").dataset.offset = String(offset);
  setTop(Math.floor(offset / ROW) - Math.floor(rowsVisible() / 3));
}

function pattern() {
  const text = $("search").value;
  if ($("mode").value === "text") return new TextEncoder().encode(text);
  const digits = text.replace(/\s+/g, "");
  if (!/^([0-9a-f]{2})+$/i.test(digits)) throw new Error("hex bytes are pairs of hex digits: 4d 5a 90");
  return Uint8Array.from(digits.match(/../g), (x) => parseInt(x, 16));
}

async function find(backwards) {
  let p;
  try {
    p = pattern();
  } catch (e) {
    status(e.message);
    return;
  }
  if (p.length === 0 || !state.size) return;
  const from =
    state.selected >= 0 ? (backwards ? state.selected + p.length - 1 : state.selected + 1) : backwards ? state.size : 0;
  $("cancel").disabled = false;
  $("progress").textContent = "searching…";
  $("progress").dataset.state = "searching";
  try {
    const r = await call("find", { pattern: p, start: from, backwards }, ({ done, total }) => {
      $("progress").textContent = `searching… ${Math.floor((done / total) * 100)}% (${formatBytes(done)})`;
    });
    showStats(r.stats);
    $("progress").textContent = r.cancelled
      ? "search cancelled"
      : r.at < 0
        ? "not found"
        : `found at 0x${r.at.toString(16)} (${r.at})`;
    $("progress").dataset.state = r.cancelled ? "cancelled" : r.at < 0 ? "not-found" : "found";
    $("progress").dataset.at = String(r.at);
    if (r.at >= 0) jump(r.at, p.length);
  } catch (e) {
    $("progress").textContent = `search failed: ${e.message}`;
    $("progress").dataset.state = "failed";
  } finally {
    $("cancel").disabled = true;
  }
}

$("file").addEventListener("change", () => {
  const file = $("file").files[0];
  if (file) void open({ file });
});
$("open-url").addEventListener("click", () => {
  const url = $("url").value.trim();
  if (url) void open({ url: new URL(url, location.href).href });
});
$("go").addEventListener("click", () => jump(parseOffset($("jump").value)));
$("jump").addEventListener("keydown", (e) => e.key === "Enter" && jump(parseOffset($("jump").value)));
$("find-next").addEventListener("click", () => void find(false));
$("find-prev").addEventListener("click", () => void find(true));
$("search").addEventListener("keydown", (e) => e.key === "Enter" && void find(e.shiftKey));
$("cancel").addEventListener("click", () => cancelFlag && Atomics.store(cancelFlag, 0, 1));

// Smooth scrolling: wheel deltas accumulate in pixels and move by rows.
let wheelRest = 0;
$("viewport").addEventListener(
  "wheel",
  (e) => {
    e.preventDefault();
    const px = e.deltaMode === 1 ? e.deltaY * 18 : e.deltaMode === 2 ? e.deltaY * $("viewport").clientHeight : e.deltaY;
    wheelRest += px;
    const rows = Math.trunc(wheelRest / 18);
    wheelRest -= rows * 18;
    if (rows) setTop(state.top + rows);
  },
  { passive: false },
);
$("scrollbar").addEventListener("scroll", () => {
  if (ignoreScroll) {
    ignoreScroll = false;
    return;
  }
  const bar = $("scrollbar");
  const range = bar.scrollHeight - bar.clientHeight;
  if (range > 0) setTop((bar.scrollTop / range) * maxTop());
});
$("viewport").addEventListener("keydown", (e) => {
  const page = rowsVisible() - 1;
  const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, " ": page };
  if (e.key in moves) setTop(state.top + moves[e.key]);
  else if (e.key === "Home") setTop(0);
  else if (e.key === "End") setTop(maxTop());
  else return;
  e.preventDefault();
});
addEventListener("resize", schedule);

// Drag and drop anywhere on the page.
addEventListener("dragover", (e) => {
  e.preventDefault();
  document.body.classList.add("dragging");
});
addEventListener("dragleave", () => document.body.classList.remove("dragging"));
addEventListener("drop", (e) => {
  e.preventDefault();
  document.body.classList.remove("dragging");
  const file = e.dataTransfer?.files?.[0];
  if (file) void open({ file });
});
