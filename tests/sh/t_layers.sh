#!/usr/bin/env bash
# t_layers — the include graph keeps its direction (core/*/README.md says what each room may
# include). Every `#include "…"` in the product code is checked against the table below; a new
# arrow pointing up fails here, where no review would catch it.
source "$(dirname "$0")/../lib.sh"
cd "$PNB_TOP"

# room: the rooms its files may include (its own always allowed)
allowed() {
  case $1 in
    core/base)    echo "" ;;
    capture)      echo "core/base" ;;
    core/site)    echo "core/base" ;;
    core/server)  echo "core/site core/base" ;;
    core/pi)      echo "core/lab core/disk core/server core/site core/base" ;;
    core/disk)    echo "core/server core/site core/base" ;;
    core/lab)     echo "core/disk core/server core/site core/base" ;;
    core/monitor) echo "core/lab core/disk core/server core/site core/base capture" ;;
    tui)          echo "core/monitor core/lab core/disk core/pi core/server core/site core/base capture" ;;
    # cli drives the monitor through core/monitor/session.h only: no capture/ header at all
    cli)          echo "core/monitor core/lab core/disk core/pi core/server core/site core/base" ;;
    *)            echo "?" ;;
  esac
}
room_of() {
  case $1 in core/*/*) echo "${1%/*}" ;; */*) echo "${1%%/*}" ;; *) echo "?" ;; esac
}

bad=0
while IFS=: read -r file line inc; do
  target=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"$inc")
  from=$(room_of "$file"); to=$(room_of "$target")
  [[ $from == "$to" ]] && continue
  ok=0
  for r in $(allowed "$from"); do [[ $r == "$to" ]] && ok=1; done
  # The faces drive the monitor through its session: the decoder and the pcap source are
  # capture's insides, not theirs.
  if [[ ($from == cli || $from == tui) && $target =~ ^capture/(decode|dec|pcap_source)\.h$ ]]; then ok=0; fi
  # cli/main.c starts the wizard; no other cli file reaches into tui/.
  [[ $file == cli/main.c && $target == tui/wizard.h ]] && ok=1
  if [[ $ok -eq 0 ]]; then echo "$file:$line: $from may not include $target"; bad=1; fi
done < <(grep -n '^#include "' core/*/*.[ch] capture/*.[ch] tui/*.[ch] cli/*.[ch])

# No source file sits directly in core/: every one lives in its room.
for f in core/*.[ch]; do [[ -e $f ]] && { echo "$f: not in a room (core/ROOM/)"; bad=1; }; done
for d in core/*/; do [[ -f $d/README.md ]] || { echo "$d: no README.md saying what lives there"; bad=1; }; done
[[ $bad -eq 0 ]] || fail "the layering is broken (see above)"
