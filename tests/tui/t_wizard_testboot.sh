#!/usr/bin/env bash
# The Review step's Test boot, like a user on the boot server: the wizard runs INSIDE the lab's
# server namespace (eth0 = 10.77.0.1 with the exported dnsmasq and tgtd running), `t` asks which
# Pi, and a virtual Pi boots from this very server (the local attachment) while the Monitor step
# captures on eth0: its checklist reaches "root in use" and simulate's report says so. A Pi
# whose serial directory is missing shows the failed stage with its fix; Esc stops a boot that
# hangs, and so does quitting; at 80x24 and at 120x40; nothing of the attachment is left.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/../lab/lab-export.sh"
. "$(dirname "$0")/lib-tmux.sh"
need tc
lab_boot_net
lab_tgtd "$SRV"
lab_export_site
TMUX_TIMEOUT=20

wizard() { rm -f "$T/wizard.rc"; tmux_start "$1" ip netns exec "$SRV" "$PINETBOOT" wizard site.conf; tmux_wait "1 Site"; }
to_review() { tmux_keys Tab Tab Tab; tmux_wait "Review: the generated files"; }
# test_boot N — t, then the Nth Pi of the list (0 = kitchen, 1 = garage)
test_boot() {
  tmux_keys t
  tmux_wait "Test boot against the server running on eth0: which Pi?"
  shown
  for ((i = 0; i < $1; i++)); do tmux_keys Down; done
  tmux_keys Enter
  # the Monitor step is capturing on the server's interface (a boot that fails fast may have
  # ended, its report open, before the first look)
  TMUX_WAIT_OR="Test boot of" tmux_wait "live on eth0"
}
shown() { [[ -z "${PNB_SHOW:-}" ]] || tmux_dump; }
no_leftovers() {
  ip -n "$SRV" -br link | grep -q '^pnbl' && fail "a veth was left: $(ip -n "$SRV" -br link)"
  [[ -z "$(ip netns exec "$SRV" tc filter show dev eth0 ingress)" ]] || fail "tc filters left on eth0"
  return 0
}

for size in 80x24 120x40; do
  wizard $size
  to_review
  tmux_wait "test boot"   # the help bar
  test_boot 0
  tmux_wait "Test boot of kitchen: passed" 60
  tmux_wait 'Result: reached stage 8 "root in use".'
  shown
  tmux_keys Escape
  tmux_wait_gone "Test boot of kitchen"
  # the Monitor's fleet (80x24: the row's stage marks; 120x40: the checklist too)
  tmux_wait "+ + + + + + + +  booted (stage 8)"
  [[ $size == 80x24 ]] || tmux_wait "[+] 8 root in use"
  tmux_wait "Packets: dc:a6:32:1c:6a:2a"   # kitchen is selected
  tmux_expect_no "[X] "
  tmux_expect_no "FAILED at"
  tmux_wait 'test boot of kitchen: reached stage 8 "root in use"'
  no_leftovers

  # the failing case: garage's serial directory is not on the server
  tmux_keys BTab BTab BTab BTab
  tmux_wait "Review: the generated files"
  test_boot 1
  tmux_wait "Test boot of garage: FAILED at stage 4" 60
  tmux_wait 'Result: stopped at stage 4 "TFTP firmware"'
  tmux_wait "Fix: create the Pi's serial directory 6a7b8c9d/ in the TFTP root"
  shown
  tmux_keys Escape
  tmux_wait "FAILED at 4 TFTP firmware"   # garage, listed first
  [[ $size == 80x24 ]] || tmux_wait "[X] 4 TFTP firmware"
  tmux_wait "Packets: dc:a6:32:00:9c:61"   # the Monitor selected garage
  no_leftovers
  tmux_keys q
  [[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc") at $size"
done

# a boot that would hang (no boot server answering): Esc stops it, the report says so
lab_dnsmasq_stop srv
wizard 80x24
to_review
test_boot 0
tmux_wait "Esc stops it"
tmux_keys Escape
tmux_wait "Test boot of kitchen: FAILED" 10
tmux_wait "cancelled by the user"
tmux_keys Escape q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc") after a cancel"
no_leftovers
# quitting while a test boot runs stops it and removes the attachment before the wizard exits
wizard 80x24
to_review
test_boot 0
tmux_wait "Esc stops it"
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc") when quitting during a test boot"
no_leftovers
exit 0
