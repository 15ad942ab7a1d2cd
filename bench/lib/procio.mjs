/**
 * Bytes written to storage, two ways:
 *  - /proc/self/io write_bytes: what this process is charged for. Linux
 *    charges it when a page-cache folio becomes dirty, for the whole folio,
 *    so a 4 KiB pwrite into a 2 MiB folio counts 2 MiB even when writeback
 *    then writes only the dirty 4 KiB block.
 *  - the block device's sectors written (/proc/diskstats): what reached the
 *    disk, from every process on the machine (so it can include others').
 */
import { readFileSync, readlinkSync, statSync } from "node:fs";
import { basename } from "node:path";

export function writeBytes() {
  try {
    const m = /^write_bytes:\s*(\d+)/m.exec(readFileSync("/proc/self/io", "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** The block device (name in /proc/diskstats) that holds `path`, or null (tmpfs, overlay...). */
export function deviceOf(path) {
  try {
    const dev = statSync(path).dev;
    const major = Math.floor(dev / 256) & 0xfff;
    const minor = (dev & 0xff) | ((Math.floor(dev / 4096) & 0xfff00) >>> 0);
    const name = basename(readlinkSync(`/sys/dev/block/${major}:${minor}`));
    return sectorsWritten(name) === null ? null : name;
  } catch {
    return null;
  }
}

/** Bytes written to `device` since boot (sectors are 512 bytes in /proc/diskstats). */
export function deviceWrittenBytes(device) {
  const s = device ? sectorsWritten(device) : null;
  return s === null ? null : s * 512;
}

function sectorsWritten(device) {
  try {
    for (const line of readFileSync("/proc/diskstats", "utf8").split("\n")) {
      const f = line.trim().split(/\s+/);
      if (f[2] === device) return Number(f[9]);
    }
  } catch {
    // not Linux
  }
  return null;
}

export function ioSnapshot(device) {
  return { writeBytes: writeBytes(), deviceBytes: deviceWrittenBytes(device) };
}

export function ioDelta(a, b) {
  const d = (x, y) => (x === null || y === null ? null : y - x);
  return { writeBytes: d(a.writeBytes, b.writeBytes), deviceBytes: d(a.deviceBytes, b.deviceBytes) };
}

/** This process's resident set now (VmRSS) and at its peak (VmHWM), in bytes; null where /proc is missing. */
export function rss() {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const kb = (key) => {
      const m = new RegExp(`^${key}:\\s*(\\d+) kB`, "m").exec(status);
      return m ? Number(m[1]) * 1024 : null;
    };
    return { now: kb("VmRSS"), peak: kb("VmHWM") };
  } catch {
    return { now: null, peak: null };
  }
}
