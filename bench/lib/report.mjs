/** Tables: plain text for stdout, Markdown for results/latest.md. */
import { fmtBytes, fmtRange, fmtRatio, fmtTime } from "./stats.mjs";

function cells(sc, row) {
  const name = row.label;
  if (row.status !== "ok" && row.status !== "wrong") {
    return { name, note: `${row.status === "n/a" ? "n/a" : row.status}: ${row.reason}` };
  }
  const c = {
    name,
    median: fmtTime(row.stats.median),
    range: fmtRange(row.stats.min, row.stats.max),
    ratioC: fmtRatio(row.ratioC),
    ratioBest: fmtRatio(row.ratioBest),
    target: row.target ? `${row.target.status}${row.target.detail ? ` (${row.target.detail})` : ""}` : "",
    peakRss: fmtBytes(row.peakRssBytes),
    rssGrowth:
      row.rssStartBytes === null || row.rssStartBytes === undefined
        ? "—"
        : fmtBytes(row.peakRssBytes - row.rssStartBytes),
  };
  if (sc.io) {
    c.disk = fmtBytes(row.io?.disk);
    c.writeBytes = fmtBytes(row.io?.writeBytes);
    c.diskPerDirty =
      row.io?.disk === null || row.io?.disk === undefined ? "—" : `${(row.io.disk / sc.dirtyBytes).toFixed(2)}×`;
  }
  if (row.status === "wrong") c.target = `WRONG BYTES (${row.reason})`;
  return c;
}

function columns(sc) {
  const cols = [
    ["name", "contender"],
    ["median", "median"],
    ["range", "min–max"],
    ["ratioC", "× C mmap"],
    ["ratioBest", "× best other"],
  ];
  if (sc.io) cols.push(["disk", "disk written"], ["diskPerDirty", "÷ dirty"], ["writeBytes", "write_bytes"]);
  cols.push(["peakRss", "peak RSS"], ["rssGrowth", "RSS growth"]);
  cols.push(["target", `target: ${sc.targetText}`]);
  return cols;
}

function ioNote(sc) {
  return (
    `dirty bytes: ${sc.dirtyBytes} (${fmtBytes(sc.dirtyBytes)}); "disk written": the block device's sectors written during the run ` +
    `(${sc.device ?? "no block device found: write_bytes is used"}); "write_bytes": /proc/self/io of the process, which Linux ` +
    `charges per page-cache folio when the folio is dirtied`
  );
}

const RSS_NOTE =
  '"peak RSS": the process\'s peak resident set (VmHWM; C: ru_maxrss), runtime included; ' +
  '"RSS growth": that peak minus the resident set once the job was set up (runtime, module and engine loaded, nothing mapped)';

function header(sc) {
  const lines = [`Scenario ${sc.n} — ${sc.title}`, `timed: ${sc.timed}`, RSS_NOTE];
  if (sc.io) lines.push(ioNote(sc));
  return lines;
}

function phases(row) {
  if (!row.parts) return null;
  const p = Object.entries(row.parts)
    .map(([k, v]) => `${k} ${fmtTime(v)}`)
    .join(" · ");
  return `${row.label} phases (median): ${p}`;
}

export function textTable(sc, rows) {
  const cols = columns(sc);
  const data = rows.map((r) => cells(sc, r));
  const width = cols.map(([k, h]) =>
    Math.max(h.length, ...data.filter((d) => !d.note || k === "name").map((d) => String(d[k] ?? "").length)),
  );
  const line = (vals) =>
    vals
      .map((v, i) => String(v).padEnd(width[i]))
      .join("  ")
      .trimEnd();
  const out = [...header(sc), "", line(cols.map(([, h]) => h)), line(width.map((w) => "-".repeat(w)))];
  for (const d of data)
    out.push(d.note ? `${d.name.padEnd(width[0])}  ${d.note}` : line(cols.map(([k]) => d[k] ?? "")));
  const notes = rows.map(phases).filter(Boolean);
  if (notes.length) out.push("", ...notes);
  return out.join("\n");
}

export function markdownTable(sc, rows) {
  const cols = columns(sc);
  const esc = (s) => String(s ?? "").replaceAll("|", "\\|");
  const out = [`#### ${sc.n}. ${sc.title}`, "", `Timed: ${sc.timed}.`, "", `${RSS_NOTE}.`];
  if (sc.io) out.push("", `${ioNote(sc)}.`);
  out.push("", `| ${cols.map(([, h]) => esc(h)).join(" | ")} |`, `| ${cols.map(() => "---").join(" | ")} |`);
  for (const r of rows) {
    const d = cells(sc, r);
    if (d.note) out.push(`| ${esc(d.name)} | ${esc(d.note)} |${" |".repeat(cols.length - 2)}`);
    else
      out.push(
        `| ${cols.map(([k]) => esc(k === "target" && /^(met|MISSED)/.test(d[k]) ? `**${d[k].split(" ")[0]}** ${d[k].split(" ").slice(1).join(" ")}` : d[k])).join(" | ")} |`,
      );
  }
  const notes = rows.map(phases).filter(Boolean);
  if (notes.length) out.push("", ...notes.map((n) => `- ${n}`));
  return out.join("\n");
}
