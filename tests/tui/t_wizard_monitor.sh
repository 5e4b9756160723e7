#!/usr/bin/env bash
# The wizard's Monitor step fed by --replay: a good-path capture and a failing one, at 80x24, at
# 120x40 and after a resize: the fleet row's stage marks (80x24) and the checklist (120x40) show
# the stages each reached (the same as `pinetboot monitor -r --json` says), the failing one
# shows its verdict and fix, and the profile's Pi absent from a good capture is "not seen yet",
# not failed (the step is marked +). Then the keys: Pi selection, the all-packets view (v),
# pause/resume, saving the capture (w), help; and a live capture that cannot start says why.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
need python3
demo_site "$T/demo-site.conf"

# The diagnosis branch's captures when present, else the monitor's golden vectors.
pick() { for f in "$@"; do [[ -f $PNB_TOP/$f ]] && { echo "$PNB_TOP/$f"; return; }; done; }
good=$(pick tests/data/pcaps/good-pi4-full-iscsi.pcap tests/monitor/pcaps/pi3-boot.pcap)
bad=$(pick tests/data/pcaps/iscsi-chap.pcap tests/monitor/pcaps/pi4-boot.pcap)
[[ -n $good && -n $bad ]] || skip "no test captures"
cp "$good" "$T/good.pcap"
cp "$bad" "$T/bad.pcap"

# What the headless monitor says about the first Pi: reached, failed, verdict (one per line).
summary() {
  "$PINETBOOT" monitor -r "$1" --site "$T/demo-site.conf" --json 2>/dev/null | tail -n 1 |
    python3 -c 'import json,sys
p=json.load(sys.stdin)["pis"][0]
print(p["reached"]); print(p["failed"] or 0); print(p["verdict"])'
}
stage_names=("" "ROM DHCP discover" "boot offer" "address bound" "TFTP firmware" "TFTP kernel"
             "kernel network" "root login" "root in use")
# check_stages REACHED FAILED — the checklist marks of the selected Pi (stacked at 80x24: the
# fleet row's marks "+ + + X . . . .").
check_stages() {
  local reached=$1 failed=$2 s marks=""
  if [[ $(tm display-message -p -t w '#{window_width}') -lt 110 ]]; then
    for ((s = 1; s <= 8; s++)); do
      if ((s <= reached)); then marks+="+ "; elif ((s == failed)); then marks+="X "; else marks+=". "; fi
    done
    tmux_wait "${marks% } " 2
    return 0
  fi
  for ((s = 1; s <= 8; s++)); do
    if ((s <= reached)); then tmux_wait "[+] $s ${stage_names[s]}" 2
    elif ((s == failed)); then tmux_wait "[X] $s ${stage_names[s]}" 2
    fi
  done
  ((reached < 8 && reached + 1 != failed)) && tmux_expect_no "[+] $((reached + 1)) ${stage_names[reached + 1]}"
  return 0
}
# wait_finished — the replay has reached the end of the file.
wait_finished() { tmux_wait "packets - finished" 20; }

mapfile -t g < <(summary "$T/good.pcap")
mapfile -t b < <(summary "$T/bad.pcap")
[[ ${#g[@]} -eq 3 && ${#b[@]} -eq 3 ]] || fail "monitor --json gave no summary"
((g[1] == 0)) || fail "the good capture fails: ${g[2]}"
((b[1] > 0)) || fail "the failing capture does not fail"
verdict_start=${b[2]:0:40}

# --- good path at 80x24
tmux_start 80x24 "$PINETBOOT" wizard demo-site.conf --replay good.pcap
tmux_wait "8 Monitor"
tmux_wait "Monitor: watch the Pis boot"
wait_finished
check_stages "${g[0]}" 0
tmux_wait "Pi 1/"
! tmux_screen | grep -qE '\[X\] [1-8] |FAILED at' || { tmux_dump; fail "a stage failed on the good path"; }
tmux_wait "not seen yet"      # garage, in the profile, is off: not a failure
tmux_wait "8 Monitor+"
[[ $(tmux_screen | wc -l) -eq 24 ]] || fail "expected 24 lines"
# resize to 120x40 and back: side-by-side panels, then stacked again
tmux_resize 120x40
tmux_wait "Boot stages"
tmux_wait "Diagnosis"
check_stages "${g[0]}" 0
tmux_resize 80x24
tmux_wait_gone "Boot stages"
check_stages "${g[0]}" 0
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
tm kill-server

# --- failing capture at 120x40: checklist, verdict and fix
rm -f "$T/wizard.rc"
tmux_start 120x40 "$PINETBOOT" wizard demo-site.conf --replay bad.pcap --replay-speed 0
wait_finished
check_stages "${b[0]}" "${b[1]}"
tmux_wait "verdict: $verdict_start"
tmux_wait "fix: "
tmux_wait "evidence: "
tmux_wait "8 Monitor!"
# the same after a resize to 80x24
tmux_resize 80x24
tmux_wait_gone "Boot stages"
check_stages "${b[0]}" "${b[1]}"
tmux_wait "verdict: $verdict_start"
tmux_wait "fix: "

# keys: the all-packets view, Pi selection, help, save
tmux_keys v
tmux_wait "Packets: all"
tmux_keys v
tmux_wait_gone "Packets: all"
n_pis=$(tmux_screen | sed -n 's/.*Pi 1\/\([0-9]*\):.*/\1/p')
if [[ ${n_pis:-1} -gt 1 ]]; then
  tmux_keys j
  tmux_wait "Pi 2/$n_pis"
  tmux_keys k
  tmux_wait "Pi 1/$n_pis"
fi
# scrolling: Home shows the oldest packet, End follows the newest again
first_packet_shown() { tmux_screen | grep -qE '\.[0-9]{6} #1 '; }
! first_packet_shown || fail "the timeline does not follow the newest packets"
tmux_keys Home
tmux_wait "(scrolled; End follows)"
first_packet_shown || { tmux_dump; fail "Home does not show the first packet"; }
tmux_keys PageDown
tmux_keys End
tmux_wait_gone "(scrolled; End follows)"
! first_packet_shown || fail "End does not follow the newest packets"
tmux_keys '?'
tmux_wait "pause or resume the capture"
tmux_keys x
tmux_wait_gone "pause or resume the capture"
tmux_keys w
tmux_wait "saved "
saved=$(tmux_screen | sed -n 's/.*saved [0-9]* packets to \(pinetboot-capture-[0-9-]*\.pcap\).*/\1/p')
[[ -n $saved && -f $T/$saved ]] || { tmux_dump; fail "no saved capture named on the status line"; }
cmp <("$PINETBOOT" monitor -r "$T/bad.pcap") <("$PINETBOOT" monitor -r "$T/$saved") ||
  fail "the saved capture does not decode like the replayed file"
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
tm kill-server

# --- pause and resume a slow replay
rm -f "$T/wizard.rc"
tmux_start 80x24 "$PINETBOOT" wizard demo-site.conf --replay good.pcap --replay-speed 0.0001
tmux_wait "replay good.pcap at 0.0001x"
tmux_keys p
tmux_wait "PAUSED"
tmux_wait "replay paused; p resumes"
a=$(tmux_screen | sed -n 's/.* - \([0-9]*\) packets.*/\1/p')
sleep 2.5 # longer than the longest wait between two replayed packets
[[ $(tmux_screen | sed -n 's/.* - \([0-9]*\) packets.*/\1/p') == "$a" ]] || fail "paused, yet packets arrive"
tmux_keys p
tmux_wait_gone "PAUSED"
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
tm kill-server

# --- a replay without a profile: no cross-checks, and quitting asks nothing
rm -f "$T/wizard.rc"
tmux_start 80x24 "$PINETBOOT" wizard --replay bad.pcap --replay-speed 0
wait_finished
tmux_wait "FAILED at ${b[1]} ${stage_names[b[1]]}"
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
[[ ! -e $T/site.conf ]] || fail "a replay wrote site.conf"
tm kill-server

# --- a live capture that cannot start says why, in the step
rm -f "$T/wizard.rc"
sed -i 's/^interface *=.*/interface = pnbnope0/' "$T/demo-site.conf"
tmux_start 80x24 "$PINETBOOT" wizard demo-site.conf
tmux_wait "1 Site"
tmux_keys Tab Tab Tab Tab Tab Tab Tab
tmux_wait "Monitor: watch the Pis boot"
tmux_wait "pnbnope0"
tmux_wait "Live capture needs root or CAP_NET_RAW"
tmux_wait "8 Monitor!"
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"

# bad options
expect_exit 2 "$PINETBOOT" wizard --replay-speed fast
expect_grep "expected a number" "$T/err"
exit 0
