/** Summary statistics of timing samples (nanoseconds). */

export function median(xs) {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function summarize(samples) {
  if (!samples || samples.length === 0) return null;
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), n: samples.length };
}

/** "1.23 ms", "45.6 µs", "2.01 s" from nanoseconds. */
export function fmtTime(ns) {
  if (ns === null || ns === undefined || !Number.isFinite(ns)) return "—";
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(ns >= 1e10 ? 1 : 2)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(ns >= 1e8 ? 0 : ns >= 1e7 ? 1 : 2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(ns >= 1e5 ? 0 : ns >= 1e4 ? 1 : 2)} µs`;
  return `${Math.round(ns)} ns`;
}

/** Times in one unit, for "min–max". */
export function fmtRange(lo, hi) {
  return `${fmtTime(lo)}–${fmtTime(hi)}`;
}

export function fmtRatio(r) {
  if (r === null || r === undefined || !Number.isFinite(r)) return "—";
  if (r >= 100) return `${r.toFixed(0)}×`;
  if (r >= 10) return `${r.toFixed(1)}×`;
  if (r >= 0.01) return `${r.toFixed(2)}×`;
  return `${r.toPrecision(2)}×`;
}

export function fmtBytes(b) {
  if (b === null || b === undefined || !Number.isFinite(b)) return "—";
  const MiB = 1024 * 1024;
  if (Math.abs(b) >= 1024 * MiB) return `${(b / (1024 * MiB)).toFixed(2)} GiB`;
  if (Math.abs(b) >= MiB) return `${(b / MiB).toFixed(1)} MiB`;
  if (Math.abs(b) >= 1024) return `${(b / 1024).toFixed(1)} KiB`;
  return `${b} B`;
}
