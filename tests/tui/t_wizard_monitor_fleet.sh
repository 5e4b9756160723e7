#!/usr/bin/env bash
# The Monitor step as a fleet console: 100 profile Pis and a capture where one of them fails.
# The failed Pi is listed first, the 99 the capture never saw are "not seen yet" (not failed);
# / finds Pis by name, serial, MAC or IP; Enter opens the full diagnosis (wrapped, scrolled,
# evidence packets marked); the fix wraps at 80x24 instead of being cut; the mouse selects a
# row and opens it. At 80x24 and 120x40, with a resize.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
bad=$PNB_TOP/tests/data/pcaps/iscsi-chap.pcap
[[ -f $bad ]] || skip "no iscsi-chap.pcap"
cp "$bad" "$T/bad.pcap"
demo_site "$T/fleet.conf"
for i in $(seq 3 100); do
  printf '\n[pi "pi%d"]\nmodel = 4B\nmac = dc:a6:32:00:%02x:%02x\ntftp_prefix = mac\n' \
    "$i" $((i / 256)) $((i % 256))
done >>"$T/fleet.conf"
"$PINETBOOT" lint "$T/fleet.conf" || fail "the fleet profile does not lint"

click() {
  local x y; x=$(printf %x $((33 + $1))); y=$(printf %x $((33 + $2)))
  tm send-keys -t w -H 1b 5b 4d 20 "$x" "$y" 1b 5b 4d 23 "$x" "$y"
}
row_of() { tmux_screen | grep -nF -- "$1" | head -n1 | cut -d: -f1 | awk '{print $1 - 1}'; }

for size in 80x24 120x40; do
  rm -f "$T/wizard.rc"
  tmux_start "$size" "$PINETBOOT" wizard fleet.conf --replay bad.pcap --replay-speed 0
  tmux_wait "packets - finished" 20
  tmux_wait "Pi 1/100: 1 failed, 0 booting, 0 booted, 99 not seen"
  tmux_wait "8 Monitor!"
  # failures first: the first row is kitchen, failed at stage 7
  first=$(tmux_screen | grep -m1 -E '^ *(>|X|\+|~|\.) ')
  [[ $first == *"X kitchen"*"FAILED at 7 root login"* ]] || { tmux_dump; fail "the failed Pi is not first: $first"; }
  tmux_wait ". garage"
  tmux_wait "not seen yet"
  # the fix is whole: its last words are on screen
  tmux_wait "fix: give the Pi its CHAP user and secret"
  tmux_wait "the target"
  # search: by name, serial, IP; Esc shows all again
  tmux_keys /
  tmux_wait "Find Pis"
  tmux_type "pi42"; tmux_keys Enter
  tmux_wait 'Pi 1/1 matching "pi42" of 100'
  tmux_wait ". pi42 "
  tmux_keys Escape
  tmux_wait "Pi 1/100"
  tmux_keys /
  tmux_keys C-u; tmux_type "511e57f7"; tmux_keys Enter
  tmux_wait 'matching "511e57f7"'
  tmux_wait "X kitchen"
  tmux_keys /
  tmux_keys C-u; tmux_type "192.168.20.64"; tmux_keys Enter
  tmux_wait 'Pi 1/1 matching "192.168.20.64"'
  tmux_keys v                   # every packet that holds the address
  tmux_wait "Packets: all"
  tmux_keys v Escape
  # W wraps the packet lines instead of cutting them at the edge
  if [[ $size == 80x24 ]]; then
    tmux_expect_no "status 0x0201 Authentication failure"
    tmux_keys W
    tmux_wait "status 0x0201 Authentication failure"
    tmux_keys W
  fi
  # Enter: the whole diagnosis, the evidence packet marked
  tmux_keys Enter
  tmux_wait "Diagnosis of kitchen"
  tmux_wait "FAILED at stage 7 (iscsi-chap)"
  tmux_keys End
  for ((i = 0; i < 400; i++)); do tmux_screen | grep -qE '> [0-9:.]+ #95 ' && break; sleep 0.05; done
  tmux_screen | grep -qE '> [0-9:.]+ #95 ' || { tmux_dump; fail "the evidence packet #95 is not marked"; }
  tmux_keys Escape
  tmux_wait_gone "Diagnosis of kitchen"
  # the mouse: a click selects a not-seen Pi, a second click opens it
  r=$(row_of ". garage")
  click 5 "$r"
  sleep 0.3
  tmux_wait "Pi 2/100"
  click 5 "$r"
  tmux_wait "Diagnosis of garage"
  tmux_wait "No DHCP DISCOVER from this Pi"
  tmux_keys Escape
  # a resize keeps the fleet
  if [[ $size == 80x24 ]]; then
    tmux_resize 120x40; tmux_wait "Boot stages"; tmux_wait "Pi 2/100"
    tmux_resize 80x24; tmux_wait_gone "Boot stages"; tmux_wait "Pi 2/100"
  fi
  tmux_keys q
  [[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status at $size"
done
exit 0
