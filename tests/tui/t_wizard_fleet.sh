#!/usr/bin/env bash
# A 1,000-Pi site in the wizard: the list scrolls (End, PgUp), the filter narrows it (by name
# and by MAC), an edit is validated against the whole fleet (duplicate MAC), and Esc in the
# filter shows every Pi again.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
{
  printf '[server]\ninterface = eth0\naddress = 10.1.0.1/16\niqn_base = iqn.2026-11.lan.example\n'
  for i in $(seq 1 1000); do
    printf '\n[pi "pi%d"]\nmodel = 4B\nmac = dc:a6:32:00:%02x:%02x\ntftp_prefix = mac\n' \
      "$i" $((i / 256)) $((i % 256))
  done
} >"$T/fleet.conf"
tmux_start 80x24 "$PINETBOOT" wizard fleet.conf
tmux_wait "opened fleet.conf"
tmux_keys Tab
tmux_wait "pi1 "
tmux_keys End
tmux_wait "pi1000"
tmux_expect_no "pi1 "
tmux_keys PageUp
tmux_wait_gone "pi1000"
# filter by name: pi99 and pi990..pi999
tmux_keys /
tmux_wait "filter: _"
tmux_type "pi99"
tmux_wait "(11 of 1000 Pis)"
tmux_keys Enter
tmux_wait "showing 11 of 1000 Pis"
tmux_keys End
tmux_wait "pi999"
tmux_expect_no "pi1000"
# filter by MAC
tmux_keys /
tmux_keys C-u
tmux_type "00:03:e8"
tmux_wait "(1 of 1000 Pis)"
tmux_keys Enter
tmux_wait "pi1000"
# give pi1000 the MAC of pi1: the loader's duplicate message, pi1000 marked
tmux_keys Enter
tmux_wait "Esc: back to the list"
tmux_keys Down Down Down Enter C-u
tmux_type "dc:a6:32:00:00:01"
tmux_keys Enter
tmux_wait "is also used by [pi \"pi1\"]"
tmux_keys Escape
tmux_wait "(0 of 1000 Pis)" # its MAC changed: the filter hides it now
# Esc in the filter shows every Pi again
tmux_keys / Escape
tmux_wait "showing all 1000 Pis"
tmux_keys End
tmux_wait "pi1000"
screen=$(tmux_screen)
# two problems: the MAC, and the TFTP directory named after it (tftp_prefix = mac)
grep -Eq 'pi1000 +4B +dc:a6:32:00:00:01 .*2 problems' <<<"$screen" || { echo "$screen"; fail "pi1000 not marked"; }
tmux_wait "mac: \"dc:a6:32:00:00:01\" is also used by"
tmux_keys q
tmux_wait "Unsaved changes to fleet.conf"
tmux_keys Down Enter
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
exit 0
