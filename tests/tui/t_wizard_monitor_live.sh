#!/usr/bin/env bash
# The Monitor step capturing live: the wizard, run inside a test network namespace, watches one
# end of a veth pair (its pcap fd in the wizard's poll loop) while pnb_replay sends the Pi 4
# boot capture from a second test namespace into the other end (neither end is in the host's
# namespace); the checklist, the verdict and the drop counter appear, and `w` saves a capture
# that `pinetboot monitor -r` diagnoses the same way.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
live_pair wl
demo_site "$T/site.conf"
sed -i "s/^interface *=.*/interface = $a/" "$T/site.conf"

PNB_WIZARD_IFACES="$a=192.168.20.1/24" tmux_start 80x24 ip netns exec "$nsm" "$PINETBOOT" wizard site.conf
tmux_wait "1 Site"
tmux_keys Tab Tab Tab Tab Tab Tab Tab
tmux_wait "live on $a - 0 packets - 0 dropped (pcap_stats)"
live_replay_pi4
tmux_wait "+ + + + X . . .  FAILED at 5 TFTP kernel" 15 # the verdict needs the transfer's end
tmux_wait "verdict: failed at stage 5 (TFTP kernel)"
tmux_wait "live on $a - 75 packets - 0 dropped"
tmux_keys w
tmux_wait "saved 75 packets to "
saved=$(tmux_screen | sed -n 's/.*saved [0-9]* packets to \(pinetboot-capture-[0-9-]*\.pcap\).*/\1/p')
[[ -n $saved && -f $T/$saved ]] || { tmux_dump; fail "no saved capture named on the status line"; }
"$PINETBOOT" monitor -q -r "$T/$saved" >"$T/re" 2>&1
expect_grep 'dc:a6:32:10:00:01 4B    5a000101 + + + + X' "$T/re"
# pause: the fd leaves the poll loop, packets wait in the kernel buffer
tmux_keys p
tmux_wait "PAUSED"
tmux_keys p
tmux_wait_gone "PAUSED"
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
exit 0
