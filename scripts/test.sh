#!/usr/bin/env bash
# The full check, as run by `npm test` and CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

npm run build
# Each entry's exports keep their documentation in dist/*.d.ts.
node scripts/check-dts-docs.mjs
# The native backend (the N-API addon and the shared library for Deno and
# Bun) into prebuilds/<platform>-<arch>/: in CI for every published platform
# (linux-arm64 with the cross compiler .ci/run installs), else for this machine.
if [ "${CI:-}" = "true" ]; then npm run build:prebuilds; else node native/build.mjs; fi

if command -v emcc >/dev/null 2>&1; then
  bash scripts/build-wasm.sh --check
else
  echo "emcc not found: skipping the rebuild-from-source check (CI runs it)"
fi

npx tsc --noEmit -p tsconfig.json
# JSR: what jsr.json publishes (dist/deno.js and its types) passes JSR's checks.
npx deno publish --dry-run --allow-dirty
# The portable layers (src/abi, src/wasi, src/core) with no Node or DOM types.
npx tsc --noEmit -p tsconfig.core.json
node scripts/check-boundaries.mjs
mkdir -p .tmp
rm -f .tmp/vitest.json .tmp/vitest-shared.json .tmp/vitest-native.json .tmp/browser-rows.json
status=0
# Lint and format (biome.json for TypeScript and JavaScript, .clang-format for C):
# a finding fails the run, after the tests have run.
npx biome check . || status=$?
if command -v clang-format-14 >/dev/null 2>&1 || command -v clang-format >/dev/null 2>&1; then
  bash scripts/c-files.sh check || status=$?
else
  echo "clang-format not found: skipping the C format check (CI runs it)"
fi
# Three vitest projects (vitest.config.ts): every test on the WASM engine, the
# spec suite on its shared-memory build, then on the kernel's mmap; one report
# each, for one row each.
npx vitest run --project wasm --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json || status=$?
npx vitest run --project wasm-shared --reporter=default --reporter=json --outputFile.json=.tmp/vitest-shared.json || status=$?
npx vitest run --project native --reporter=default --reporter=json --outputFile.json=.tmp/vitest-native.json || status=$?
# The same spec files in Deno and Bun, then one table of every runtime (Node's
# rows from .tmp/vitest.json) and, last, one closing line over all of them in
# the plain form CI readers understand.
# Chromium's rows (worker and main thread) come from test/browser.test.ts.
browser_rows=()
if [ -f .tmp/browser-rows.json ]; then browser_rows=(--report .tmp/browser-rows.json); fi
node scripts/test-runtimes.mjs --vitest .tmp/vitest.json --vitest-shared .tmp/vitest-shared.json --vitest-native .tmp/vitest-native.json "${browser_rows[@]}" || status=$?
exit "$status"
