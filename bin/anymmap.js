#!/usr/bin/env node
// Thin launcher for the bundled CLI in dist/.
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write("anymmap: not built yet; run `npm run build`\n");
  process.exit(1);
}
const { main } = await import(cli.href);
const code = await main(process.argv.slice(2));
if (typeof code === "number") process.exitCode = code;
