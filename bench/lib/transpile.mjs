/**
 * anymmap's WASI host (src/wasi/host.ts) is not exported by the package, so
 * the bench transpiles src/ (types stripped, nothing bundled) into its temp
 * directory and imports the host from there. Uses the project's own
 * TypeScript (a devDependency).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

export async function transpileSrc(repo, outDir) {
  const ts = (await import("typescript")).default;
  const src = join(repo, "src");
  const files = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) files.push(p);
    }
  };
  walk(src);
  for (const file of files) {
    const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), {
      fileName: file,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        verbatimModuleSyntax: true,
      },
    });
    const out = join(outDir, relative(src, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  return { host: join(outDir, "wasi", "host.js"), nodeFile: join(outDir, "runtime", "node-fs", "node-file.js") };
}
