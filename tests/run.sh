#!/usr/bin/env bash
# The one test runner: every unit binary in $BUILD/tests and every shell test
# tests/*/t_*.sh. A shell test exits 0 (pass), 77 (skip, with a reason on its last line) or
# anything else (fail). Prints one line per test and ends with "N passed, N failed, N skipped".
# PNB_TESTS=pattern runs only tests whose name contains the pattern.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export PINETBOOT="$PWD/$BUILD/pinetboot"
export PNB_BUILD="$PWD/$BUILD"
export PNB_TOP="$PWD"
export LC_ALL=C.UTF-8 TZ=UTC
logdir="$PWD/$BUILD/test-logs"
mkdir -p "$logdir"
pass=0 fail=0 skip=0
failed=()
pattern=${PNB_TESTS:-}
run_one() {
  local name=$1; shift
  [[ -n "$pattern" && "$name" != *"$pattern"* ]] && return
  local log="$logdir/$(echo "$name" | tr '/' '_').log"
  local t0=$SECONDS
  timeout --kill-after=10 "${PNB_TEST_TIMEOUT:-600}" "$@" >"$log" 2>&1
  local rc=$?
  local dt=$((SECONDS - t0))
  if [[ $rc -eq 0 ]]; then
    pass=$((pass + 1)); printf 'PASS  %-50s %3ds\n' "$name" "$dt"
  elif [[ $rc -eq 77 ]]; then
    skip=$((skip + 1)); printf 'SKIP  %-50s %s\n' "$name" "$(tail -n 1 "$log")"
  else
    fail=$((fail + 1)); failed+=("$name"); printf 'FAIL  %-50s %3ds (exit %d)\n' "$name" "$dt" "$rc"
    sed -e 's/^/    | /' "$log" | tail -n 40
  fi
}
for t in "$BUILD"/tests/test_*; do
  [[ -x "$t" && -f "$t" ]] || continue
  run_one "unit/$(basename "$t")" "$t"
done
for t in tests/*/t_*.sh; do
  [[ -f "$t" ]] || continue
  if [[ -n "${PNB_ASAN:-}" ]] && grep -q '^# asan: skip' "$t"; then continue; fi
  run_one "${t#tests/}" bash "$t"
done
echo
[[ ${#failed[@]} -gt 0 ]] && echo "failed: ${failed[*]} (logs in $logdir)"
echo "$pass passed, $fail failed, $skip skipped"
[[ $fail -eq 0 ]]
