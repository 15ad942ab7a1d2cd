/**
 * The viewer page (examples/viewer) in real Chromium: an 8 GiB sparse file
 * opened through the file input and by URL from the viewer's own
 * range-capable server, a jump to 7.5 GiB checked byte for byte against the
 * file, a search for a pattern near the end, memory within the budget.
 * Screenshots are kept in .tmp/viewer/.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
  ftruncateSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// @ts-expect-error: the viewer's server is plain JavaScript, like the rest of the example.
import { startViewer } from "../examples/viewer/serve.mjs";

/** The page's document, as the functions evaluated in it see it (the project has no DOM lib). */
declare const document: {
  getElementById(id: string): { dataset: Record<string, string | undefined>; textContent: string | null } | null;
};

const ROOT = resolve(import.meta.dirname, "..");
const CHROMIUM = process.env.ANYMMAP_CHROMIUM ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
const SHOTS = join(ROOT, ".tmp/viewer");
const GiB = 2 ** 30;
const SIZE = 8 * GiB;
const AT = 7.5 * GiB;
const BUDGET = 64 * 2 ** 20; // examples/viewer/worker.js
const NEEDLE = "anymmap-needle-near-the-end";
const NEEDLE_AT = SIZE - 4096 * 3 - 11;

it("Chromium is installed where CI runs", () => {
  if (process.env.CI && !available) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
});

describe.skipIf(!available)("the viewer in Chromium", () => {
  let dir: string;
  let path: string;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  let server: { origin: string; close(): Promise<void> };
  const memory: Record<string, unknown> = {};

  /** Bytes of the file, read with node:fs (not anymmap). */
  function fileBytes(offset: number, length: number): Uint8Array {
    const fd = openSync(path, "r");
    try {
      const out = new Uint8Array(length);
      readSync(fd, out, 0, length, offset);
      return out;
    } finally {
      closeSync(fd);
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "anymmap-viewer-"));
    path = join(dir, "eight-gib.bin");
    const fd = openSync(path, "w");
    ftruncateSync(fd, SIZE);
    // Distinct bytes around 7.5 GiB (printable and not), and the needle near the end.
    const around = new Uint8Array(8192);
    for (let i = 0; i < around.length; i++) around[i] = (i * 37 + 11) & 0xff;
    writeSync(fd, around, 0, around.length, AT - 4096);
    writeSync(fd, Buffer.from(NEEDLE), 0, NEEDLE.length, NEEDLE_AT);
    closeSync(fd);
    mkdirSync(SHOTS, { recursive: true });
    server = await startViewer({ port: 0, serve: path });
    profile = mkdtempSync(join(tmpdir(), "anymmap-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1100, height: 800 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e));
    await page.goto(`${server.origin}/`);
  }, 120_000);

  afterAll(async () => {
    writeFileSync(join(SHOTS, "memory.json"), `${JSON.stringify(memory, null, 2)}\n`);
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The rows on screen, parsed from the page: offset and bytes. */
  async function shownRows(): Promise<Array<{ offset: number; bytes: number[] }>> {
    await page.waitForFunction(() => document.getElementById("view")?.dataset.complete === "true");
    const text = await page.locator("#view").innerText();
    return text
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((line) => {
        const [offset, rest] = line.split(/\s{2}(.*)/s) as [string, string];
        const hex = rest.slice(0, rest.indexOf("|")).trim().split(/\s+/);
        return { offset: parseInt(offset, 16), bytes: hex.map((h) => parseInt(h, 16)) };
      });
  }

  async function expectRowsMatchFile(): Promise<number> {
    const rows = await shownRows();
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      expect(row.bytes.length).toBe(16);
      expect(row.bytes, `row at ${row.offset}`).toEqual(Array.from(fileBytes(row.offset, 16)));
    }
    return rows[0]!.offset;
  }

  async function residentBytes(): Promise<number> {
    return Number(await page.locator("#resident").getAttribute("data-bytes"));
  }

  /** What Chromium says this page uses, where it can measure (cross-origin isolated pages). */
  async function measure(label: string): Promise<void> {
    memory[label] = await page.evaluate(async () => {
      const p = performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
      if (!p.measureUserAgentSpecificMemory) return "measureUserAgentSpecificMemory is not available";
      try {
        return (await p.measureUserAgentSpecificMemory()).bytes;
      } catch (e) {
        return String(e);
      }
    });
    memory[`${label} (worker resident bytes)`] = await residentBytes();
    // Where Chromium measures, the page and its worker hold far less than the file (8 GiB).
    if (typeof memory[label] === "number") expect(memory[label]).toBeLessThan(512 * 2 ** 20);
  }

  async function jumpTo(offset: string): Promise<void> {
    await page.fill("#jump", offset);
    await page.click("#go");
  }

  it("opens the 8 GiB file through the file input, jumps to 7.5 GiB and shows the file's bytes", async () => {
    await page.setInputFiles("#file", path);
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.includes("8,589,934,592 bytes"));
    await jumpTo("7.5g");
    await page.waitForFunction((at) => document.getElementById("cursor")?.dataset.offset === String(at), AT);
    const first = await expectRowsMatchFile();
    expect(first).toBeLessThanOrEqual(AT);
    expect(first).toBeGreaterThan(AT - 4096);
    // The row at 7.5 GiB is on screen with the written bytes, highlighted.
    expect(await page.locator("#view .sel").first().innerText()).toBe(
      fileBytes(AT, 1)[0]!.toString(16).padStart(2, "0"),
    );
    await page.screenshot({ path: join(SHOTS, "file-7.5gib.png") });
    expect(await residentBytes()).toBeGreaterThan(0);
    expect(await residentBytes()).toBeLessThanOrEqual(BUDGET);
    await measure("after the jump to 7.5 GiB (File)");
  }, 120_000);

  it("scrolls with the wheel and keys, still showing the file's bytes", async () => {
    const before = Number(await page.locator("#view").getAttribute("data-top"));
    await page.mouse.move(400, 400);
    await page.mouse.wheel(0, 18 * 100);
    await page.waitForFunction((b) => Number(document.getElementById("view")?.dataset.top) === b + 100 * 16, before);
    await page.focus("#viewport");
    await page.keyboard.press("PageDown");
    await page.waitForFunction((b) => Number(document.getElementById("view")?.dataset.top) > b + 100 * 16, before);
    await expectRowsMatchFile();
  }, 60_000);

  it("finds a pattern near the end and shows it", async () => {
    await jumpTo("7.5g");
    await page.fill("#search", NEEDLE);
    await page.click("#find-next");
    await page.waitForFunction(() => document.getElementById("progress")?.dataset.state !== "searching", undefined, {
      timeout: 110_000,
    });
    expect(await page.locator("#progress").getAttribute("data-state")).toBe("found");
    expect(Number(await page.locator("#progress").getAttribute("data-at"))).toBe(NEEDLE_AT);
    await expectRowsMatchFile();
    expect((await page.locator("#view .sel.ch").allInnerTexts()).join("")).toContain("anymmap-needle");
    await page.screenshot({ path: join(SHOTS, "file-search.png") });
    // Hex search backwards finds the same bytes.
    await page.selectOption("#mode", "hex");
    await page.fill("#search", Buffer.from("needle-near").toString("hex"));
    await jumpTo(String(SIZE - 1));
    await page.click("#find-prev");
    await page.waitForFunction(() => document.getElementById("progress")?.dataset.state !== "searching", undefined, {
      timeout: 60_000,
    });
    expect(Number(await page.locator("#progress").getAttribute("data-at"))).toBe(NEEDLE_AT + "anymmap-".length);
    await page.selectOption("#mode", "text");
    expect(await residentBytes()).toBeLessThanOrEqual(BUDGET);
    await measure("after searching 0.5 GiB (File)");
  }, 120_000);

  it("cancels a long search (the worker's AbortSignal, fired through a SharedArrayBuffer flag)", async () => {
    await jumpTo("0");
    await page.fill("#search", "a pattern that is nowhere in the file");
    await page.click("#find-next");
    await page.waitForFunction(() => /\d+%/.test(document.getElementById("progress")?.textContent ?? ""));
    await page.click("#cancel");
    await page.waitForFunction(() => document.getElementById("progress")?.dataset.state !== "searching", undefined, {
      timeout: 60_000,
    });
    expect(await page.locator("#progress").getAttribute("data-state")).toBe("cancelled");
    expect(await residentBytes()).toBeLessThanOrEqual(BUDGET);
  }, 90_000);

  it("opens the same file by URL from a range-capable server and shows the same bytes at 7.5 GiB", async () => {
    await page.fill("#url", `${server.origin}/file`);
    await page.click("#open-url");
    await page.waitForFunction(() =>
      document.getElementById("status")?.textContent?.includes("/file: 8,589,934,592 bytes"),
    );
    await jumpTo("7.5g");
    await page.waitForFunction((at) => document.getElementById("cursor")?.dataset.offset === String(at), AT);
    await expectRowsMatchFile();
    await page.screenshot({ path: join(SHOTS, "url-7.5gib.png") });
    await page.fill("#search", NEEDLE);
    await page.click("#find-next");
    await page.waitForFunction(() => document.getElementById("progress")?.dataset.state !== "searching", undefined, {
      timeout: 110_000,
    });
    expect(Number(await page.locator("#progress").getAttribute("data-at"))).toBe(NEEDLE_AT);
    await page.screenshot({ path: join(SHOTS, "url-search.png") });
    expect(await residentBytes()).toBeLessThanOrEqual(BUDGET);
    await measure("after the URL search");
  }, 120_000);

  it("opens a file dropped on the page", async () => {
    // A string, so that the DOM names (DataTransfer, File, DragEvent) need no DOM types here.
    await page.evaluate(`(() => {
      const data = new DataTransfer();
      data.items.add(new File(["dropped on the viewer"], "dropped.txt"));
      dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    })()`);
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.startsWith("dropped.txt"));
    await page.waitForFunction(() => !document.getElementById("status")?.textContent?.startsWith("opening"));
    expect(await page.locator("#status").innerText()).toMatch(/^dropped.txt: 21 bytes/);
    await page.waitForFunction(() => document.getElementById("view")?.dataset.complete === "true");
    expect(await page.locator("#view").innerText()).toContain("|dropped on the v|");
  }, 60_000);

  it("says why a URL cannot be opened", async () => {
    await page.fill("#url", `${server.origin}/no-such-file`);
    await page.click("#open-url");
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.startsWith("cannot open"));
    expect(await page.locator("#status").innerText()).toMatch(/ENOENT|404/);
  }, 60_000);
});
