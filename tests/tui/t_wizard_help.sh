#!/usr/bin/env bash
# The `?` box holds every action of the table however long it grows: at 80x24 it scrolls
# (title "Keys A-B of N", ^/v more marks, long help text wrapped; Up/Down, PgUp/PgDn, Home/End
# move it, any other key closes it) and paging through it shows every action that
# `pinetboot wizard --keys` lists; at 120x40 the whole table of today fits at once and any key
# closes it (should it outgrow 40 rows, it pages there too). A resize keeps it in range.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
demo_site "$T/demo-site.conf"
# each action's first row as the box draws it: label in 12 columns, then the name
"$PINETBOOT" wizard --keys | while read -r label name _; do
  printf '%-12.12s%s\n' "$label" "$name"
done >"$T/rows"
n=$(wc -l <"$T/rows")
[[ $n -ge 20 ]] || fail "only $n actions from wizard --keys"

# every_row_in FILE — each action row appears in FILE
every_row_in() {
  local row
  while IFS= read -r row; do
    grep -qF -- "$row" "$1" || { cat "$1"; fail "row '$row' never shown"; }
  done <"$T/rows"
}
# collect_pages FILE — the open box's screens, paged with PgDn to its end, into FILE
collect_pages() {
  : >"$1"
  local i
  for ((i = 0; i < 4 * n; i++)); do
    tmux_screen >>"$1"
    tmux_screen | grep -qF "Keys (any key closes)" && return 0
    tmux_screen | grep -qE "Keys [0-9]+-([0-9]+) of \1 " && return 0
    tmux_screen | grep -qF "(arrows scroll, other keys close)" || { tmux_dump; fail "box closed"; }
    local title; title=$(tmux_screen | grep -oE 'Keys [0-9]+-[0-9]+ of [0-9]+')
    tmux_keys PageDown
    for ((j = 0; j < 400; j++)); do
      [[ $(tmux_screen | grep -oE 'Keys [0-9]+-[0-9]+ of [0-9]+') != "$title" ]] && break
      sleep 0.05
    done
  done
  fail "paging never reached the end of the box"
}

tmux_start 80x24 "$PINETBOOT" wizard demo-site.conf
tmux_wait "1 Site"
tmux_keys '?'
tmux_wait "(arrows scroll, other keys close)"
# rows: an action's help text wraps under itself, then a blank row and the step marks
total=$(tmux_screen | grep -oE 'Keys 1-20 of [0-9]+' | grep -oE '[0-9]+$')
[[ -n $total && $total -ge $((n + 2)) ]] || { tmux_dump; fail "title does not count $n+2 rows"; }
tmux_wait " v more "
tmux_expect_no " ^ more "
tmux_expect_no "Step marks"
[[ $(tmux_screen | tail -n 1) == *"q quit"* ]] || { tmux_dump; fail "the box covers the help bar"; }
collect_pages "$T/seen"
tmux_wait "Step marks: + complete"
tmux_wait " ^ more "
tmux_expect_no " v more "
every_row_in "$T/seen"
grep -qF "field to its default" "$T/seen" || fail "a long help text was not wrapped whole"
# Home, then single steps
tmux_keys Home
tmux_wait "Keys 1-20 of $total"
tmux_keys Up
tmux_wait "Keys 1-20 of $total"
tmux_keys Down
tmux_wait "Keys 2-21 of $total"
tmux_keys End
tmux_wait "Keys $((total - 19))-$total of $total"
# on a bigger terminal the position is clamped: the box shows from a row that fills it
tmux_resize 120x40
tmux_wait "Step marks: + complete"
tmux_expect_no " v more "
tmux_resize 80x24
tmux_wait "Keys $((total - 19))-$total of $total"
tmux_keys x
tmux_wait_gone "other keys close"
tmux_wait "Site: the boot server"
tmux_keys q
rc=$(tmux_wait_exit)
[[ $rc == 0 ]] || fail "the wizard exited with $rc"
rm -f "$T/wizard.rc" # the next session writes its own

# 120x40 from the start
tmux_start 120x40 "$PINETBOOT" wizard demo-site.conf
tmux_wait "1 Site"
tmux_keys '?'
tmux_wait "Keys "
collect_pages "$T/big"
every_row_in "$T/big"
if grep -qF "Keys (any key closes)" "$T/big"; then
  grep -qF " more " "$T/big" && { cat "$T/big"; fail "a more mark where everything fits"; }
  tmux_keys Down # not a scroll key when nothing scrolls: it closes the box
  tmux_wait_gone "Keys (any key closes)"
else
  echo "note: the key table has outgrown 120x40; it pages there too"
  tmux_keys x
  tmux_wait_gone "other keys close"
fi
tmux_keys q
rc=$(tmux_wait_exit)
[[ $rc == 0 ]] || { tmux_dump; cat "$T/wizard.err"; fail "the wizard exited with $rc"; }
echo "ok"
