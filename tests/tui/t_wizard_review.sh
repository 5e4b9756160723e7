#!/usr/bin/env bash
# The Review step: the generated files with their state against what is installed under
# --root (new / same / changed), the file view and the diff view, scrolling, and the profile's
# own diff after an edit.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
demo_site "$T/demo.conf"
mkdir "$T/root"
(cd "$T" && "$PINETBOOT" apply demo.conf --root root >apply.log 2>&1) || { cat "$T/apply.log"; fail "apply"; }
sed -i 's/^interface=eth0$/interface=eth9/' "$T/root/etc/dnsmasq.d/pinetboot.conf"
grep -q '^interface=eth9$' "$T/root/etc/dnsmasq.d/pinetboot.conf" || fail "test setup: no interface line"

tmux_start 80x24 "$PINETBOOT" wizard demo.conf --root root
tmux_wait "1 Site"
tmux_keys Tab Tab Tab
tmux_wait "Review: the generated files"
tmux_wait "demo.conf (site profile)"
screen=$(tmux_screen)
grep -Eq 'dnsmasq.d/pinetboot.conf +changed' <<<"$screen" || { echo "$screen"; fail "dnsmasq file not 'changed'"; }
grep -Eq 'iscsi/tgt-pinetboot.conf +same' <<<"$screen" || { echo "$screen"; fail "tgt file not 'same'"; }
grep -Eq 'demo.conf \(site profile\) +same' <<<"$screen" || { echo "$screen"; fail "profile not 'same'"; }

# the dnsmasq file, then its diff against the installed copy
tmux_keys Down
tmux_wait "2/"
tmux_wait "# pinetboot: dnsmasq configuration"
tmux_keys v
tmux_wait "diff against the installed file"
tmux_wait "-interface=eth9"
tmux_wait "+interface=eth0"
tmux_wait "--- installed root/etc/dnsmasq.d/pinetboot.conf"
# scrolling the file view
tmux_keys v
tmux_wait "# pinetboot: dnsmasq configuration"
tmux_keys PageDown
tmux_wait_gone "# pinetboot: dnsmasq configuration"
tmux_keys Home
tmux_wait "# pinetboot: dnsmasq configuration"

# an edit shows up in the profile's diff
tmux_keys BTab BTab BTab
tmux_wait "Site: the boot server"
tmux_keys Down Enter C-u
tmux_type "192.168.20.2/24"
tmux_keys Enter
tmux_wait "[modified]"
tmux_wait "Note: eth0 has 192.168.20.1/24 on this machine, not 192.168.20.2/24."
tmux_keys Tab Tab Tab
tmux_wait "Review: the generated files"
tmux_keys Up v
tmux_wait "-address = 192.168.20.1/24"
tmux_wait "+address = 192.168.20.2/24"

# quitting with unsaved changes asks; "Keep editing" stays, "Quit without saving" leaves
tmux_keys q
tmux_wait "Unsaved changes to demo.conf"
tmux_keys Down Down Enter
tmux_wait_gone "Unsaved changes to demo.conf"
# s saves: the edit lands, the hand-written comments and inline comments stay
tmux_keys s
tmux_wait "saved demo.conf"
tmux_wait_gone "[modified]"
expect_grep "address = 192.168.20.2/24" "$T/demo.conf"
expect_grep "^# pinetboot demo site" "$T/demo.conf"
expect_grep "^dhcp = proxy  *; proxy | full" "$T/demo.conf"
# another edit, then quit without saving it
tmux_keys BTab BTab BTab
tmux_wait "Site: the boot server"
tmux_keys Enter C-u
tmux_type "192.168.20.1/24"
tmux_keys Enter
tmux_wait "[modified]"
tmux_keys q
tmux_wait "Unsaved changes to demo.conf"
tmux_keys Down Enter
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
expect_grep "quit without saving demo.conf" "$T/wizard.err"
expect_grep "address = 192.168.20.2/24" "$T/demo.conf"
exit 0
