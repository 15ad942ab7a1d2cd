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
rm -f .tmp/vitest.json .tmp/browser-rows.json
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json || status=$?
# The same spec files in Deno and Bun, then one table of every runtime (Node's
# rows from .tmp/vitest.json) and, last, one closing line over all of them in
# the plain form CI readers understand.
# Chromium's rows (worker and main thread) come from test/browser.test.ts.
browser_rows=()
if [ -f .tmp/browser-rows.json ]; then browser_rows=(--report .tmp/browser-rows.json); fi
node scripts/test-runtimes.mjs --vitest .tmp/vitest.json "${browser_rows[@]}" || status=$?
exit "$status"
