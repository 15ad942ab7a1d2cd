/**
 * Runs one scenario of one Node contender in a process of its own, so that
 * contenders never share a heap, a page of linear memory or a JIT:
 *
 *   node --expose-gc worker.mjs '<spec JSON>'   (or the same under Deno or Bun)
 *
 * spec: { module, variant, scenario, ctx, runs, warmup, warmupMs, slowNs, slowRuns, gc, expected, io, check }
 * Warm-up: at least `warmup` runs and at least `warmupMs` of them; a
 * contender whose first run takes longer than `slowNs` does `slowRuns` runs
 * and no more warm-up (a 1 GiB readFileSync in a latency scenario). Each run
 * is job.before() (untimed), job.run() (timed), job.after() and, with `gc`,
 * a forced gc() (untimed; whole-file scenarios only, because a forced GC
 * slows the next microsecond-scale calls down several times).
 * Prints one line "@@BENCH {json}": samples (ns; per operation when the run
 * reports `ops`), parts (per-phase ns, when the contender reports them),
 * extra (write bytes), peakRssBytes (the process's peak resident set),
 * rssStartBytes (its resident set once the job was set up: runtime, module
 * and engine loaded, nothing mapped), or error / wrong.
 */
import { pathToFileURL } from "node:url";
import { ioDelta, ioSnapshot, rss } from "./procio.mjs";

const spec = JSON.parse(process.argv[2]);
const out = (o) => process.stdout.write(`\n@@BENCH ${JSON.stringify(o)}\n`);
const now = () => Number(process.hrtime.bigint());
let runsDone = 0;

try {
  const mod = await import(pathToFileURL(spec.module).href);
  if (spec.check) {
    out(await mod.check(spec.variant, spec.ctx));
  } else {
    const job = await mod.job(spec.scenario, spec.variant, spec.ctx);
    const rssStart = rss().now;
    const samples = [];
    const parts = {};
    const extra = { writeBytes: [], deviceBytes: [] };
    let wrong;
    let checksum;
    let warmupRuns = 0;
    let runs = spec.runs;
    let warmupMs = spec.warmupMs;
    const start = now();
    for (let i = 0, kept = 0; kept < runs; i++) {
      const warming = i < spec.warmup || now() - start < warmupMs * 1e6;
      if (warming) warmupRuns++;
      job.before?.(i);
      const io0 = spec.io ? ioSnapshot(spec.ctx.device) : null;
      const t0 = now();
      const r = job.run(i);
      const t1 = now();
      runsDone++;
      const io = spec.io ? ioDelta(io0, ioSnapshot(spec.ctx.device)) : null;
      job.after?.(i);
      if (spec.gc) globalThis.gc ? globalThis.gc() : globalThis.Bun?.gc(true);
      if (i === 0 && spec.slowNs && t1 - t0 > spec.slowNs) {
        runs = Math.min(runs, spec.slowRuns);
        warmupMs = 0;
      }
      checksum = r.checksum;
      if (spec.expected !== null && spec.expected !== undefined && r.checksum !== spec.expected && !wrong) {
        wrong = `checksum ${r.checksum}, expected ${spec.expected}`;
      }
      if (warming) continue;
      kept++;
      samples.push(r.ops ? (t1 - t0) / r.ops : t1 - t0);
      for (const [k, v] of Object.entries(r.parts ?? {})) (parts[k] ??= []).push(v);
      if (io) {
        extra.writeBytes.push(io.writeBytes);
        extra.deviceBytes.push(io.deviceBytes);
      }
    }
    out({
      samples,
      parts,
      extra: spec.io ? extra : undefined,
      checksum,
      wrong,
      warmupRuns,
      peakRssBytes: rss().peak,
      rssStartBytes: rssStart,
    });
  }
} catch (e) {
  const msg = e instanceof Error ? e.message : String(e);
  const code = e instanceof Error && typeof e.code === "string" && !msg.startsWith(e.code) ? `${e.code}: ` : "";
  out({
    error: `${code}${msg}${runsDone ? ` (in run ${runsDone + 1}, after ${runsDone} that succeeded, warm-up included)` : ""}`,
  });
}
