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
# wait_grep PATTERN FILE [SECONDS] [PID] — polls until FILE holds PATTERN (returns 1 after
# SECONDS, default 20, or as soon as PID has exited): a readiness wait instead of a sleep.
wait_grep() {
  local pat=$1 file=$2 secs=${3:-20} pid=${4:-} i
  for ((i = 0; i < secs * 20; i++)); do
    grep -q -- "$pat" "$file" 2>/dev/null && return 0
    [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null && { grep -q -- "$pat" "$file" 2>/dev/null; return; }
    sleep 0.05
  done
  return 1
}
# netns_veth NS_A IF_A NS_B IF_B — two network namespaces made here (deleted on exit) joined
# by a veth pair, IF_A in NS_A and IF_B in NS_B, both up: nothing of it in the host's own
# namespace, so frames sent into it never reach the host. Skips when namespaces are refused.
netns_veth() {
  ip netns add "$1" || skip "cannot create network namespaces"
  on_exit "ip netns del $1 2>/dev/null"
  ip netns add "$3" || fail "netns $3"
  on_exit "ip netns del $3 2>/dev/null"
  ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" || fail "veth $2/$4"
  ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up || fail "veth up"
}
