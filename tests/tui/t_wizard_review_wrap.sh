#!/usr/bin/env bash
# Review: long lines of a generated file are cut at the edge at 80x24; W wraps them (the rest
# of the line continues below), W again cuts them; the help bar names the key.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
demo_site "$T/demo-site.conf"
tmux_start 80x24 "$PINETBOOT" wizard demo-site.conf
tmux_wait "1 Site"
tmux_keys Tab Tab Tab
tmux_wait "Review: the generated files"
tmux_wait "W wrap"
tmux_keys Down
tmux_wait "dnsmasq.d/pinetboot.conf"
tmux_wait "# Generated from the site profile; edit the profile and re-export instead of"
tmux_expect_no "this file."
tmux_keys W
tmux_wait "long lines wrapped"
tmux_screen | grep -qE "^ +this file\\." || { tmux_dump; fail "the cut-off end of the line is not wrapped below"; }
tmux_keys W
tmux_wait "long lines cut at the edge"
tmux_expect_no "this file."
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
exit 0
