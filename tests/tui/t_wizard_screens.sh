#!/usr/bin/env bash
# The wizard at 80x24: steps shown, navigation, the help screen, a resize to 120x40 and back
# (the screen is redrawn exactly as before), the "terminal too small" notice, quitting, and the
# terminal restored after SIGTERM.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
demo_site "$T/demo-site.conf"
tmux_start 80x24 "$PINETBOOT" wizard demo-site.conf
tmux_wait "1 Site"
for s in "2 Pis" "3 Server" "4 Review" "5 Export" "Site: the boot server" "Interface" \
         "eth0" "192.168.20.1/24" "Detected interfaces:" "q quit"; do
  tmux_wait "$s" 2
done
tmux_expect_no "[modified]"
! tmux_screen | grep -qE '[0-9]{2}:[0-9]{2}:[0-9]{2}' || fail "a clock is shown without --clock"
before=$(tmux_screen)
[[ $(echo "$before" | wc -l) -eq 24 ]] || fail "expected 24 lines"

# navigate: Tab to the Pis, S-Tab back, Right/Left too
tmux_keys Tab
tmux_wait "Pis: the Raspberry Pis"
tmux_wait "kitchen"
tmux_wait "garage"
tmux_keys Down Enter
tmux_wait "Esc: back to the list"
tmux_wait "2caf9c61"
tmux_keys Escape
tmux_wait "Pis: the Raspberry Pis"
tmux_wait_gone "Esc: back to the list"
tmux_keys Right
tmux_wait "Server: DHCP, TFTP"
tmux_wait "DHCP mode"
tmux_keys BTab BTab
tmux_wait "Site: the boot server"

# help screen from the action table (scrolls at 80x24; t_wizard_help.sh has the rest)
tmux_keys '?'
tmux_wait "(arrows scroll, other keys close)"
tmux_wait "next-step"
tmux_keys End
tmux_wait "quit (asks when there are unsaved changes)"
tmux_keys x
tmux_wait_gone "(arrows scroll, other keys close)"

# resize to 120x40: everything laid out on the new size
before=$(tmux_screen)
tmux_resize 120x40
tmux_wait "1 Site"
for ((i = 0; i < 400; i++)); do
  [[ $(tmux_screen | tail -n 1) == *"q quit"* ]] && break
  sleep 0.05
done
big=$(tmux_screen)
[[ $(echo "$big" | wc -l) -eq 40 ]] || { echo "$big"; fail "expected 40 lines at 120x40"; }
[[ $(echo "$big" | tail -n 1) == *"q quit"* ]] || { echo "$big"; fail "help bar not on line 40"; }
[[ $(echo "$big" | sed -n 3p) == "$(printf '─%.0s' {1..120})" ]] || { echo "$big"; fail "rule not 120 wide"; }

# back to 80x24: the same screen as before
tmux_resize 80x24
for ((i = 0; i < 400; i++)); do
  [[ "$(tmux_screen)" == "$before" ]] && break
  sleep 0.05
done
after=$(tmux_screen)
if [[ "$after" != "$before" ]]; then
  diff <(echo "$before") <(echo "$after")
  fail "the 80x24 screen differs after a resize round trip"
fi

# too small
tmux_resize 70x20
tmux_wait "terminal too small"
tmux_wait "at least 80x24; this one is 70x20"
tmux_resize 80x24
tmux_wait "Site: the boot server"

# quit: nothing changed, so no question
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"

# SIGTERM: exits 143 and leaves the terminal usable (not in the alternate screen)
rm -f "$T/wizard.rc"

tmux_start 80x24 "$PINETBOOT" wizard demo-site.conf
tmux_wait "1 Site"
pid=$(tmux_wizard_pid) || fail "no wizard process"
kill -TERM "$pid"
[[ $(tmux_wait_exit) == 143 ]] || fail "exit status after SIGTERM: $(cat "$T/wizard.rc")"
[[ $(tm display-message -p -t w '#{alternate_on}') == 0 ]] || fail "still in the alternate screen"

# C-c: SIGINT, exit 130, terminal restored
rm -f "$T/wizard.rc"

tmux_start 80x24 "$PINETBOOT" wizard demo-site.conf
tmux_wait "1 Site"
tm capture-pane -e -p -t w | grep -q $'\e\\[44m' || fail "no colours by default (blue title bar)"
tmux_keys C-c
[[ $(tmux_wait_exit) == 130 ]] || fail "exit status after C-c: $(cat "$T/wizard.rc")"
[[ $(tm display-message -p -t w '#{alternate_on}') == 0 ]] || fail "still in the alternate screen"

# --mono: attributes only, no colour
rm -f "$T/wizard.rc"

tmux_start 80x24 "$PINETBOOT" wizard demo-site.conf --mono
tmux_wait "1 Site"
! tm capture-pane -e -p -t w | grep -q $'\e\[[0-9;]*\(3[0-7]\|38;5\|4[0-7]\|48;5\)[;m]' || fail "colours with --mono"
tm capture-pane -e -p -t w | grep -q $'\e\[[0-9;]*7m' || fail "no reverse video with --mono"
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
exit 0
