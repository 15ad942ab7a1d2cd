#!/usr/bin/env bash
# The full check, as run by `npm test` and CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

npm run build

if command -v emcc >/dev/null 2>&1; then
  bash scripts/build-wasm.sh --check
else
  echo "emcc not found: skipping the rebuild-from-source check (CI runs it)"
fi

npx tsc --noEmit -p tsconfig.json
node scripts/check-boundaries.mjs
mkdir -p .tmp
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json || status=$?
# One closing line in the plain form CI readers understand.
node -e '
const r = JSON.parse(require("fs").readFileSync(".tmp/vitest.json", "utf8"));
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' || true
exit "$status"
