#!/usr/bin/env bash
# Review shows what `apply --dry-run` would do: a Pi's config.txt that already holds its own
# lines besides pinetboot's merged ones is "same" in both (apply merges the generated lines into
# the installed file; Review once compared the bare fragment with the whole file and called it
# changed, with a diff deleting the operator's lines). After an edit of the installed file's
# pinetboot line both say changed, and Review's diff keeps the operator's lines.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
demo_site "$T/demo.conf"
# garage names its initramfs, so pinetboot has a config.txt line to merge (auto adds none)
sed -i '/^\[pi "garage"\]/a initramfs = initramfs8' "$T/demo.conf"
cfg="$T/root/srv/tftp/2caf9c61/config.txt"
mkdir -p "${cfg%/*}"
printf '# the operator'"'"'s own settings\ndtparam=audio=on\n' >"$cfg"
(cd "$T" && "$PINETBOOT" apply demo.conf --root root >apply.log 2>&1) || { cat "$T/apply.log"; fail "apply"; }
expect_grep "^dtparam=audio=on" "$cfg"
(cd "$T" && "$PINETBOOT" apply demo.conf --root root --dry-run >dry.log 2>&1) || fail "dry-run"
expect_no_grep "2caf9c61/config.txt" "$T/dry.log"

tmux_start 100x40 "$PINETBOOT" wizard demo.conf --root root
tmux_wait "1 Site"
tmux_keys Tab Tab Tab
tmux_wait "Review: the generated files"
tmux_wait "demo.conf (site profile)"
# walk down the file list to the Pi's config.txt, one row at a time
for i in $(seq 1 40); do
  tmux_wait "-- $i/"
  tmux_screen | grep -q -- "-- $i/[0-9]* tftp/2caf9c61/config.txt" && break
  tmux_keys Down
done
screen=$(tmux_screen)
grep -Eq '2caf9c61/config.txt +same' <<<"$screen" || { echo "$screen"; fail "config.txt not 'same' as apply says"; }
tmux_keys v
tmux_wait "(identical to root/srv/tftp/2caf9c61/config.txt)"

# without pinetboot's line both faces say changed; the diff adds it and keeps the operator's
sed -i '/^initramfs /d' "$cfg"
(cd "$T" && "$PINETBOOT" apply demo.conf --root root --dry-run >dry.log 2>&1) || fail "dry-run"
expect_grep "would install (changed) .*2caf9c61/config.txt" "$T/dry.log"
tmux_keys v Enter
tmux_wait "rendered again"
tmux_wait "tftp/2caf9c61/config.txt (v: show the diff)"
screen=$(tmux_screen)
grep -Eq '2caf9c61/config.txt +changed' <<<"$screen" || { echo "$screen"; fail "config.txt not 'changed' as apply says"; }
tmux_keys v
tmux_wait "+initramfs initramfs8 followkernel"
tmux_expect_no "-dtparam=audio=on"
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
exit 0
