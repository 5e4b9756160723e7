#!/usr/bin/env bash
# bench/wizard_live.sh — the wizard's Monitor step under load: pnb_replay sends generated
# netboot traffic through a veth pair (other end in a test network namespace) for N s at
# PNB_LIVE_PPS (default 100,000/s) while the wizard, in tmux at 80x24, captures on the near end
# with its pcap fd in the poll loop (bounded dispatch, redraws <= 10/s). Prints the packets the
# step decoded and the kernel drops it shows (pcap_stats). Needs root and tmux.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
[[ $(id -u) -eq 0 ]] || { echo "bench/wizard_live.sh: needs root; skipped"; exit 0; }
command -v tmux >/dev/null || { echo "bench/wizard_live.sh: needs tmux; skipped"; exit 0; }
bin="$PWD/$BUILD/pinetboot"
work=$(mktemp -d /tmp/pnb-wl.XXXXXX)
ns="pnb-wb-$$" a="pnb-wb-$$a" b="pnb-wb-$$b" sock="pnb-wl-$$"
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null
  ip netns del "$ns" 2>/dev/null
  ip link del "$a" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
"$PWD/$BUILD/tools/pnb_gen" bench "$work/x.pcap" 200000 >/dev/null
ip netns add "$ns" && ip link add "$a" type veth peer name "$b" && ip link set "$b" netns "$ns" &&
  ip link set "$a" up && ip netns exec "$ns" ip link set "$b" up || { echo "veth setup failed"; exit 1; }
printf '[server]\ninterface = %s\naddress = 192.168.20.1/24\n' "$a" >"$work/site.conf"
secs=${PNB_LIVE_SECONDS:-5} pps=${PNB_LIVE_PPS:-100000}
tmux -L "$sock" -f /dev/null new-session -d -s w -x 80 -y 24 -c "$work" \
  "env TERM=screen-256color LANG=C.UTF-8 PNB_WIZARD_IFACES=$a=192.168.20.1/24 $bin wizard site.conf; sleep 60"
sleep 1
tmux -L "$sock" send-keys -t w Tab Tab Tab Tab Tab
sleep 1
ip netns exec "$ns" "$PWD/$BUILD/tools/pnb_replay" "$b" "$work/x.pcap" "$secs" "$pps" >"$work/replay"
sleep 3 # the queue drains, drop counters refresh (1 s)
line=$(tmux -L "$sock" capture-pane -p -t w | grep -m1 'live on')
rate=$(sed -n 's/.*(\([0-9]*\)\/s).*/\1/p' "$work/replay")
sent=$(sed -n 's/^sent \([0-9]*\) frames.*/\1/p' "$work/replay")
got=$(sed -n 's/.* - \([0-9]*\) packets - \([0-9]*\) dropped.*/\1/p' <<<"$line")
drop=$(sed -n 's/.* - \([0-9]*\) packets - \([0-9]*\) dropped.*/\2/p' <<<"$line")
echo "wizard Monitor step, live: pnb_replay sent ${sent:-?} frames at ${rate:-?}/s for ${secs} s;"
echo "  the step decoded ${got:-?} packets, kernel drops ${drop:-?} (ratio decoded/sent $(echo "scale=3; ${got:-0} / (${sent:-0} + 0.0001)" | bc -l))"
