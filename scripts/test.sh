#!/usr/bin/env bash
# README command 2: install, build, run every test. Three parts, each run even when an
# earlier one failed, so one CI run reports every failure:
#   1. the ctest suites of build/, on SQLite and PostgreSQL (docs/testing.md);
#   2. the libFuzzer targets, each for a bounded time (scripts/fuzz.sh, FUZZ_SECONDS each);
#   3. the suite again under AddressSanitizer and UndefinedBehaviorSanitizer
#      (scripts/test-sanitizers.sh).
# JUNHENG_TEST_PARTS="suite" (or any of suite, fuzz, sanitizers) runs only those parts.
set -uo pipefail
cd "$(dirname "$0")/.."
set -e
scripts/install-deps.sh
scripts/build.sh
set +e
parts="${JUNHENG_TEST_PARTS:-suite fuzz sanitizers}"
failed=()
timings=()
run_part() {
  local name=$1; shift
  case " $parts " in *" $name "*) ;; *) return 0 ;; esac
  local start=$SECONDS
  echo "test.sh: $name"
  "$@" || failed+=("$name")
  timings+=("$(printf '%-11s %5d s' "$name" $((SECONDS - start)))")
}
run_part suite ctest --test-dir build --output-on-failure -j2 --timeout 900
run_part fuzz scripts/fuzz.sh "${FUZZ_SECONDS:-25}"
run_part sanitizers scripts/test-sanitizers.sh
printf 'test.sh: %s\n' "${timings[@]}"
if [ ${#failed[@]} -ne 0 ]; then
  echo "test.sh: FAILED: ${failed[*]}"
  exit 1
fi
echo "test.sh: all parts passed"
