#!/usr/bin/env bash
# `make run`: scripts/run-demo.sh writes demo-site.conf (first interface with an address) and
# opens the wizard on it; the demo profile is valid from the start.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
need ip
tmux_start 80x24 bash "$PNB_TOP/scripts/run-demo.sh" "$PINETBOOT"
tmux_wait "opened demo-site.conf"
[[ -f $T/demo-site.conf ]] || fail "no demo-site.conf written"
tmux_keys Tab
tmux_wait "kitchen"
tmux_wait "garage"
tmux_expect_no "problem"
tmux_keys Tab Tab Tab
tmux_wait "The profile is valid and ready to export."
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
"$PINETBOOT" lint "$T/demo-site.conf" >"$T/lint.out" 2>&1 || true
expect_no_grep "error" "$T/lint.out"
exit 0
