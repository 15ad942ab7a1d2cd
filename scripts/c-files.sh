#!/usr/bin/env bash
# The C sources clang-format keeps in shape (.clang-format). Usage:
#   bash scripts/c-files.sh check   exits non-zero and names each file that differs
#   bash scripts/c-files.sh write   formats them in place
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
clang_format=$(command -v clang-format-14 || command -v clang-format || true)
if [ -z "$clang_format" ]; then
  echo "clang-format not found (Debian: apt-get install clang-format-14)" >&2
  exit 2
fi
mapfile -t files < <(git ls-files 'wasm/*.c' 'wasm/*.h' 'native/*.c' 'native/*.h' 'fuzz/*.c' 'test/c-host/*.c')
case "${1:-check}" in
  write) "$clang_format" -i "${files[@]}" ;;
  check) "$clang_format" --dry-run -Werror "${files[@]}" ;;
  *) echo "usage: bash scripts/c-files.sh check|write" >&2; exit 2 ;;
esac
