/**
 * The chart: one bar group per scenario, one bar per contender, the height
 * its median time divided by C mmap's in the same scenario (log scale), the
 * dashed line at 1× being C mmap and the red mark anymmap's target expressed
 * against C mmap. Hand-written SVG: no chart library.
 */
const PALETTE = {
  "anymmap-wasm-node": "#e8590c",
  "anymmap-wasm-node-pages": "#f59f00",
  "anymmap-wasm-node-page-window": "#ffa94d",
  "c-mmap": "#343a40",
  "c-pread": "#868e96",
  "c-pread-whole": "#adb5bd",
  "node-readfilesync": "#1971c2",
  "node-readsync": "#74c0fc",
  "mmap-io": "#2f9e44",
  "emcc-noderawfs-mmap": "#7048e8",
  "emcc-standalone-mmap": "#b197fc",
  "emcc-standalone-read": "#9775fa",
};
const FALLBACK = ["#c2255c", "#0c8599", "#5c940d", "#d9480f", "#5f3dc4"];

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (r) => (r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(1));

/** groups: [{ label, bars: [{ id, label, ratio, wrong }], target: ratio | null, note?: string }] */
export function chart({ title, subtitle, groups }) {
  const ids = [];
  for (const g of groups) for (const b of g.bars) if (!ids.includes(b.id)) ids.push(b.id);
  const labels = new Map(groups.flatMap((g) => g.bars.map((b) => [b.id, b.label])));
  const color = (id) => PALETTE[id] ?? FALLBACK[ids.indexOf(id) % FALLBACK.length];

  const values = groups
    .flatMap((g) => [...g.bars.map((b) => b.ratio), ...(g.target ? [g.target] : [])])
    .filter((v) => v > 0);
  const lo = Math.min(0.1, 10 ** Math.floor(Math.log10(Math.min(...values, 1))));
  const hi = Math.max(10, 10 ** Math.ceil(Math.log10(Math.max(...values, 1))));

  const barW = 13;
  const gap = 3;
  const groupPad = 26;
  const left = 64;
  const top = 70;
  const plotH = 330;
  const groupW = groups.map((g) =>
    Math.max(Math.max(1, g.bars.length) * (barW + gap) - gap + groupPad, g.note ? 130 : 90),
  );
  const plotW = groupW.reduce((a, b) => a + b, 0);
  const legendCols = 3;
  const legendRows = Math.ceil(ids.length / legendCols);
  const width = Math.max(left + plotW + 20, 760);
  const height = top + plotH + 60 + legendRows * 18 + 20;
  const y = (v) => top + plotH - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotH;

  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${left}" y="24" font-size="16" font-weight="bold">${esc(title)}</text>`,
    `<text x="${left}" y="44" font-size="11" fill="#495057">${esc(subtitle)}</text>`,
  );
  for (let e = Math.log10(lo); e <= Math.log10(hi) + 1e-9; e++) {
    const v = 10 ** e;
    out.push(
      `<line x1="${left}" x2="${left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${v === 1 ? "#343a40" : "#dee2e6"}" stroke-width="1"${v === 1 ? ' stroke-dasharray="5,3"' : ""}/>`,
      `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#495057">${fmt(v)}×</text>`,
    );
  }
  out.push(
    `<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" font-size="11" text-anchor="middle" fill="#495057">median ÷ C mmap (log; lower is faster)</text>`,
  );
  let x = left + groupPad / 2;
  groups.forEach((g, gi) => {
    const w = groupW[gi] - groupPad;
    const used = g.bars.length * (barW + gap) - gap;
    g.bars.forEach((b, bi) => {
      const bx = x + (w - used) / 2 + bi * (barW + gap);
      const by = y(b.ratio);
      const base = y(lo);
      const fill = b.wrong ? "none" : color(b.id);
      out.push(
        `<rect x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${barW}" height="${Math.max(1, base - by).toFixed(1)}" fill="${fill}" stroke="${color(b.id)}"${b.wrong ? ' stroke-dasharray="3,2"' : ""}><title>${esc(`${b.label}: ${fmt(b.ratio)}× C mmap${b.wrong ? " (WRONG BYTES)" : ""}`)}</title></rect>`,
        `<text transform="translate(${(bx + barW / 2 + 3).toFixed(1)} ${(by - 4).toFixed(1)}) rotate(-90)" font-size="9" fill="#212529">${esc(fmt(b.ratio))}${b.wrong ? " wrong" : ""}</text>`,
      );
    });
    if (g.target) {
      const ty = y(g.target);
      out.push(
        `<line x1="${(x - 6).toFixed(1)}" x2="${(x + w + 6).toFixed(1)}" y1="${ty.toFixed(1)}" y2="${ty.toFixed(1)}" stroke="#e03131" stroke-width="2" stroke-dasharray="6,3"><title>${esc(`anymmap target: ${fmt(g.target)}× C mmap`)}</title></line>`,
      );
    }
    out.push(
      `<text x="${(x + w / 2).toFixed(1)}" y="${top + plotH + 18}" font-size="11" text-anchor="middle">${esc(g.label)}</text>`,
    );
    if (g.note) {
      out.push(
        `<text x="${(x + w / 2).toFixed(1)}" y="${top + plotH + 31}" font-size="9" fill="#e03131" text-anchor="middle">${esc(g.note)}</text>`,
      );
    }
    x += groupW[gi];
  });
  out.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#343a40"/>`);
  const ly = top + plotH + 50;
  ids.forEach((id, i) => {
    const lx = left + (i % legendCols) * 250;
    const yy = ly + Math.floor(i / legendCols) * 18;
    out.push(
      `<rect x="${lx}" y="${yy - 9}" width="11" height="11" fill="${color(id)}"/>`,
      `<text x="${lx + 16}" y="${yy}" font-size="11">${esc(labels.get(id))}</text>`,
    );
  });
  const ty = ly + legendRows * 18;
  out.push(
    `<line x1="${left}" x2="${left + 22}" y1="${ty - 4}" y2="${ty - 4}" stroke="#e03131" stroke-width="2" stroke-dasharray="6,3"/>`,
    `<text x="${left + 28}" y="${ty}" font-size="11">anymmap WASM target, as a ratio to C mmap in this run</text>`,
    `</svg>`,
  );
  return out.join("\n") + "\n";
}
