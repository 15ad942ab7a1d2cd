// Enforces the architecture (docs/architecture.md):
//  - src/abi/**, src/wasi/**, src/core/** and src/index.ts are
//    runtime-agnostic: no host globals (Deno, Bun, process, Buffer,
//    require(), __dirname, import.meta.url, window, document, self.,
//    globalThis.), no Node builtins, nothing from src/runtime/.
//  - The portable layers point one way, abi <- wasi <- core: src/abi/
//    imports nothing outside itself, src/wasi/ never imports src/core/.
//  - src/runtime/X/** never imports from src/runtime/Y/** (Y != X), except
//    from src/runtime/node-fs/, the file backend of every runtime that has
//    node:fs (Node, Bun, Deno); the browser never imports it.
// Works on the TypeScript AST, so comments and strings never trip it.
// Usage: node scripts/check-boundaries.mjs [ROOT]   (ROOT defaults to the repo)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), ".."));
const srcDir = join(root, "src");
const runtimeDir = join(srcDir, "runtime");

// The one runtime folder others may import: the node:fs file backend.
const SHARED_BACKEND = "node-fs";
// Runtimes without node:fs, which may not import the shared backend either.
const WITHOUT_NODE_FS = new Set(["browser"]);
// What each portable layer may import from src/ (its own folder included).
const PORTABLE_IMPORTS = {
  abi: ["abi"],
  wasi: ["abi", "wasi"],
  core: ["abi", "wasi", "core"],
  "index.ts": ["abi", "core"],
};

// Host globals the portable code must reach only through the runtime layer.
const FORBIDDEN_GLOBALS = new Set(["Deno", "Bun", "process", "Buffer", "__dirname", "window", "document"]);
// Forbidden only as the object of a member access: `self.x`, `globalThis[x]`.
const FORBIDDEN_OBJECTS = new Set(["self", "globalThis"]);
const nodeBuiltins = new Set(builtinModules);

const violations = [];
let portableCount = 0;
let runtimeCount = 0;

for (const file of listSources(srcDir)) {
  const rel = relative(srcDir, file).split(sep);
  const layer = rel[0];
  const portable = Object.hasOwn(PORTABLE_IMPORTS, layer) && (rel.length > 1 || layer === "index.ts") ? layer : null;
  const runtime = rel[0] === "runtime" && rel.length > 2 ? rel[1] : null;
  if (portable) portableCount++;
  else if (runtime) runtimeCount++;
  else continue;
  checkFile(file, portable, runtime);
}

if (violations.length > 0) {
  for (const v of violations) console.error(v);
  console.error(`check-boundaries: ${violations.length} violation(s)`);
  process.exit(1);
}
console.log(`check-boundaries: OK (${portableCount} portable files, ${runtimeCount} runtime files)`);

function checkFile(file, portable, runtime) {
  const text = readFileSync(file, "utf8");
  const kind = /\.[cm]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const report = (node, message) => {
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    violations.push(`${relative(root, file)}:${line + 1}: ${message}`);
  };

  const checkSpecifier = (node, spec) => {
    const target = spec.startsWith(".") ? resolve(dirname(file), spec) : null;
    const targetRuntime = target && runtimeOf(target);
    if (portable) {
      const targetLayer = target && isUnder(srcDir, target) ? relative(srcDir, target).split(sep)[0] : null;
      if (spec.startsWith("node:") || nodeBuiltins.has(spec)) report(node, `imports Node builtin "${spec}"`);
      else if (target && isUnder(runtimeDir, target)) report(node, `imports "${spec}" from src/runtime/`);
      else if (targetLayer && !PORTABLE_IMPORTS[portable].includes(targetLayer)) {
        report(
          node,
          `src/${portable} imports "${spec}" from src/${targetLayer}/ (layers point one way: abi <- wasi <- core)`,
        );
      }
    } else if (targetRuntime === SHARED_BACKEND && WITHOUT_NODE_FS.has(runtime)) {
      report(node, `runtime "${runtime}" has no node:fs but imports "${spec}" from runtime "${SHARED_BACKEND}"`);
    } else if (targetRuntime && targetRuntime !== runtime && targetRuntime !== SHARED_BACKEND) {
      report(node, `runtime "${runtime}" imports "${spec}" from runtime "${targetRuntime}"`);
    }
  };

  const visit = (node) => {
    const spec = moduleSpecifier(node);
    if (spec !== null) checkSpecifier(node, spec);

    if (portable) {
      if (ts.isIdentifier(node)) {
        if (FORBIDDEN_GLOBALS.has(node.text) && !isPropertyName(node)) report(node, `uses \`${node.text}\``);
        if (
          FORBIDDEN_OBJECTS.has(node.text) &&
          (ts.isPropertyAccessExpression(node.parent) || ts.isElementAccessExpression(node.parent)) &&
          node.parent.expression === node
        )
          report(node, `uses \`${node.text}.\``);
      } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "require") {
        report(node, "uses `require(`");
      } else if (
        ts.isPropertyAccessExpression(node) &&
        ts.isMetaProperty(node.expression) &&
        node.expression.keywordToken === ts.SyntaxKind.ImportKeyword &&
        node.name.text === "url"
      ) {
        report(node, "uses `import.meta.url`");
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

// The module specifier of an import/export/dynamic import/import type, or null.
function moduleSpecifier(node) {
  let spec;
  if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) spec = node.moduleSpecifier;
  else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
    spec = node.moduleReference.expression;
  else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) spec = node.arguments[0];
  else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) spec = node.argument.literal;
  return spec && ts.isStringLiteralLike(spec) ? spec.text : null;
}

// True when the identifier names a property or an import/export binding
// rather than referring to a variable (`x.process`, `{ window: 1 }`).
function isPropertyName(node) {
  const p = node.parent;
  if ((ts.isPropertyAccessExpression(p) || ts.isQualifiedName(p)) && (p.name ?? p.right) === node) return true;
  if (ts.isImportSpecifier(p) || ts.isExportSpecifier(p)) return true;
  return (
    (ts.isPropertyAssignment(p) ||
      ts.isPropertyDeclaration(p) ||
      ts.isPropertySignature(p) ||
      ts.isMethodDeclaration(p) ||
      ts.isMethodSignature(p) ||
      ts.isGetAccessorDeclaration(p) ||
      ts.isSetAccessorDeclaration(p) ||
      ts.isEnumMember(p)) &&
    p.name === node
  );
}

function isUnder(dir, path) {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

// The runtime name X if path lies under src/runtime/X/, else null.
function runtimeOf(path) {
  const rel = relative(runtimeDir, path).split(sep);
  return isUnder(runtimeDir, path) && rel.length > 1 ? rel[0] : null;
}

function listSources(dir) {
  let entries;
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listSources(path);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(name) ? [path] : [];
  });
}
