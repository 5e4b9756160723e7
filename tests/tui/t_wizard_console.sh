#!/usr/bin/env bash
# The wizard as a console (issue 14): every step in the bar at 80 columns, a "Next:" line per
# step, digits jump, `?` starts with the step's own help, fields that do not apply are hidden,
# a long message wraps instead of being cut and `m` shows it in full, y/n answer a question,
# and the mouse selects steps, rows and help-bar keys. At 80x24 and 120x40, with a resize.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
demo_site "$T/demo-site.conf"

# click COL ROW — a button-1 press at 0-based COL, ROW (xterm X10 mouse, what ncurses expects
# from TERM=screen-256color's kmous)
click() {
  local x y; x=$(printf %x $((33 + $1))); y=$(printf %x $((33 + $2)))
  tm send-keys -t w -H 1b 5b 4d 20 "$x" "$y" 1b 5b 4d 23 "$x" "$y"   # press, release
}
# col_of TEXT ROW — the 0-based column where TEXT starts on screen row ROW (0-based)
col_of() {
  local line; line=$(tmux_screen | sed -n "$(($2 + 1))p")
  local pre=${line%%"$1"*}
  [[ $pre != "$line" ]] || { tmux_dump; fail "'$1' not on row $2"; }
  echo "${#pre}"
}
# row_of TEXT — the 0-based row of the first line holding TEXT
row_of() { tmux_screen | grep -nF -- "$1" | head -n1 | cut -d: -f1 | awk '{print $1 - 1}'; }

for size in 80x24 120x40; do
  rm -f "$T/wizard.rc"
  tmux_start "$size" "$PINETBOOT" wizard demo-site.conf -o out
  tmux_wait "1 Site"
  tmux_wait "8 Monitor"          # all eight steps, the last one too
  tmux_wait "Next: Tab or 2: add the Raspberry Pis"
  if [[ $size == 80x24 ]]; then tmux_wait "6 Ready "; else tmux_wait "6 Readiness  > 7 Flash"; fi
  tmux_wait "3 Server+"          # an honest mark before a visit
  # digits jump; the Server form hides what does not apply (proxy DHCP: no range)
  tmux_keys 3
  tmux_wait "Server: DHCP, TFTP"
  tmux_wait "Next: Tab or 4: review"
  tmux_expect_no "DHCP range"
  tmux_keys Enter
  tmux_wait "your router keeps handing out addresses"   # each choice says what it means
  tmux_keys Down Enter           # full
  tmux_wait "DHCP range"
  tmux_wait "[modified]"
  # ? starts with this step
  tmux_keys '?'
  tmux_wait "Step 3, Server"
  tmux_wait "DHCP mode: proxy (your router keeps"
  tmux_keys x
  tmux_wait_gone "Step 3, Server"
  # a long message wraps over the bottom rows instead of being cut; m shows it in full
  tmux_keys 6
  tmux_wait "Pi readiness"
  tmux_keys Enter
  tmux_wait "Write the bootstrap card"
  tmux_keys C-u; tmux_type "out/card-kitchen"; tmux_keys Enter
  tmux_wait "inside the export directory out"
  tmux_wait "profile)"   # the end of the message is on screen
  tmux_keys m
  tmux_wait "Messages, newest first"
  tmux_wait "error: out/card-kitchen is inside the export directory out"
  tmux_keys Escape
  tmux_wait_gone "Messages, newest first"
  # the mouse: a step in the bar, a row of a list, a key in the help bar
  click "$(col_of "2 Pis" 1)" 1
  tmux_wait "Pis: the Raspberry Pis"
  r=$(row_of "garage ")
  click 10 "$r"
  sleep 0.3                      # two clicks, not one double click
  click 10 "$r"                  # a click on the selected row opens it
  tmux_wait "Esc: back to the list"
  tmux_wait "2caf9c61"
  tmux_keys Escape
  # the name check while typing is the loader's: case does not count (it used to say "ok")
  tmux_keys a; tmux_wait "New Pi's name"
  tmux_keys C-u; tmux_type "Kitchen"
  tmux_wait "is used by another Pi (case does not count)"
  tmux_keys Escape
  tmux_wait "Enter open a add d remove"
  click "$(col_of "? help" $(( ${size#*x} - 1 )))" $(( ${size#*x} - 1 ))
  tmux_wait "Step 2, Pis"
  tmux_keys x
  # a click on a file in Review selects it
  tmux_keys 4
  tmux_wait "dnsmasq.d/pinetboot.conf"
  click 10 "$(row_of "dnsmasq.d/pinetboot.conf")"
  tmux_wait "-- 2/"
  # resize keeps it all
  if [[ $size == 80x24 ]]; then tmux_resize 120x40; tmux_wait "6 Readiness  > 7 Flash"; tmux_resize 80x24; tmux_wait "6 Ready "; fi
  # Flash: the source is checked before any question (the demo image does not exist here)
  tmux_keys 7
  tmux_wait "Source: image of kitchen: /srv/images/raspios-lite.img.xz"
  tmux_expect_no "Enter edit"
  tmux_keys v
  tmux_wait "safe only"
  tmux_keys End Enter
  tmux_wait "cannot write the source: /srv/images/raspios-lite.img.xz"
  tmux_wait "No such file or"
  tmux_expect_no "UNSAFE"
  # y/n: quitting with unsaved changes; n quits without saving
  tmux_keys q
  tmux_wait "n  Quit without saving"
  tmux_keys n
  [[ $(tmux_wait_exit) == 0 ]] || fail "exit status at $size"
  grep -q "quit without saving demo-site.conf" "$T/wizard.err" || fail "no 'quit without saving' at $size"
done
grep -q "dhcp = proxy" "$T/demo-site.conf" || fail "n saved the profile"
exit 0
