/**
 * The WASM engine's file table grows with the files mapped: thousands of
 * distinct files mapped at once (a file mapped writable keeps its host
 * descriptor, read-only ones up to the descriptor pool's budget, so the test
 * needs an open-file limit above the count and is skipped below it, with the
 * limit named). Needs `npm run build`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

import { createInstance, type Mapping } from "../dist/node.js";

// Past the 4,096 records the table used to stop at.
const FILES = 4200;
const limit = /^Max open files\s+(\d+)/m.exec(
  fs.existsSync("/proc/self/limits") ? fs.readFileSync("/proc/self/limits", "utf8") : "",
);
const openFiles = limit ? Number(limit[1]) : 0;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "anymmap-files-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("WASM file table", () => {
  it.skipIf(openFiles < FILES + 200)(
    `${FILES} distinct files mapped at once (needs an open-file limit above ${FILES + 200}; this process has ${openFiles || "unknown"})`,
    () => {
      const space = createInstance();
      const maps: Mapping[] = [];
      try {
        for (let i = 0; i < FILES; i++) {
          const file = path.join(tmp, `f${i}`);
          fs.writeFileSync(file, `file ${i}`);
          // Private mappings need a file record as shared ones do, and cost less to place.
          const last = i === FILES - 1;
          maps.push(
            space.mmapSync(file, { backend: "wasm", prot: last ? "rw" : "r", flags: last ? "shared" : "private" }),
          );
        }
        for (let i = 0; i < FILES; i += 97) expect(new TextDecoder().decode(maps[i]!.read())).toBe(`file ${i}`);
        maps[FILES - 1]!.write("FILE");
        // Records freed all over the table are found again by identity and by
        // descriptor: every mapping made into them shows its own file, and
        // each survivor still shows its own.
        for (let i = 0; i < FILES; i += 3) maps[i]!.munmap();
        for (let i = 0; i < FILES; i += 3) {
          const file = path.join(tmp, `g${i}`);
          fs.writeFileSync(file, `again ${i}`);
          maps[i] = space.mmapSync(file, { backend: "wasm", prot: "rw", flags: "shared" });
        }
        for (let i = 0; i < FILES; i++) {
          const want = i % 3 === 0 ? `again ${i}` : i === FILES - 1 ? `FILE ${i}` : `file ${i}`;
          expect(new TextDecoder().decode(maps[i]!.read())).toBe(want);
        }
        for (let i = 0; i < FILES; i += 3) maps[i]!.write("AGAIN");
      } finally {
        for (const m of maps) m.munmap();
      }
      expect(fs.readFileSync(path.join(tmp, `f${FILES - 1}`), "utf8")).toBe(`FILE ${FILES - 1}`);
      for (let i = 0; i < FILES; i += 3) expect(fs.readFileSync(path.join(tmp, `g${i}`), "utf8")).toBe(`AGAIN ${i}`);
      expect(space.info().mappings).toBe(0);
    },
  );
});
