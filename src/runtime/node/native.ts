/**
 * Node's native backend: the N-API addon (native/addon.c), prebuilt into
 * prebuilds/<platform>-<arch>/anymmap.node by native/build.mjs.
 */
import { existsSync } from "node:fs";
import { markAsUntransferable } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { dirname } from "node:path";

import type { NativeMman } from "../../core/engines/native-mman.js";
import { probeFlags } from "../../core/engines/platform.js";

type Addon = Omit<NativeMman, "platform" | "binding" | "maxBuffer" | "faultCounter"> & { faultCounter?: ArrayBuffer };

/** Node refuses external ArrayBuffers above 4 GiB (ERR_BUFFER_TOO_LARGE). */
const MAX_EXTERNAL_BUFFER = 2 ** 32;

const target = `${process.platform}-${process.arch}`;
const addonPath = fileURLToPath(new URL(`../prebuilds/${target}/anymmap.node`, import.meta.url));
const buildScript = fileURLToPath(new URL("../native/build.mjs", import.meta.url));

let loadedAddon: Addon | undefined;

/**
 * The addon, loaded once per thread (every address space shares it) with
 * process.dlopen, what require() of a .node file does: a bundler (webpack)
 * rewrites require() calls into its own, which cannot load a file, not this.
 */
function loadAddon(): Addon {
  if (loadedAddon === undefined) {
    const loaded = { exports: {} as Addon };
    process.dlopen(loaded, addonPath);
    loadedAddon = loaded.exports;
  }
  return loadedAddon;
}

/** Loads the addon; throws an Error that says why it cannot be used. Node. */
export function nodeNative(): NativeMman {
  if (!existsSync(addonPath) && !existsSync(buildScript)) {
    // Neither prebuilds/ nor native/ beside this module: anymmap was bundled into an app (esbuild, bun build...).
    throw new Error(
      `no ${addonPath}: this copy of anymmap was bundled away from its package; mark "anymmap" external in the bundler, or copy the package's prebuilds/ folder to ${dirname(dirname(addonPath))}`,
    );
  }
  if (!existsSync(addonPath)) {
    throw new Error(
      `no prebuilt native binary for ${target} (${addonPath}); build one with "node ${buildScript}" (needs a C compiler and Node's headers)`,
    );
  }
  let addon: Addon;
  try {
    addon = loadAddon();
  } catch (e) {
    throw new Error(`the N-API addon did not load: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!addon.faultCounter) throw new Error("the N-API addon could not install its SIGBUS guard");
  const faultCounter = new Uint32Array(addon.faultCounter);
  // V8 sandbox builds (Electron) refuse external ArrayBuffers: find out now, not at the first mapping.
  const page = 4096;
  const probe0 = probeFlags(process.platform);
  const at = addon.mmap(0, page, probe0.prot, probe0.flags, -1, 0n);
  if (at < 0) throw new Error(`the N-API addon cannot map memory (errno ${-at})`);
  const reservation = addon.reserve(at, page);
  const probe = addon.buffer(reservation, at, page) as ArrayBuffer | undefined;
  const made = probe?.byteLength === page;
  // Not detached: a detach anywhere in the process slows every typed-array access down (V8's protector).
  if (addon.release(reservation, probe ? [probe] : []) < 0) throw new Error("the N-API addon cannot release a mapping");
  if (!made) throw new Error("this Node forbids external ArrayBuffers (a V8 sandbox build, such as Electron's)");
  return {
    ...addon,
    faultCounter,
    // Posting a mapped buffer to a worker copies it: a transfer would leave the worker a pointer that munmap frees.
    buffer(reservation, address, length) {
      const buffer = addon.buffer(reservation, address, length) as ArrayBuffer | undefined;
      if (buffer === undefined)
        throw new Error(`napi_create_external_arraybuffer refused ${length} bytes at 0x${address.toString(16)}`);
      markAsUntransferable(buffer);
      return buffer;
    },
    platform: process.platform,
    binding: "N-API addon",
    maxBuffer: MAX_EXTERNAL_BUFFER,
  };
}
