#!/usr/bin/env bash
# Fuzzes the C core natively with libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer (fuzz/fuzz_mman.c; the core runs over the
# in-memory WASI shim of wasm/native/).
#
#   bash scripts/fuzz.sh [--seconds N] [--seed S] [--corpus DIR]
#       build, then fuzz for N seconds (default 60) from DIR (default
#       .tmp/fuzz/corpus) plus fuzz/regressions/ as seeds; a crash is saved in
#       fuzz/crashes/ and makes the exit status non-zero
#   bash scripts/fuzz.sh --replay [FILE...]
#       build, then run the target once on each file (default: every file in
#       fuzz/regressions/); non-zero if any of them fails
#   bash scripts/fuzz.sh --minimize FILE
#       shrink a crashing input to fuzz/crashes/minimized-<name>; move the
#       result to fuzz/regressions/ once the bug is understood, so that every
#       later run replays it
#   bash scripts/fuzz.sh --build
#       only build the target
#   --build-dir DIR (default .tmp/fuzz) says where the objects and the
#   target go, so that a second build does not overwrite a running target.
# FUZZ_VERBOSE=1 makes the target print every operation it runs; FUZZ_REPEAT=1
# runs every input twice and fails if the second run differs (--replay does).
# Needs clang-14 (Debian: comes with emscripten) and its sanitizer and
# libFuzzer runtimes (Debian: apt-get install libclang-rt-14-dev).
set -euo pipefail
export LC_ALL=C

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

cc="${CC_FUZZ:-clang-14}"
mode=fuzz
seconds=60
seed=""
corpus=""
out=.tmp/fuzz
files=()
while (( $# )); do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --seconds=*) seconds="${1#*=}"; shift ;;
    --seed) seed="${2:?--seed needs a number}"; shift 2 ;;
    --seed=*) seed="${1#*=}"; shift ;;
    --corpus) corpus="${2:?--corpus needs a directory}"; shift 2 ;;
    --corpus=*) corpus="${1#*=}"; shift ;;
    --build-dir) out="${2:?--build-dir needs a directory}"; shift 2 ;;
    --build-dir=*) out="${1#*=}"; shift ;;
    --replay) mode=replay; shift ;;
    --minimize) mode=minimize; shift ;;
    --build) mode=build; shift ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || (( seconds < 1 )); then
  echo "fuzz: --seconds wants a positive whole number, got '$seconds'" >&2
  exit 2
fi

if ! command -v "$cc" >/dev/null 2>&1; then
  echo "fuzz: $cc not found; install it (Debian: apt-get install clang-14, or emscripten, which brings it)" >&2
  exit 1
fi
rtdir="$("$cc" --print-runtime-dir 2>/dev/null || true)"
arch="$(uname -m)"
for lib in fuzzer asan ubsan_standalone; do
  if [[ ! -f "$rtdir/libclang_rt.$lib-$arch.a" ]]; then
    echo "fuzz: $rtdir/libclang_rt.$lib-$arch.a is missing; install the runtimes (Debian: apt-get install libclang-rt-14-dev)" >&2
    exit 1
  fi
done

corpus="${corpus:-$out/corpus}"
mkdir -p "$out/obj" fuzz/crashes fuzz/regressions
bin="$out/fuzz_mman"

# Relative paths, as in build-wasm.sh, keep reports short and stable.
cflags=(-g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror
  -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
core=(-I wasm/native -I wasm/include -I wasm/src -include wasm/native/anymmap_hosted.h)
shopt -s nullglob
if [[ -x "$bin" && -z "$(find wasm/src wasm/include wasm/native fuzz/fuzz_mman.c scripts/fuzz.sh \
      -newer "$bin" -print -quit)" ]]; then
  echo "fuzz: $bin is up to date"
else
  objs=()
  for src in wasm/src/*.c; do
    obj="$out/obj/$(basename "$src" .c).o"
    "$cc" "${cflags[@]}" -fsanitize=fuzzer-no-link "${core[@]}" -c "$src" -o "$obj"
    objs+=("$obj")
  done
  # The shim is host code: it includes anymmap_hosted.h itself, to reserve
  # memory with libc's mmap.
  "$cc" "${cflags[@]}" -I wasm/native -I wasm/include -c wasm/native/memfs.c -o "$out/obj/memfs.o"
  # The harness keeps edge coverage but not comparison tracing, which would
  # spend most of the time in its checking loops.
  "$cc" "${cflags[@]}" -fsanitize=fuzzer -fno-sanitize-coverage=trace-cmp "${core[@]}" fuzz/fuzz_mman.c \
    "${objs[@]}" "$out/obj/memfs.o" -o "$bin.new"
  mv -f "$bin.new" "$bin"
  echo "fuzz: built $bin"
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

case "$mode" in
  build) exit 0 ;;
  replay)
    if (( ${#files[@]} == 0 )); then files=(fuzz/regressions/*); fi
    list=()
    for f in "${files[@]}"; do [[ -f "$f" ]] && list+=("$f"); done
    if (( ${#list[@]} == 0 )); then
      echo "fuzz: nothing to replay"
      exit 0
    fi
    echo "fuzz: replaying ${#list[@]} inputs, each twice (it must run the same way)"
    FUZZ_REPEAT=1 exec "$bin" -runs=1 "${list[@]}"
    ;;
  minimize)
    if (( ${#files[@]} != 1 )); then echo "fuzz: --minimize wants one file" >&2; exit 2; fi
    name="$(basename "${files[0]}")"
    exec "$bin" -minimize_crash=1 -max_total_time="$seconds" \
      -exact_artifact_path="fuzz/crashes/minimized-${name#minimized-}" "${files[0]}"
    ;;
esac

mkdir -p "$corpus"
args=(-max_total_time="$seconds" -max_len=2048 -timeout=20 -print_final_stats=1
  -artifact_prefix=fuzz/crashes/)
if [[ -n "$seed" ]]; then args+=(-seed="$seed"); fi
echo "fuzz: fuzzing for ${seconds}s, corpus $corpus, seeds fuzz/regressions/"
set +e
"$bin" "${args[@]}" "$corpus" fuzz/regressions
status=$?
set -e
if (( status != 0 )); then
  echo "fuzz: the target failed (exit $status); the input is in fuzz/crashes/." >&2
  echo "fuzz: reproduce with FUZZ_VERBOSE=1 bash scripts/fuzz.sh --replay FILE," \
    "shrink with bash scripts/fuzz.sh --minimize FILE, then keep it in fuzz/regressions/" >&2
fi
exit "$status"
