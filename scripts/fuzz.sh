#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ into build-fuzz/ (clang 16, ASan + UBSan) and
# runs each for a bounded time on a scratch copy of its seed corpus, so the committed
# corpus never grows in CI. Fails when any target finds a crash, a sanitizer report,
# a leak, a timeout or a broken property; prints the input and how to reproduce it.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 25: about 4 minutes for all targets)
#   FUZZ_TARGETS="date record" scripts/fuzz.sh 60    only these targets
#   FUZZ_MERGE=1 scripts/fuzz.sh 600                  also merge new coverage into fuzz/corpus
# Guide: fuzz/README.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds="${1:-25}"
build="$root/build-fuzz"
artifacts="$build/fuzz-artifacts"

# Clang 14 (Debian 12's default) lacks what std::expected needs: see CMakeLists.txt.
source scripts/apt.sh
apt_install clang-16 libclang-rt-16-dev

start=$SECONDS
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-16 \
  "${launcher[@]}" -DJUNHENG_FUZZ=ON -DJUNHENG_TESTS=OFF -DJUNHENG_BENCH=OFF >/dev/null
ninja -C "$build" fuzzers
echo "fuzz: built in $((SECONDS - start)) s"

targets="${FUZZ_TARGETS:-$(cd fuzz && ls -1 *_fuzzer.cpp | sed 's/_fuzzer\.cpp$//' | tr '\n' ' ')}"
rm -rf "$artifacts"
mkdir -p "$artifacts"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# Any sanitizer report ends the run as a crash, with a stack.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:symbolize=1:print_summary=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:symbolize=1"

failed=()
summary=()
for t in $targets; do
  binary="$build/fuzz/${t}_fuzzer"
  work="$scratch/$t"
  mkdir -p "$work"
  cp fuzz/corpus/"$t"/* "$work"/
  dict=()
  [ -f "fuzz/dict/$t.dict" ] && dict=(-dict="fuzz/dict/$t.dict")
  log="$artifacts/$t.log"
  echo "fuzz: $t for ${seconds} s"
  set +e
  "$binary" "$work" "${dict[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$t-" >"$log" 2>&1
  status=$?
  set -e
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -1)
  rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log" | tail -1)
  cov=$(sed -nE 's/.* cov: ([0-9]+) .*/\1/p' "$log" | tail -1)
  summary+=("$(printf '%-14s %9s runs  %7s execs/s  coverage %s' "$t" "${runs:-?}" "${rate:-?}" "${cov:-?}")")
  if [ $status -ne 0 ]; then
    failed+=("$t")
    echo "fuzz: $t FAILED (exit $status). Its log ends:"
    grep -E 'FUZZ_CHECK|ERROR:|runtime error|SUMMARY|^    #[0-9]+ .* (in|/)' "$log" | head -40 || tail -40 "$log"
    for input in "$artifacts/$t"-*; do
      [ -f "$input" ] || continue
      echo "fuzz: input saved as $input ($(stat -c %s "$input") bytes)"
      echo "fuzz: reproduce with: $binary $input"
      echo "fuzz: the input, base64 (to recreate it from this log: base64 -d > input):"
      head -c 4096 "$input" | base64
    done
  fi
  if [ "${FUZZ_MERGE:-0}" = 1 ]; then
    "$binary" -merge=1 fuzz/corpus/"$t" "$work" >/dev/null 2>&1 || true
  fi
done

echo "fuzz: ${seconds} s per target, $((SECONDS - start)) s in all (logs in $artifacts)"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#summary[@]} targets, no crash"
