#!/usr/bin/env bash
# bench/wizard_live.sh — the wizard's Monitor step under load: pnb_replay sends generated
# netboot traffic through a veth pair for N s at PNB_LIVE_PPS (default 100,000/s) while the
# wizard, in tmux at 80x24 and inside a network namespace made here, captures on its end (the
# other end is in a second namespace: nothing reaches the host) with its pcap fd in the poll loop (bounded dispatch, redraws <= 10/s). Prints the packets the
# step decoded and the kernel drops it shows (pcap_stats). Needs root and tmux.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
[[ $(id -u) -eq 0 ]] || { echo "bench/wizard_live.sh: needs root; skipped"; exit 0; }
command -v tmux >/dev/null || { echo "bench/wizard_live.sh: needs tmux; skipped"; exit 0; }
bin="$PWD/$BUILD/pinetboot"
work=$(mktemp -d /tmp/pnb-wl.XXXXXX)
nsm="pnb-wbm-$$" ns="pnb-wb-$$" a="pnb-wb-$$a" b="pnb-wb-$$b" sock="pnb-wl-$$"
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null
  ip netns del "$ns" 2>/dev/null
  ip netns del "$nsm" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
"$PWD/$BUILD/tools/pnb_gen" bench "$work/x.pcap" 200000 >/dev/null
ip netns add "$nsm" && ip netns add "$ns" && ip -n "$nsm" link add "$a" type veth peer name "$b" netns "$ns" &&
  ip -n "$nsm" link set "$a" up && ip -n "$ns" link set "$b" up || { echo "veth setup failed"; exit 1; }
printf '[server]\ninterface = %s\naddress = 192.168.20.1/24\n' "$a" >"$work/site.conf"
secs=${PNB_LIVE_SECONDS:-5} pps=${PNB_LIVE_PPS:-100000}
tmux -L "$sock" -f /dev/null new-session -d -s w -x 80 -y 24 -c "$work" \
  "env TERM=screen-256color LANG=C.UTF-8 PNB_WIZARD_IFACES=$a=192.168.20.1/24 ip netns exec $nsm $bin wizard site.conf; sleep 60"
screen() { tmux -L "$sock" capture-pane -p -t w; }
# readiness, not sleeps: the wizard is up, then Tab until the Monitor step captures live
for _ in $(seq 100); do screen | grep -q "1 Site" && break; sleep 0.1; done
for _ in $(seq 8); do
  screen | grep -q "live on $a" && break
  tmux -L "$sock" send-keys -t w Tab
  for _ in $(seq 10); do screen | grep -q "live on $a" && break; sleep 0.1; done
done
screen | grep -q "live on $a" || { echo "bench/wizard_live.sh: the Monitor step did not start"; exit 1; }
ip netns exec "$ns" "$PWD/$BUILD/tools/pnb_replay" "$b" "$work/x.pcap" "$secs" "$pps" >"$work/replay"
# the queue drains and the drop counters refresh (every 1 s): wait until the count stops moving
line=$(screen | grep -m1 'live on') prev=
for _ in $(seq 30); do
  sleep 0.5
  line=$(screen | grep -m1 'live on')
  [[ $line == "$prev" ]] && break
  prev=$line
done
rate=$(sed -n 's/.*(\([0-9]*\)\/s).*/\1/p' "$work/replay")
sent=$(sed -n 's/^sent \([0-9]*\) frames.*/\1/p' "$work/replay")
got=$(sed -n 's/.* - \([0-9]*\) packets - \([0-9]*\) dropped.*/\1/p' <<<"$line")
drop=$(sed -n 's/.* - \([0-9]*\) packets - \([0-9]*\) dropped.*/\2/p' <<<"$line")
echo "wizard Monitor step, live: pnb_replay sent ${sent:-?} frames at ${rate:-?}/s for ${secs} s;"
echo "  the step decoded ${got:-?} packets, kernel drops ${drop:-?} (ratio decoded/sent $(echo "scale=3; ${got:-0} / (${sent:-0} + 0.0001)" | bc -l))"
