/**
 * Runs bench/emscripten/emmap.c, built with -sSTANDALONE_WASM, under
 * anymmap's own WASI host (src/wasi/host.ts, transpiled by transpile.mjs),
 * with the file pre-opened as fd 3 because open() is EPERM in Emscripten's
 * standalone libc.
 *
 *   node wasi-runner.mjs '{"host":..., "nodeFile":..., "wasm":..., "args":[...], "file":...}'
 *
 * Prints what the program printed (one JSON line).
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const spec = JSON.parse(process.argv[2]);
const { WasiHost, WasiExit } = await import(pathToFileURL(spec.host).href);
const { NodeHostFile } = await import(pathToFileURL(spec.nodeFile).href);

const chunks = [];
const host = new WasiHost({
  args: spec.args,
  stdout: (b) => chunks.push(Buffer.from(b)),
  stderr: (b) => process.stderr.write(b),
});
const fd = host.open(NodeHostFile.open(spec.file, "r"));
if (fd !== 3) throw new Error(`expected the file to be fd 3, got ${fd}`);
const module = new WebAssembly.Module(readFileSync(spec.wasm));
const instance = new WebAssembly.Instance(module, host.imports());
host.setMemory(instance.exports.memory);
let code = 0;
try {
  instance.exports._start();
} catch (e) {
  if (!(e instanceof WasiExit)) throw e;
  code = e.code;
}
process.stdout.write(Buffer.concat(chunks));
process.exitCode = code;
