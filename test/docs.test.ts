/**
 * Every fenced code block of README.md, CHANGELOG.md and docs/**\/*.md runs,
 * so no example can go stale: js blocks in Node (and Deno/Bun where marked),
 * ts blocks in Node through esbuild's type stripping (and Deno/Bun where
 * marked), in Chromium where marked (bundled by esbuild as a module worker
 * or a page's script), sh blocks with bash -e, C blocks through
 * `anymmap cc` and `anymmap run`. A block that must not run is marked
 * `<!-- run: skip (reason) -->` and reported as skipped with that reason.
 * The convention is in docs/README.md, the parser in test/docs-blocks.ts.
 *
 * Each example runs as a user's project would: in a fresh temp directory
 * with node_modules/anymmap linked to this repository (its built dist/:
 * `npm run build` first) and `anymmap`, `node`, `deno` and `bun` on PATH.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync, transformSync } from "esbuild";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, chromiumAvailable, launchChromium } from "./browser/chromium.js";
import { startServer } from "./browser/server.js";
import { CORE_CFLAGS, LINK_FLAGS } from "../src/runtime/node/cc.js";
import { type Block, type Example, groupExamples, parseBlocks, type Runtime } from "./docs-blocks.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const STEP_TIMEOUT_MS = 300_000;

function markdownFiles(): string[] {
  const files = ["README.md", "CHANGELOG.md"].filter((f) => fs.existsSync(path.join(root, f)));
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".md")) files.push(rel);
    }
  };
  if (fs.existsSync(path.join(root, "docs"))) walk("docs");
  return files;
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "anymmap-docs-"));
const binDir = path.join(tmp, "bin");
let chromium: Promise<BrowserContext> | undefined;
afterAll(async () => {
  await (await chromium)?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

beforeAll(() => {
  if (!fs.existsSync(path.join(root, "dist", "node.js")) || !fs.existsSync(path.join(root, "dist", "anymmap.wasm"))) {
    throw new Error("dist/ is not built: run `npm run build` before this test");
  }
  // What a user has after installing: anymmap's bin, the runtimes (deno and
  // bun are this repository's devDependencies), nothing else of node_modules.
  fs.mkdirSync(binDir);
  fs.symlinkSync(process.execPath, path.join(binDir, "node"));
  fs.symlinkSync(path.join(root, "bin", "anymmap.js"), path.join(binDir, "anymmap"));
  for (const runtime of ["deno", "bun"]) {
    const binary = path.join(root, "node_modules", ".bin", runtime);
    if (!fs.existsSync(binary))
      throw new Error(`${binary} is missing: run npm install (deno and bun are devDependencies)`);
    fs.symlinkSync(binary, path.join(binDir, runtime));
  }
});

/** A fresh project directory with anymmap installed (linked to this repository). */
function project(name: string): string {
  const dir = fs.mkdtempSync(path.join(tmp, `${name.replace(/[^A-Za-z0-9]+/g, "-").slice(0, 40)}-`));
  fs.writeFileSync(
    path.join(dir, "package.json"),
    `${JSON.stringify({ name: "docs-example", private: true, type: "module", dependencies: { anymmap: "*" } }, null, 2)}\n`,
  );
  fs.mkdirSync(path.join(dir, "node_modules", ".bin"), { recursive: true });
  fs.symlinkSync(root, path.join(dir, "node_modules", "anymmap"), "dir");
  fs.symlinkSync(path.join(root, "bin", "anymmap.js"), path.join(dir, "node_modules", ".bin", "anymmap"));
  return dir;
}

function environment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
    NO_COLOR: "1",
  };
  // The examples run as a user's program would: the backend is the default
  // one, not the one this vitest project forces.
  for (const name of Object.keys(env)) {
    if (name.startsWith("ANYMMAP_") || name.startsWith("VITEST") || name === "NODE_OPTIONS" || name === "FORCE_COLOR")
      delete env[name];
  }
  return env;
}

/** One command of an example, or one bundle in Chromium; `run` resolves to what it printed. */
interface Step {
  what: string;
  run(dir: string): Promise<string>;
}

function command(what: string, name: string, args: string[]): Step {
  return { what, run: async (dir) => runCommand(dir, what, name, args) };
}

/** Runs one command; returns its stdout. */
function runCommand(dir: string, what: string, name: string, args: string[]): string {
  const result = spawnSync(name, args, { cwd: dir, env: environment(), encoding: "utf8", timeout: STEP_TIMEOUT_MS });
  if (result.status !== 0) {
    const why = result.error
      ? String(result.error)
      : result.signal
        ? `killed by ${result.signal}`
        : `exit status ${result.status}`;
    throw new Error(
      `${what} failed (${why}); a block that cannot run here is marked <!-- run: skip (reason) --> (docs/README.md)\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** Output as compared: trailing spaces of each line and trailing blank lines do not count. */
function normalize(output: string): string {
  return output
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .trimEnd();
}

/** console.log as the browser steps capture it: one line per call, arguments joined by spaces. */
const FORMAT = `const __docsFormat = (args) => args.map((a) => typeof a === "string" ? a : typeof a === "object" && a !== null ? JSON.stringify(a) : String(a)).join(" ");`;
const LOG_KEY = "__anymmapDocsLog";
/** Put before a bundle: a worker forwards its console.log lines as messages (in order with its own), a page keeps them. */
const BANNERS = {
  "browser-worker": `${FORMAT}{const log = console.log.bind(console); console.log = (...args) => { log(...args); postMessage({ ${LOG_KEY}: __docsFormat(args) }); };}`,
  "browser-main": `${FORMAT}{const lines = (globalThis.${LOG_KEY} = []); const log = console.log.bind(console); console.log = (...args) => { log(...args); lines.push(__docsFormat(args)); };}`,
} as const;

async function withTimeout<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(
      () => fail(new Error(`${what} did not finish within ${STEP_TIMEOUT_MS / 1000} s`)),
      STEP_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Bundles `source` for the browser (the "browser" condition picks anymmap's
 * browser build; its anymmap.wasm is copied beside the bundle, where init()
 * looks by default) and runs it in Chromium on a cross-origin isolated page.
 */
function inChromium(where: string, source: string, base: string, mode: "browser-worker" | "browser-main"): Step {
  const what = `${where} in Chromium (${mode === "browser-worker" ? "a dedicated worker" : "the main thread"})`;
  return {
    what,
    run: async (dir) => {
      const bundle = `${base}.${mode}.js`;
      buildSync({
        absWorkingDir: dir,
        entryPoints: [source],
        outfile: path.join(dir, bundle),
        bundle: true,
        format: "esm",
        platform: "browser",
        target: "es2022",
        banner: { js: BANNERS[mode] },
        logLevel: "silent",
      });
      for (const wasm of ["anymmap.wasm", "anymmap-shared.wasm"])
        fs.copyFileSync(path.join(root, "dist", wasm), path.join(dir, wasm));
      chromium ??= launchChromium(fs.mkdtempSync(path.join(tmp, "chromium-")));
      const context = await chromium;
      const server = await startServer({ root: dir, served: ["."] });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(String(error.stack ?? error)));
      try {
        await page.goto(`${server.origin}/`);
        const lines = await withTimeout(
          what,
          mode === "browser-worker"
            ? page.evaluate(
                ({ url, key }) =>
                  new Promise<string[]>((ok, fail) => {
                    // This runs in the page: the DOM's Worker, typed here by hand (no DOM lib in this tsconfig).
                    type PageWorker = {
                      onmessage: (event: { data: unknown }) => void;
                      onerror: (event: { message: string; preventDefault(): void }) => void;
                      terminate(): void;
                    };
                    const Worker = (
                      globalThis as unknown as { Worker: new (url: string, options: { type: string }) => PageWorker }
                    ).Worker;
                    const lines: string[] = [];
                    const worker = new Worker(url, { type: "module" });
                    worker.onmessage = (event) => {
                      const data = event.data as Record<string, string> | undefined;
                      if (data && typeof data === "object" && key in data) {
                        lines.push(data[key]!);
                        return;
                      }
                      // The worker's first message of its own says it is done; a string is its last line of output.
                      worker.terminate();
                      ok(typeof data === "string" ? [...lines, data] : lines);
                    };
                    worker.onerror = (event) => {
                      event.preventDefault();
                      fail(new Error(`the worker failed: ${event.message}`));
                    };
                  }),
                { url: `/${bundle}`, key: LOG_KEY },
              )
            : // A string, not a function: vitest would rewrite a function's import() for Node.
              page.evaluate<string[]>(
                `import(${JSON.stringify(`/${bundle}`)}).then(() => globalThis.${LOG_KEY} ?? [])`,
              ),
        );
        if (pageErrors.length > 0) throw new Error(`${what}: the page reported errors:\n${pageErrors.join("\n")}`);
        return lines.map((line) => `${line}\n`).join("");
      } finally {
        await page.close();
        await server.close();
      }
    },
  };
}

/** The steps that run one block in `dir` (after writing what they need there). */
function stepsFor(block: Block, index: number, dir: string): Step[] {
  const where = `${block.file}:${block.line}`;
  if (block.saveAs) {
    const target = path.join(dir, block.saveAs);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, block.code);
    return [];
  }
  const base = `block-${index}`;
  switch (block.kind) {
    case "js":
    case "ts": {
      const source = `${base}.${block.kind === "js" ? "mjs" : "ts"}`;
      fs.writeFileSync(path.join(dir, source), block.code);
      const runtimes: Runtime[] = block.runtimes.length > 0 ? block.runtimes : ["node"];
      return runtimes.map((runtime): Step => {
        if (runtime === "deno")
          return command(`${where} in Deno`, "deno", ["run", "--allow-read", "--allow-write", source]);
        if (runtime === "bun") return command(`${where} in Bun`, "bun", [source]);
        if (runtime === "browser-worker" || runtime === "browser-main") return inChromium(where, source, base, runtime);
        if (block.kind === "js") return command(`${where} in Node`, "node", [source]);
        // Node 20 runs no TypeScript: strip the types (and lower `using`) as a build step would.
        const stripped = `${base}.node.mjs`;
        const { code } = transformSync(block.code, {
          loader: "ts",
          format: "esm",
          target: "node20",
          sourcefile: source,
        });
        fs.writeFileSync(path.join(dir, stripped), code);
        return command(`${where} in Node`, "node", [stripped]);
      });
    }
    case "sh":
      fs.writeFileSync(path.join(dir, `${base}.sh`), block.code);
      return [command(`${where} (sh)`, "bash", ["-e", "-o", "pipefail", `${base}.sh`])];
    case "c": {
      fs.writeFileSync(path.join(dir, `${base}.c`), block.code);
      const compile = command(`${where}: anymmap cc`, "anymmap", ["cc", "-O2", `${base}.c`, "-o", `${base}.wasm`]);
      const run = command(`${where}: anymmap run`, "anymmap", ["run", "--dir", ".", `${base}.wasm`]);
      // One step, so that an output block is compared with what the program printed, not the compiler.
      return [
        {
          what: run.what,
          run: async (at) => {
            await compile.run(at);
            return run.run(at);
          },
        },
      ];
    }
    default:
      return [];
  }
}

async function runExample(example: Example): Promise<void> {
  const dir = project(example.name);
  let previous: { step: Step; stdout: string }[] = [];
  for (const [index, block] of example.blocks.entries()) {
    if (block.output) {
      if (previous.length === 0)
        throw new Error(`${block.file}:${block.line}: an output block needs a block before it that runs`);
      for (const { step, stdout } of previous) {
        expect(normalize(stdout), `what ${step.what} printed, against ${block.file}:${block.line}`).toBe(
          normalize(block.code),
        );
      }
      continue;
    }
    const steps = stepsFor(block, index, dir);
    if (steps.length === 0) continue;
    previous = [];
    for (const step of steps) previous.push({ step, stdout: await step.run(dir) });
  }
}

const haveEmcc = onPath("emcc") !== undefined;

describe("the marking convention (test/docs-blocks.ts)", () => {
  it("reads runtimes, example ids and files from a marker, and the runtime words of an info string", () => {
    const [a, b] = parseBlocks(
      "x.md",
      "<!-- run: deno bun example=e file=app.ts -->\n\n```ts\nlet x = 1;\n```\n\n```js deno\n1\n```\n",
    );
    expect(a).toMatchObject({
      language: "ts",
      kind: "ts",
      runtimes: ["deno", "bun"],
      example: "e",
      saveAs: "app.ts",
      code: "let x = 1;\n",
      problems: [],
    });
    expect(b).toMatchObject({ language: "js", runtimes: ["deno"], problems: [] });
  });

  it("refuses a skip without a reason, an unknown word, a block without a language and a saved file nothing runs", () => {
    const problems = (markdown: string) =>
      groupExamples("x.md", parseBlocks("x.md", markdown)).flatMap((e) => e.problems);
    expect(problems("<!-- run: skip -->\n```sh\nrm -rf /\n```\n")[0]).toMatch(/needs a reason/);
    expect(problems("<!-- run: skip () -->\n```sh\nls\n```\n")[0]).toMatch(/needs a reason/);
    expect(problems("<!-- run: nodee -->\n```js\n1\n```\n")[0]).toMatch(/unknown word "nodee"/);
    expect(problems("```\nplain\n```\n")[0]).toMatch(/no runnable language/);
    expect(problems("```python\nprint(1)\n```\n")[0]).toMatch(/no runnable language \("python"\)/);
    expect(problems("<!-- run: example=e file=a.mjs -->\n```js\n1\n```\n")[0]).toMatch(/only saved as files/);
    expect(problems("<!-- run: file=a.mjs -->\n```js\n1\n```\n")[0]).toMatch(/needs example=ID/);
  });

  it("applies a marker only to the fence right after it, and keeps a skip's reason", () => {
    const blocks = parseBlocks(
      "x.md",
      "<!-- run: skip (network) -->\nsome prose\n```sh\nls\n```\n<!-- run: skip (network) -->\n\n```sh\nls\n```\n",
    );
    expect(blocks.map((b) => b.skip)).toEqual([undefined, "network"]);
  });

  it("fails the example when a block fails, with the block's output", async () => {
    const dir = fs.mkdtempSync(path.join(tmp, "failing-"));
    const [block] = parseBlocks("x.md", "```sh\necho to-stdout\nfalse\necho never\n```\n");
    const [step] = stepsFor(block!, 0, dir);
    await expect(step!.run(dir)).rejects.toThrow(
      /x\.md:1 \(sh\) failed \(exit status 1\)[\s\S]*--- stdout\nto-stdout\n/,
    );
  });

  it("compares an output block with what the block before it printed, in every runtime", async () => {
    const example = (printed: string) =>
      groupExamples(
        "x.md",
        parseBlocks(
          "x.md",
          `<!-- run: example=e -->\n\`\`\`js node bun\nconsole.log(${printed})\n\`\`\`\n<!-- run: example=e output -->\n\`\`\`text\n3\n\`\`\`\n`,
        ),
      )[0]!;
    expect(example("1 + 2").problems).toEqual([]);
    await runExample(example("1 + 2"));
    await expect(runExample(example("1 + 3"))).rejects.toThrow(/what x\.md:2 in Node printed/);
  });
});

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens; repeats get -1, -2... */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === undefined) fence = f[1]!;
      else if (f[1]![0] === fence[0] && f[1]!.length >= fence.length) fence = undefined;
      continue;
    }
    const heading = fence === undefined ? /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line) : null;
    if (!heading) continue;
    const base = heading[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\- _]/gu, "")
      .replace(/ /g, "-");
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** Relative links of a Markdown file, outside code: [text](target) with no scheme. */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/^(\s*)(`{3,}|~{3,})[\s\S]*?^\1\2\s*$/gm, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe("links between the docs", () => {
  for (const file of markdownFiles()) {
    const links = relativeLinks(fs.readFileSync(path.join(root, file), "utf8"));
    if (links.length === 0) continue;
    const targetOf = (link: string) => {
      const [target] = link.split("#");
      return target ? path.normalize(path.join(path.dirname(file), target)) : file;
    };
    it(`${file}: every relative link reaches a file and a heading`, () => {
      const broken: string[] = [];
      for (const link of links) {
        const target = targetOf(link);
        if (!fs.existsSync(path.join(root, target))) {
          broken.push(`${link}: no file ${target}`);
          continue;
        }
        const anchor = link.split("#")[1];
        if (
          anchor &&
          target.endsWith(".md") &&
          !anchorsOf(fs.readFileSync(path.join(root, target), "utf8")).has(anchor)
        ) {
          broken.push(`${link}: no heading with the anchor #${anchor} in ${target}`);
        }
      }
      expect(broken, `broken links in ${file}`).toEqual([]);
    });
  }
});

// The template cannot run here (it compiles the whole libc layer, a minute of emcc): its flags are checked instead.
it("docs/c-programs.md's emcc template passes the flags anymmap cc passes, no more, no fewer (cc.ts)", () => {
  const text = fs.readFileSync(path.join(root, "docs", "c-programs.md"), "utf8");
  const start = text.indexOf("A=node_modules/anymmap/wasm");
  expect(start).toBeGreaterThan(0);
  const template = text.slice(start, text.indexOf("```", start));
  const words = new Set(template.split(/[\s"]+/));
  const compile = ["-sSUPPORT_LONGJMP=wasm", "-fwasm-exceptions"];
  const missing = [...LINK_FLAGS, ...CORE_CFLAGS, ...compile].filter((f) => !words.has(f));
  expect(missing, "flags cc.ts passes that the template lacks").toEqual([]);
  const extra = [...words].filter((w) => /^(-s[A-Z]|-Wl,)/.test(w) && !LINK_FLAGS.includes(w) && !compile.includes(w));
  expect(extra, "flags in the template that cc.ts does not pass").toEqual([]);
});

it("README.md keeps the two commands CI and the task system run, exactly", () => {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  expect(readme).toMatch(/^npm install && npm start(\s|$)/m);
  expect(readme).toMatch(/^npm install && npm test(\s|$)/m);
});

for (const file of markdownFiles()) {
  const examples = groupExamples(file, parseBlocks(file, fs.readFileSync(path.join(root, file), "utf8")));
  if (examples.length === 0) continue;
  describe(file, () => {
    for (const example of examples) {
      if (example.problems.length > 0) {
        it(example.name, () => {
          throw new Error(`the block's marking is wrong (see docs/README.md):\n${example.problems.join("\n")}`);
        });
      } else if (example.skip !== undefined) {
        it.skip(`${example.name} — skipped: ${example.skip}`, () => {});
      } else if (
        !chromiumAvailable &&
        !process.env.CI &&
        example.blocks.some((b) => b.runtimes.some((r) => r.startsWith("browser-")))
      ) {
        it.skip(`${example.name} — skipped: ${CHROMIUM} is not installed (apt-get install chromium); CI requires it`, () => {});
      } else if (!haveEmcc && !process.env.CI && example.blocks.some((b) => b.kind === "c" && !b.skip)) {
        it.skip(`${example.name} — skipped: emcc is not installed (apt-get install emscripten), so anymmap cc cannot compile C; CI requires it`, () => {});
      } else {
        it(example.name, () => runExample(example), STEP_TIMEOUT_MS * 4);
      }
    }
  });
}
