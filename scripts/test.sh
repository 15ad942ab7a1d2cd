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
npx vitest run
