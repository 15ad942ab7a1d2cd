/**
 * `anymmap run` for Deno: `deno run --allow-read --allow-write [--allow-env]
 * dist/run-deno.js [--dir HOST[:GUEST]]... PROGRAM.wasm [ARGS...]`. Without
 * --allow-env the program gets an empty environment; with --allow-ffi its
 * locks are seen by other processes (HostLocks), and SIGINT or SIGTERM
 * writes its MAP_SHARED pages back before the process dies of it.
 */
import { runCommandOnThisThread } from "../node-fs/run-command.js";
import { DENO_ERRORS } from "./deno-file.js";
import { denoNative } from "./native.js";

/** The parts of Deno's global namespace this runner uses. */
interface DenoNamespace {
  readonly args: string[];
  readonly env: { toObject(): Record<string, string> };
  readonly permissions: { querySync(d: { name: "env" }): { state: string } };
  exit(code: number): never;
}
declare const Deno: DenoNamespace;

const env = Deno.permissions.querySync({ name: "env" }).state === "granted" ? Deno.env.toObject() : {};
Deno.exit(runCommandOnThisThread(Deno.args, { env, errors: DENO_ERRORS, native: denoNative }));
