/**
 * `anymmap run` for Bun: `bun dist/run-bun.js [--dir HOST[:GUEST]]...
 * PROGRAM.wasm [ARGS...]`.
 */
import process from "node:process";

import { runCommandOnThisThread } from "../node-fs/run-command.js";
import { bunNative } from "./native.js";

process.exit(runCommandOnThisThread(process.argv.slice(2), { env: process.env, native: bunNative }));
