// Copies the committed wasm/anymmap.wasm and wasm/anymmap-shared.wasm next to the bundles in dist/.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
for (const name of ["anymmap.wasm", "anymmap-shared.wasm"]) {
  const from = join(root, "wasm", name);
  const to = join(root, "dist", name);
  if (!existsSync(from)) {
    console.error(
      `copy-wasm: ${relative(root, from)} is missing; run \`npm run build:wasm\` (needs emcc) and commit the result`,
    );
    process.exit(1);
  }
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  console.log(`copy-wasm: ${relative(root, from)} -> ${relative(root, to)}`);
}
