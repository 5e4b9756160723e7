# Helpers for wizard tests driven through tmux: source after tests/lib.sh.
# Each test gets its own tmux server (socket $T/tmux-N), a pinned environment and a fixed
# window size; the server is killed on exit. Screens are dumped to $T/screen-N.txt on failure.
need tmux
# Every tmux_start gets a fresh server ($T/tmux-N): restarting on one socket races with the
# old server's shutdown. The socket is in the test's own directory, not tmux's shared
# /tmp/tmux-UID: a server left by a killed test of the same PID is never reused.
_tmux_n=0
TMUX_SOCK="$T/tmux-0"
# The least time any tmux_wait allows (a shorter SECONDS is raised to it): under ASan on a loaded
# 2-core machine a redraw can take seconds; only a failing wait ever waits this long.
TMUX_TIMEOUT=${TMUX_TIMEOUT:-30}
unset TMUX
tm() { tmux -S "$TMUX_SOCK" -f /dev/null "$@"; }
_tmux_kill_all() {
  local i
  for ((i = 1; i <= _tmux_n; i++)); do tmux -S "$T/tmux-$i" kill-server 2>/dev/null; done
  return 0
}
on_exit _tmux_kill_all
# Watchdog: a test that hangs is stopped (and cleaned up by lib.sh's trap) after this long:
# well under run.sh's 600 s, well over a slow test under ASan on a loaded 2-core machine (a
# tmux_wait alone may allow 120 s, and t_wizard_adopt may first wait for the adopt cache).
TMUX_WATCHDOG=${TMUX_WATCHDOG:-360}
( trap 'kill $sp 2>/dev/null; exit 0' TERM
  sleep "$TMUX_WATCHDOG" & sp=$!
  wait $sp && { echo "watchdog: no result after ${TMUX_WATCHDOG}s" >&2; kill -TERM $$; } ) &
_tmux_watchdog=$!
on_exit "kill $_tmux_watchdog 2>/dev/null"

# tmux_start COLSxROWS CMD... — starts CMD in a detached session "w" of that size, in $T,
# with TERM, locale, time zone and HOME pinned.
tmux_start() {
  local size=$1; shift
  [[ $_tmux_n -gt 0 ]] && tm kill-server 2>/dev/null
  _tmux_n=$((_tmux_n + 1))
  TMUX_SOCK="$T/tmux-$_tmux_n"
  local cols=${size%x*} rows=${size#*x}
  printf '%q ' "$@" >"$T/cmd.sh"
  tm new-session -d -s w -x "$cols" -y "$rows" -c "$T" \
    "env -i PATH=$PATH TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC HOME=$T \
     PNB_WIZARD_IFACES=${PNB_WIZARD_IFACES:-eth0=192.168.20.1/24,wlan0} \
     ASAN_OPTIONS=${ASAN_OPTIONS:-} UBSAN_OPTIONS=${UBSAN_OPTIONS:-} \
     bash -c '$(cat "$T/cmd.sh") 2>$T/wizard.err; echo \$? >$T/wizard.rc'; sleep 30"
  tm set-option -t w remain-on-exit on >/dev/null
}

# tmux_keys KEY... — tmux send-keys (names like Enter, Tab, BTab, Escape, Down, C-u).
tmux_keys() { tm send-keys -t w "$@"; }
# tmux_type TEXT — types TEXT literally.
tmux_type() { tm send-keys -t w -l "$1"; }

_dump_n=0
# tmux_dump — prints the screen (and keeps a copy in $T/screen-N.txt).
tmux_dump() {
  _dump_n=$((_dump_n + 1))
  tm capture-pane -p -t w | tee "$T/screen-$_dump_n.txt"
}
tmux_screen() { tm capture-pane -p -t w; }

# tmux_wait TEXT [SECONDS] — waits until the screen shows TEXT (fixed string); on timeout
# prints the screen and fails.
tmux_wait() {
  local text=$1 limit=${2:-$TMUX_TIMEOUT} i
  ((limit >= TMUX_TIMEOUT)) || limit=$TMUX_TIMEOUT
  for ((i = 0; i < limit * 20; i++)); do
    tmux_screen | grep -qF -- "$text" && return 0
    # TMUX_WAIT_OR: a second text that also ends the wait (a screen that moved on past the one
    # waited for, e.g. a short job that finished before the first poll)
    [[ -n ${TMUX_WAIT_OR:-} ]] && tmux_screen | grep -qF -- "$TMUX_WAIT_OR" && return 0
    sleep 0.05
  done
  echo "--- screen (waited ${limit}s for '$text'):"
  tmux_dump
  [[ -s $T/wizard.err ]] && { echo "--- stderr:"; cat "$T/wizard.err"; }
  fail "timed out waiting for '$text'"
}
# tmux_key_moved KEY — sends KEY and waits (at most 5 s) for the screen to change; returns 1
# when it did not (the end of a list): a loop of key presses then never runs ahead of a slow
# redraw, and stops at the end.
tmux_key_moved() {
  local before i
  before=$(tmux_screen)
  tmux_keys "$1"
  for ((i = 0; i < 100; i++)); do
    [[ $(tmux_screen) != "$before" ]] && return 0
    sleep 0.05
  done
  return 1
}
# tmux_wait_gone TEXT — waits until TEXT is no longer on the screen.
tmux_wait_gone() {
  local text=$1 i
  for ((i = 0; i < TMUX_TIMEOUT * 20; i++)); do
    tmux_screen | grep -qF -- "$text" || return 0
    sleep 0.05
  done
  tmux_dump
  fail "'$text' is still on the screen"
}
# tmux_expect_no TEXT — the screen does not show TEXT now.
tmux_expect_no() {
  if tmux_screen | grep -qF -- "$1"; then tmux_dump; fail "unexpected '$1' on the screen"; fi
}
# tmux_resize COLSxROWS
tmux_resize() { tm resize-window -t w -x "${1%x*}" -y "${1#*x}"; }
# tmux_wait_exit [SECONDS] — waits for the wizard to exit; prints its exit status.
tmux_wait_exit() {
  local limit=${1:-$TMUX_TIMEOUT} i
  for ((i = 0; i < limit * 20; i++)); do
    [[ -s $T/wizard.rc ]] && { cat "$T/wizard.rc"; return 0; }
    sleep 0.05
  done
  tmux_dump
  fail "the wizard did not exit"
}
# tmux_wizard_pid — the PID of the pinetboot process running in the pane.
tmux_wizard_pid() {
  local pids
  pids=$(tm display-message -p -t w '#{pane_pid}')
  while [[ -n $pids ]]; do
    local next=""
    for p in $pids; do
      [[ $(ps -o comm= -p "$p" 2>/dev/null) == pinetboot ]] && { echo "$p"; return 0; }
      next+=" $(ps -o pid= --ppid "$p" 2>/dev/null)"
    done
    pids=$(echo $next)
  done
  return 1
}
# demo_site FILE — the demo profile of `make run`, on a fixed interface and address.
demo_site() {
  sed -e 's|@IFACE@|eth0|' -e 's|@ADDR@|192.168.20.1/24|' "$PNB_TOP/tests/data/demo-site.conf.in" >"$1"
}
