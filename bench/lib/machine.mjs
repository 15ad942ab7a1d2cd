/** What the numbers were measured on. */
import { spawnSync } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import os from "node:os";

const first = (cmd, args) => {
  try {
    const r = spawnSync(cmd, args, { encoding: "utf8" });
    return r.status === 0 ? (r.stdout || r.stderr).split("\n")[0].trim() : null;
  } catch {
    return null;
  }
};

/** "gcc 12.2.0" from a --version line. */
function version(name, line) {
  if (!line) return null;
  const v = /(\d+\.\d+\.\d+)\s*(\(\))?\s*$/.exec(line)?.[1] ?? /(\d+\.\d+\.\d+)/.exec(line)?.[1];
  return v ? `${name} ${v}` : line;
}

function mountOf(path) {
  try {
    const real = realpathSync(path);
    let best = null;
    for (const line of readFileSync("/proc/mounts", "utf8").split("\n")) {
      const [dev, at, type] = line.split(" ");
      if (
        at &&
        (real === at || real.startsWith(at.endsWith("/") ? at : at + "/")) &&
        (!best || at.length >= best.at.length)
      ) {
        best = { dev, at, type };
      }
    }
    return best;
  } catch {
    return null;
  }
}

function meminfo(key) {
  try {
    const m = new RegExp(`^${key}:\\s*(\\d+) kB`, "m").exec(readFileSync("/proc/meminfo", "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function thp() {
  try {
    return /\[(\w+)\]/.exec(readFileSync("/sys/kernel/mm/transparent_hugepage/enabled", "utf8"))?.[1] ?? null;
  } catch {
    return null;
  }
}

export function machine(repo, dir, device) {
  const cpus = os.cpus();
  const commit = first("git", ["-C", repo, "rev-parse", "--short", "HEAD"]);
  const dirty = first("git", ["-C", repo, "status", "--porcelain", "--", "src", "wasm", "bench"]);
  const pkg = JSON.parse(readFileSync(`${repo}/package.json`, "utf8"));
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model?.trim() ?? "unknown",
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    gcc: version("gcc", first("gcc", ["--version"])),
    emcc: version("emcc", first("emcc", ["--version"])),
    anymmap: `${pkg.version}${commit ? ` (${commit}${dirty ? ", uncommitted changes" : ""})` : ""}`,
    filesystem: mountOf(dir),
    blockDevice: device,
    transparentHugepages: thp(),
  };
}

/** Page-cache folios of 2 MiB make native mmap fault 2 MiB at a time: worth recording next to scenario 1. */
export function fileHugePages() {
  return meminfo("FileHugePages");
}
