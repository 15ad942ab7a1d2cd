import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Runs a script with --expose-gc against the built package on one backend; returns its JSON output. */
function runOn(backend: string, body: string): Record<string, unknown> {
  const script = `
    import * as anymmap from "./dist/node.js";
    const settle = async () => { for (let i = 0; i < 4; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); } };
    ${body}
  `;
  const env = { ...process.env, ANYMMAP_BACKEND: backend };
  const r = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
    env,
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

for (const backend of ["wasm", "native"]) {
  const run = (body: string) => runOn(backend, body);
  describe(`mappings dropped without munmap (${backend})`, () => {
    it("are unmapped by garbage collection", () => {
      const out = run(`
      const space = anymmap.createInstance();
      (() => { for (let i = 0; i < 10; i++) space.mmapSync(null, { length: 3 * 4096, prot: "rw" }).write("x", 5); })();
      const before = space.info().mappings;
      await settle();
      console.log(JSON.stringify({ before, after: space.info().mappings, resident: space.info().residentBytes }));
    `);
      expect(out.before).toBe(10);
      expect(out.after).toBe(0);
      expect(out.resident).toBe(0);
    });

    it("stay mapped while a view of them is reachable, and go when it goes", () => {
      const out = run(`
      const space = anymmap.createInstance();
      let view = (() => { const m = space.mmapSync(null, { length: 8192, prot: "rw" }); m.write("kept", 0); return m.view(0, 4); })();
      await settle();
      const kept = space.info().mappings;
      const text = new TextDecoder().decode(view);
      view = undefined;
      await settle();
      console.log(JSON.stringify({ kept, text, after: space.info().mappings }));
    `);
      expect(out.kept).toBe(1);
      expect(out.text).toBe("kept");
      expect(out.after).toBe(0);
    });

    it("are unmapped once: an explicit munmap is not repeated by the finalizer, whatever reuses the pages", () => {
      const out = run(`
      const space = anymmap.createInstance();
      // The native engine never maps over memory it does not own (EEXIST), and V8 places its own
      // pages at random addresses: when it takes the freed address first, try another one.
      const fixedAt = (address) => space.mmapSync(null, { length: 4096, prot: "rw", address, flags: "private|fixed" });
      let second;
      for (let i = 0; !second && i < 8; i++) {
        const address = 0x40000000 + i * 0x10000000;
        try {
          (() => { fixedAt(address).munmap(); })();
          second = fixedAt(address);
        } catch (e) {
          if (e.code !== "EEXIST") throw e;
        }
      }
      second.write("still here", 0);
      await settle();
      console.log(JSON.stringify({ mappings: space.info().mappings, text: new TextDecoder().decode(second.read(0, 10)) }));
    `);
      expect(out.mappings).toBe(1);
      expect(out.text).toBe("still here");
    });

    it("write their dirty shared pages back when collected", () => {
      const out = run(`
      import("node:fs").then(async ({ writeFileSync, readFileSync, mkdtempSync }) => {
        const dir = mkdtempSync("/tmp/anymmap-gc-");
        writeFileSync(dir + "/f", new Uint8Array(4096));
        const space = anymmap.createInstance();
        (() => { space.mmapSync(dir + "/f", { prot: "rw", flags: "shared" }).write("collected", 0); })();
        await settle();
        console.log(JSON.stringify({ text: readFileSync(dir + "/f", "latin1").slice(0, 9) }));
      });
    `);
      expect(out.text).toBe("collected");
    });
  });
}

describe("native: an address space dropped with its mappings and views", () => {
  it("is unmapped by the addon's finalizers, exactly once", () => {
    const out = runOn(
      "native",
      `
      const { readFileSync } = await import("node:fs");
      // The kernel merges neighbouring anonymous mappings into one line: look for the line that holds the address.
      const mapped = (a) => readFileSync("/proc/self/maps", "latin1").split("\\n").some((l) => {
        const [start, end] = l.split(" ")[0].split("-").map((x) => parseInt(x, 16));
        return start <= a && a < end;
      });
      let space = anymmap.createInstance();
      let m = space.mmapSync(null, { length: 2 * 4096, prot: "rw" });
      let view = m.view(0, 8192, "write");
      view[0] = 1;
      const address = m.address;
      const before = mapped(address);
      space = m = view = undefined;
      await settle();
      const freed = !mapped(address);
      // Another mapping may now take the address; the old finalizers must leave it alone.
      const next = anymmap.createInstance().mmapSync(null, { length: 2 * 4096, prot: "rw", address, flags: "private|fixed" });
      next.write("next", 0);
      await settle();
      console.log(JSON.stringify({ before, freed, after: mapped(address), next: new TextDecoder().decode(next.read(0, 4)) }));
    `,
    );
    expect(out.before).toBe(true);
    expect(out.freed).toBe(true);
    expect(out.next).toBe("next");
    expect(out.after).toBe(true);
  });
});
