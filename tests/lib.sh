# Shared helpers for shell tests: source it. Gives a per-test temp dir ($T) removed on exit,
# assertions that print what differed, and `skip REASON`.
set -u
: "${PINETBOOT:?run through tests/run.sh or set PINETBOOT}"
T=$(mktemp -d "${TMPDIR:-/tmp}/pnb-test.XXXXXX")
_pnb_cleanups=()
on_exit() { _pnb_cleanups+=("$1"); }
_pnb_exit() {
  local rc=$?
  for ((i=${#_pnb_cleanups[@]}-1; i>=0; i--)); do eval "${_pnb_cleanups[$i]}" || true; done
  rm -rf "$T"
  exit $rc
}
trap _pnb_exit EXIT
trap 'exit 130' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skip: $*"; exit 77; }
# expect_exit CODE CMD... — runs CMD, output to $T/out and $T/err, checks the exit status.
expect_exit() {
  local want=$1; shift
  "$@" >"$T/out" 2>"$T/err"
  local got=$?
  if [[ $got -ne $want ]]; then
    echo "--- stdout"; cat "$T/out"; echo "--- stderr"; cat "$T/err"
    fail "exit $got, expected $want: $*"
  fi
}
expect_grep() { grep -q -- "$1" "$2" || { echo "--- $2:"; cat "$2"; fail "no '$1' in $2"; }; }
expect_no_grep() { ! grep -q -- "$1" "$2" || { echo "--- $2:"; cat "$2"; fail "unexpected '$1' in $2"; }; }
need() { for c in "$@"; do command -v "$c" >/dev/null 2>&1 || skip "$c not installed"; done; }
need_root() { [[ $(id -u) -eq 0 ]] || skip "needs root"; }
