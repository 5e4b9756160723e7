#!/usr/bin/env bash
# After Export, the wizard offers Apply: Enter on Apply shows the dry run (each file that would
# change, with its diff, and the reloads), y installs under --root, and a second look finds
# nothing to change. Cards written by Readiness are not inside the export directory.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
demo_site "$T/demo-site.conf"
mkdir -p "$T/root"
tmux_start 80x24 "$PINETBOOT" wizard demo-site.conf -o out -r root
tmux_wait "1 Site"
tmux_keys 5
tmux_wait "Export: save the profile"
tmux_wait "Next: Enter on Export writes the files into out"
tmux_keys Down Down Enter
tmux_wait "exported"
tmux_wait "5 Export+"
tmux_wait "Next: Enter on Apply: see what changes here"
tmux_keys Enter                       # the selection moved to Apply
tmux_wait "Dry run: pinetboot apply demo-site.conf --root root"
tmux_wait "Install these files now"
tmux_wait "new      "
tmux_keys y
tmux_wait "applied: "
[[ -n $(find "$T/root" -type f | head -n1) ]] || fail "nothing installed under the root"
tmux_resize 120x40
tmux_keys Enter
tmux_wait "Nothing to change"
tmux_keys Escape q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status"
exit 0
