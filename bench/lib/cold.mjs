/**
 * Scenario 2's process: one contender maps (or reads) the 1 GiB file, scans
 * it, prints the checksum and exits. The parent times the whole process.
 *
 *   node cold.mjs MODULE VARIANT '<ctx JSON>'
 */
import { pathToFileURL } from "node:url";

const [modulePath, variant, ctxJson] = process.argv.slice(2);
const mod = await import(pathToFileURL(modulePath).href);
const checksum = await mod.cold(variant, JSON.parse(ctxJson));
process.stdout.write(`${checksum}\n`);
