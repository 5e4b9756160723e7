#!/usr/bin/env bash
# The one test runner: every unit binary in $BUILD/tests and every shell test
# tests/*/t_*.sh. A shell test exits 0 (pass), 77 (skip, with a reason on its last line) or
# anything else (fail). Prints one line per test and ends with "N passed, N failed, N skipped".
# PNB_TESTS=pattern runs only tests whose name contains the pattern.
# PNB_JOBS=N runs N tests at a time (default 1). Each test builds its own namespaces, temp
# directory, daemons and tmux server, so they do not see each other; most of a lab test's time
# is waiting for daemons and timers, so two at a time nearly halves the wall time on 2 cores.
# The slow directories start first so the run does not end on one long test.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export PINETBOOT="$PWD/$BUILD/pinetboot"
export PNB_BUILD="$PWD/$BUILD"
export PNB_TOP="$PWD"
export LC_ALL=C.UTF-8 TZ=UTC
logdir="$PWD/$BUILD/test-logs"
mkdir -p "$logdir"
pattern=${PNB_TESTS:-}
jobs_max=${PNB_JOBS:-1}
[[ $jobs_max =~ ^[1-9][0-9]?$ ]] || { echo "run.sh: PNB_JOBS must be 1-99" >&2; exit 2; }
names=()

# run_one NAME CMD... — runs one test, prints its line (and a failure's log tail) in one piece
# under a lock so parallel tests do not interleave, and leaves "STATUS" in NAME's .res file.
run_one() {
  local name=$1; shift
  local base; base="$logdir/$(echo "$name" | tr '/' '_')"
  local t0=$SECONDS out status
  timeout --kill-after=10 "${PNB_TEST_TIMEOUT:-600}" "$@" >"$base.log" 2>&1 </dev/null
  local rc=$?
  local dt=$((SECONDS - t0))
  if [[ $rc -eq 0 ]]; then
    status=PASS; out=$(printf 'PASS  %-50s %3ds' "$name" "$dt")
  elif [[ $rc -eq 77 ]]; then
    status=SKIP; out=$(printf 'SKIP  %-50s %s' "$name" "$(tail -n 1 "$base.log")")
  else
    status=FAIL
    out=$(printf 'FAIL  %-50s %3ds (exit %d)\n' "$name" "$dt" "$rc"; sed -e 's/^/    | /' "$base.log" | tail -n 40)
  fi
  echo "$status" >"$base.res"
  { flock 9; printf '%s\n' "$out"; } 9>"$logdir/.print.lock"
}

# queue NAME CMD... — runs the test now (PNB_JOBS=1) or when a slot is free.
queue() {
  [[ -n "$pattern" && "$1" != *"$pattern"* ]] && return
  names+=("$1")
  rm -f "$logdir/$(echo "$1" | tr '/' '_').res"
  if ((jobs_max == 1)); then run_one "$@"; return; fi
  while (($(jobs -rp | wc -l) >= jobs_max)); do wait -n; done
  run_one "$@" &
}

shell_tests() {
  local first=(fuzz lab seeds adopt monitor logs tui) d t
  for d in "${first[@]}"; do ls tests/"$d"/t_*.sh 2>/dev/null; done
  for t in tests/*/t_*.sh; do
    d=${t#tests/}; d=${d%%/*}
    [[ " ${first[*]} " == *" $d "* ]] || echo "$t"
  done
}
while read -r t; do
  [[ -f "$t" ]] || continue
  if [[ -n "${PNB_ASAN:-}" ]] && grep -q '^# asan: skip' "$t"; then continue; fi
  queue "${t#tests/}" bash "$t"
done < <(shell_tests)
for t in "$BUILD"/tests/test_*; do
  [[ -x "$t" && -f "$t" ]] || continue
  queue "unit/$(basename "$t")" "$t"
done
wait

pass=0 fail=0 skip=0
failed=()
for n in "${names[@]}"; do
  case $(cat "$logdir/$(echo "$n" | tr '/' '_').res" 2>/dev/null) in
    PASS) pass=$((pass + 1)) ;;
    SKIP) skip=$((skip + 1)) ;;
    *) fail=$((fail + 1)); failed+=("$n") ;;
  esac
done
echo
[[ ${#failed[@]} -gt 0 ]] && echo "failed: ${failed[*]} (logs in $logdir)"
echo "$pass passed, $fail failed, $skip skipped"
[[ $fail -eq 0 ]]
