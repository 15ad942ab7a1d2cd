/**
 * `anymmap run` for Bun: `bun dist/run-bun.js [--dir HOST[:GUEST]]...
 * PROGRAM.wasm [ARGS...]`.
 */
import process from "node:process";

import { runCommand } from "../node-fs/run-command.js";
import { bunNative } from "./native.js";

process.exit(runCommand(process.argv.slice(2), { env: process.env, native: bunNative }));
