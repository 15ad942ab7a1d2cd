/**
 * Stand-ins for the node:fs, node:os and node:path imports of
 * ./portable.ts when it is bundled for Chromium: the browser harness takes
 * only its runner and `expect`, and brings its own OPFS fixtures, so these
 * only need to let the module load. Anything that would really touch a file
 * throws.
 */
const unavailable = (name: string) => (): never => {
  throw new Error(`${name} is not available in the browser harness; use fx (OPFS)`);
};

export const mkdtempSync = (prefix: string): string => `${prefix}browser`;
export const rmSync = (): void => undefined;
export const tmpdir = (): string => "/tmp";
export const join = (...parts: string[]): string => parts.join("/");
export const readFileSync = unavailable("readFileSync");
export const statSync = unavailable("statSync");
export const truncateSync = unavailable("truncateSync");
export const writeFileSync = unavailable("writeFileSync");
export const closeSync = unavailable("closeSync");
export const openSync = unavailable("openSync");
export const readSync = unavailable("readSync");
export const writeSync = unavailable("writeSync");
