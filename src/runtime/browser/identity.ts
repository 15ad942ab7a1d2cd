/**
 * File identity for the engine's page cache. Browsers have no inode
 * numbers, so anymmap gives each file one: OPFS files by their path from
 * the OPFS root (so every handle of a file agrees), Blobs by object.
 */
import { MmapError } from "../../core/contract/errors.js";
import type { OpenFlags } from "../../core/contract/api.js";
import type { OpenMode } from "../../wasi/host-dir.js";

/** `dev` of OPFS files. Browsers. */
export const DEV_OPFS = 1n;
/** `dev` of Blobs and Files (read-only, identified by object). Browsers. */
export const DEV_BLOB = 2n;

let next = 1n;
const byPath = new Map<string, bigint>();
const byBlob = new WeakMap<object, bigint>();

/** The inode number of an OPFS path (normalized by `opfsPath`). Browsers. */
export function opfsIno(path: string): bigint {
  let ino = byPath.get(path);
  if (ino === undefined) byPath.set(path, (ino = next++));
  return ino;
}

/** The inode number of a Blob or File. Browsers. */
export function blobIno(blob: object): bigint {
  let ino = byBlob.get(blob);
  if (ino === undefined) byBlob.set(blob, (ino = next++));
  return ino;
}

/**
 * An OPFS path as its components, from the OPFS root: "/a/b", "a/b" and
 * "./a//b" are the same file; ".." goes up but never above the root.
 * Browsers.
 */
export function opfsComponents(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out;
}

/** The normalized key of an OPFS path: "/" + components. Browsers. */
export function opfsKey(path: string): string {
  return `/${opfsComponents(path).join("/")}`;
}

export type { OpenMode };

/** fs.open flags ("r", "r+", "w", "wx+", "a"...) as an OpenMode. Browsers. */
export function openMode(flags: OpenFlags | string): OpenMode {
  const plus = flags.includes("+");
  const exclusive = flags.includes("x");
  switch (flags.replace(/[sx+]/g, "")) {
    case "r":
      return { readable: true, writable: plus, append: false, create: false, exclusive: false, truncate: false };
    case "w":
      return { readable: plus, writable: true, append: false, create: true, exclusive, truncate: true };
    case "a":
      return { readable: plus, writable: true, append: true, create: true, exclusive, truncate: false };
    default:
      throw new MmapError("EINVAL", "open", `unknown open flags '${flags}'; use r, r+, w, w+, a, a+ (x allowed)`);
  }
}

/** What to tell the user when opening fails, per errno. Browsers. */
export const OPEN_HINTS: Readonly<Record<string, string>> = {
  ENOENT: "no such file in the origin private file system (OPFS); check the path",
  ENOTDIR: "a component of the path is a file, not a directory",
  EISDIR: "is a directory; open it read-only ('r') or pass a file",
  EEXIST: "file already exists; drop the 'x' flag to open it anyway",
  EBUSY:
    "another tab or worker holds this OPFS file exclusively (a sync access handle or writable stream); close it there first",
  EACCES: "the browser denied access to the origin private file system (private browsing or storage blocked?)",
  ENOSPC: "the origin's storage quota is exhausted",
  EINVAL: "invalid path: OPFS names cannot contain '/' or be '.' or '..'",
};
