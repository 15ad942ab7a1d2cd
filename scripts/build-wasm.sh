#!/usr/bin/env bash
# Builds wasm/anymmap.wasm and wasm/anymmap-shared.wasm (the same core over a
# shared WebAssembly.Memory, for memory shared with workers) from wasm/src/*.c.
#   bash scripts/build-wasm.sh           write both
#   bash scripts/build-wasm.sh --check   rebuild into a temp dir and require the
#                                        results to match the committed ones byte for byte
# For testing the script itself: WASM_DIR (default: wasm) points it at another
# src/ include/ exports.txt tree, OUT (default: $WASM_DIR/anymmap.wasm) at
# another output / comparison file.
set -euo pipefail
export LC_ALL=C # glob order (hence link order) must not depend on the locale

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Compile from the repo root with relative paths: __FILE__ (used by assert)
# ends up in the binary, and absolute paths would make it machine-dependent.
cd "$root"
wasm_dir="${WASM_DIR:-wasm}"

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if ! command -v emcc >/dev/null 2>&1; then
  echo "build-wasm: emcc not found; install Emscripten (Debian: apt-get install emscripten)" >&2
  exit 1
fi

if [[ ! -f "$wasm_dir/exports.txt" ]]; then
  echo "build-wasm: $wasm_dir/exports.txt is missing" >&2
  exit 1
fi
# One C symbol per line; '#' starts a comment. emcc wants "_name".
exports="$(awk '{ sub(/#.*/, ""); gsub(/[[:space:]]/, "") }
  $0 != "" { printf "%s_%s", (n++ ? "," : ""), $0 }' "$wasm_dir/exports.txt")"
if [[ -z "$exports" ]]; then
  echo "build-wasm: $wasm_dir/exports.txt lists no symbols" >&2
  exit 1
fi

shopt -s nullglob
sources=("$wasm_dir"/src/*.c)
if (( ${#sources[@]} == 0 )); then
  echo "build-wasm: no C files in $wasm_dir/src" >&2
  exit 1
fi

committed="${OUT:-$wasm_dir/anymmap.wasm}"
committed_shared="${committed%.wasm}-shared.wasm"
# Build into a temp dir, so a failed build or check never replaces the
# committed modules.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# 4 GiB minus one WebAssembly page: the core never maps its top 64 KiB
# (AREA_END), and a memory whose byteLength fits in 32 bits works in WASI
# hosts that keep sizes in a u32 (@wasmer/wasi faults on every call with 4 GiB).
build() { # OUTPUT EXTRA_FLAGS...
  local out="$1"
  shift
  echo "build-wasm: emcc ${#sources[@]} files -> $(basename "$out") $*"
  emcc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -sSTANDALONE_WASM --no-entry \
    -sINITIAL_MEMORY=4294901760 -sWASM_BIGINT -sERROR_ON_UNDEFINED_SYMBOLS=0 \
    -mbulk-memory -msimd128 "$@" -sEXPORTED_FUNCTIONS="$exports" \
    -I "$wasm_dir/include" -o "$out" "${sources[@]}"
}
build "$tmp/anymmap.wasm"
node scripts/check-wasm-imports.mjs "$tmp/anymmap.wasm"
# No pthreads: only the memory is shared (the core runs on one thread; workers read and write the bytes).
build "$tmp/anymmap-shared.wasm" -matomics -Wl,--shared-memory
node scripts/check-wasm-imports.mjs --shared "$tmp/anymmap-shared.wasm"

for pair in "anymmap.wasm:$committed" "anymmap-shared.wasm:$committed_shared"; do
  built="$tmp/${pair%%:*}"
  target="${pair#*:}"
  if (( check )); then
    if ! cmp -s "$built" "$target"; then
      echo "build-wasm: $target is missing or differs from a fresh build of $wasm_dir/src;" \
        "run \`npm run build:wasm\` and commit the result" >&2
      exit 1
    fi
    echo "build-wasm: $target matches a fresh build"
  else
    cp "$built" "$target"
    echo "build-wasm: wrote $target"
  fi
done
