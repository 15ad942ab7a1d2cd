// Every value export of each entry's declarations (dist/*.d.ts, after
// `npm run build`) shows its documentation where a consumer's editor shows
// it: at a call (quick info and signature help come from the EntryCall.*
// signature), or on the constant itself. The docs are written once, on the
// contract (src/core/contract/api.ts); this checks they survive the build.
// Usage: node scripts/check-dts-docs.mjs
import fs from "node:fs";
import ts from "typescript";

const entries = ["index", "node", "deno", "bun", "browser"];

let bad = 0;
for (const e of entries) {
  const use = `.tmp/dts-docs-${e}.ts`;
  const dts = fs.readFileSync(`dist/${e}.d.ts`, "utf8");
  const m = [...dts.matchAll(/^export \{([^}]*)\};?$/gm)].flatMap((x) =>
    x[1].split(",").map((n) => n.trim().split(" as ").pop()),
  );
  const values = m.filter((n) => /^[a-z]/.test(n));
  const src =
    `import { ${values.join(", ")} } from "../dist/${e}.js";\n` +
    values.map((v) => (["version", "pageSize", "backend"].includes(v) ? `${v};` : `${v}();`)).join("\n") +
    "\n";
  fs.mkdirSync(".tmp", { recursive: true });
  fs.writeFileSync(use, src);
  const host = {
    getScriptFileNames: () => [use],
    getScriptVersion: () => "1",
    getScriptSnapshot: (f) => (fs.existsSync(f) ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, "utf8")) : undefined),
    getCurrentDirectory: () => process.cwd(),
    getCompilationSettings: () => ({
      strict: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ["lib.es2022.d.ts", "lib.esnext.disposable.d.ts", "lib.dom.d.ts"],
    }),
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: fs.existsSync,
    readFile: (f) => fs.readFileSync(f, "utf8"),
  };
  const ls = ts.createLanguageService(host);
  const lines = src.split("\n");
  let offset = lines[0].length + 1;
  const missing = [];
  for (const v of values) {
    const q = ls.getQuickInfoAtPosition(use, offset);
    const doc = q ? ts.displayPartsToString(q.documentation) : "";
    if (!doc) missing.push(v);
    offset += v.length + (["version", "pageSize", "backend"].includes(v) ? 2 : 4);
  }
  console.log(e, values.length, "value exports; undocumented:", missing.join(", ") || "none");
  bad += missing.length;
}
if (bad) console.error(`check-dts-docs: ${bad} export(s) without documentation`);
else console.log("check-dts-docs: OK");
process.exit(bad ? 1 : 0);
