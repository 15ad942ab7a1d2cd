/**
 * Finds the fenced code blocks of a Markdown file and groups them into the
 * examples test/docs.test.ts runs. The marking convention is described for
 * writers in docs/README.md; this is its one implementation.
 */

/** How a block's language says it runs. */
export type Kind = "js" | "ts" | "sh" | "c" | "text";

/**
 * Where a js/ts block runs: a server runtime, or Chromium, bundled by esbuild
 * as a module worker (`browser-worker`: it ends by posting a message) or as
 * a page's module script (`browser-main`).
 */
export type Runtime = "node" | "deno" | "bun" | "browser-worker" | "browser-main";

export const RUNTIMES: readonly Runtime[] = ["node", "deno", "bun", "browser-worker", "browser-main"];

const LANGUAGES: Record<string, Kind> = {
  js: "js",
  mjs: "js",
  javascript: "js",
  ts: "ts",
  typescript: "ts",
  sh: "sh",
  bash: "sh",
  shell: "sh",
  c: "c",
  text: "text",
  txt: "text",
};

export interface Block {
  /** The Markdown file, relative to the repository root. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The language word of the info string, as written ("" when none). */
  language: string;
  kind: Kind | undefined;
  code: string;
  /** From `skip (reason)`: the block is reported as skipped with this reason. */
  skip?: string;
  /** Runtimes a js/ts block runs in; empty means the default, Node. */
  runtimes: Runtime[];
  /** Blocks with the same example id in one file share a directory and run in order. */
  example?: string;
  /** The block is written to this file of the example's directory instead of being run. */
  saveAs?: string;
  /** A text block that is what the previous block of its example prints, in every runtime it ran in. */
  output?: boolean;
  /** What is wrong with the block's marking, if anything: the test fails with it. */
  problems: string[];
}

export interface Example {
  /** "README.md:31" or "README.md example node" */
  name: string;
  file: string;
  blocks: Block[];
  /** Set when every block of the example is skipped (their reasons joined). */
  skip?: string;
  problems: string[];
}

const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;
const MARKER = /^\s*<!--\s*run:\s*(.*?)\s*-->\s*$/;

function parseMarker(text: string, block: Block): void {
  const skip = /^skip\b\s*(.*)$/.exec(text);
  if (skip) {
    const reason = /^\((.+)\)$/.exec(skip[1]!.trim());
    if (!reason || reason[1]!.trim() === "") {
      block.problems.push('"skip" needs a reason in parentheses: <!-- run: skip (why this block cannot run) -->');
    } else {
      block.skip = reason[1]!.trim();
    }
    return;
  }
  for (const token of text.split(/\s+/).filter(Boolean)) {
    const [key, value] = token.includes("=")
      ? [token.slice(0, token.indexOf("=")), token.slice(token.indexOf("=") + 1)]
      : [token, undefined];
    if (value === undefined && (RUNTIMES as readonly string[]).includes(key!)) {
      block.runtimes.push(key as Runtime);
    } else if (key === "output" && value === undefined) {
      block.output = true;
    } else if (key === "example" && value) {
      block.example = value;
    } else if (key === "file" && value) {
      if (value.startsWith("/") || value.split("/").includes("..")) {
        block.problems.push(`file=${value} must be a relative path inside the example's directory`);
      } else {
        block.saveAs = value;
      }
    } else {
      block.problems.push(
        `unknown word "${token}" in the run marker (known: node, deno, bun, browser-worker, browser-main, example=ID, file=NAME, output, skip (reason))`,
      );
    }
  }
}

/** Every fenced block of `markdown`, with its marker applied and checked. */
export function parseBlocks(file: string, markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  let marker: { text: string; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const markerMatch = MARKER.exec(text);
    if (markerMatch) {
      marker = { text: markerMatch[1]!, line: i + 1 };
      continue;
    }
    const open = FENCE.exec(text);
    if (!open) {
      // A marker applies to the next fence only if nothing but blank lines comes between.
      if (text.trim() !== "" && marker) marker = undefined;
      continue;
    }
    const [, indent, fence, info] = open;
    if (fence!.startsWith("`") && info!.includes("`")) continue; // inline code, not a fence
    const words = info!.trim().split(/\s+/).filter(Boolean);
    const language = (words[0] ?? "").toLowerCase();
    const block: Block = {
      file,
      line: i + 1,
      language,
      kind: LANGUAGES[language],
      code: "",
      runtimes: [],
      problems: [],
    };
    for (const word of words.slice(1)) {
      if ((RUNTIMES as readonly string[]).includes(word)) block.runtimes.push(word as Runtime);
    }
    const body: string[] = [];
    let closed = false;
    for (i++; i < lines.length; i++) {
      const close = /^(\s*)(`{3,}|~{3,})\s*$/.exec(lines[i]!);
      if (close && close[2]![0] === fence![0] && close[2]!.length >= fence!.length) {
        closed = true;
        break;
      }
      const line = lines[i]!;
      body.push(line.startsWith(indent!) ? line.slice(indent!.length) : line.trimStart());
    }
    block.code = `${body.join("\n")}\n`;
    if (!closed) block.problems.push("the fence is never closed");
    if (marker) parseMarker(marker.text, block);
    marker = undefined;
    if (block.skip === undefined) {
      if (block.kind === undefined) {
        block.problems.push(
          `no runnable language ("${language}"): use js, ts, sh, c or text, or mark it <!-- run: skip (reason) -->`,
        );
      } else if (block.runtimes.length > 0 && block.kind !== "js" && block.kind !== "ts") {
        block.problems.push(`runtimes (${block.runtimes.join(", ")}) apply to js and ts blocks only`);
      } else if (block.output && (block.kind !== "text" || !block.example || block.saveAs)) {
        block.problems.push("output marks a text block with example=ID: what the example's previous block prints");
      } else if (block.kind === "text" && !block.output && (block.example || block.saveAs)) {
        block.problems.push("a text block is never run or saved: drop its run marker, or mark it output");
      } else if (block.saveAs && !block.example) {
        block.problems.push(
          `file=${block.saveAs} needs example=ID: a saved file is run by a later block of the same example`,
        );
      }
    }
    blocks.push(block);
  }
  return blocks;
}

/** Groups blocks into examples: one per example id, one per block without one. Text blocks run nothing and are left out. */
export function groupExamples(file: string, blocks: Block[]): Example[] {
  const examples: Example[] = [];
  const byId = new Map<string, Example>();
  for (const block of blocks) {
    if (block.kind === "text" && !block.output && block.problems.length === 0 && block.skip === undefined) continue;
    if (block.example && block.skip === undefined) {
      let example = byId.get(block.example);
      if (!example) {
        example = { name: `${file} example "${block.example}" (line ${block.line})`, file, blocks: [], problems: [] };
        byId.set(block.example, example);
        examples.push(example);
      }
      example.blocks.push(block);
    } else {
      examples.push({
        name: `${file}:${block.line} (${block.language || "no language"})`,
        file,
        blocks: [block],
        problems: [],
      });
    }
  }
  for (const example of examples) {
    for (const block of example.blocks) {
      for (const problem of block.problems) example.problems.push(`${block.file}:${block.line}: ${problem}`);
    }
    if (example.blocks.every((b) => b.skip !== undefined)) {
      example.skip = example.blocks.map((b) => b.skip).join("; ");
    } else if (example.blocks.every((b) => b.saveAs !== undefined || b.kind === "text")) {
      example.problems.push(
        `${example.name}: its blocks are only saved as files; add a block (e.g. sh) that runs them`,
      );
    }
  }
  return examples;
}
