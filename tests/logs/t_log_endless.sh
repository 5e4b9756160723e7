#!/usr/bin/env bash
# A log may come from someone else: a line without end (a device, a file or a stream with no
# newline) costs reading time, never memory. At most 64 KiB of a line is kept; a longer line is
# counted as not understood, and the lines after it are read as usual, from a file (mapped) and
# from a pipe (stdin); a device that never ends still stops on SIGTERM.
. "$(dirname "$0")/../lib.sh"
L=$PNB_TOP/tests/data/logs/tbt11-short-iso/journal.txt
{ head -c $((3 << 20)) /dev/zero | tr '\0' a; echo; cat "$L"; } >"$T/long.log"
/usr/bin/time -f %M -o "$T/rss0" "$PINETBOOT" monitor --log "$L" --json -q >"$T/ref" 2>/dev/null
base=$(tail -n 1 "$T/rss0") # KiB resident for the short log alone (ASan builds use more)
# the same verdicts, evidence one line further down in another file
norm() { grep -o '"pis".*' | sed -E 's#[^ "]*(journal.txt|long.log|stdin):[0-9]+#REF#g; s#"frames":\[[0-9,]*\]##g'; }
tail -n 1 "$T/ref" | norm >"$T/ref.pis"
n=$(wc -l <"$L")
for how in file pipe; do
  if [[ $how == file ]]; then
    /usr/bin/time -f %M -o "$T/rss" "$PINETBOOT" monitor --log "$T/long.log" --json -q >"$T/out" 2>/dev/null
  else
    cat "$T/long.log" | /usr/bin/time -f %M -o "$T/rss" "$PINETBOOT" monitor --log - --json -q >"$T/out" 2>/dev/null
  fi
  tail -n 1 "$T/out" >"$T/sum"
  expect_grep "\"lines\": $((n + 1)), " "$T/sum"
  norm <"$T/sum" | cmp -s - "$T/ref.pis" || fail "$how: the lines after a 3 MiB line were not read as alone"
  # a 3 MiB line kept whole would show (the mapped file itself is 3 MiB of it in the file case)
  extra=$(( $(tail -n 1 "$T/rss") - base ))
  lim=2; [[ $how == file ]] && lim=5
  (( extra < lim * 1024 )) || fail "$how: $extra KiB more resident than for the short log"
done
# a device with no newline at all: bounded memory while it lasts, and SIGTERM (or Ctrl-C) ends
# it with the summary printed (not only SIGKILL)
/usr/bin/time -f %M -o "$T/rss" timeout -k 10 2 "$PINETBOOT" monitor --log /dev/zero -q >"$T/out" 2>&1
rc=$?
[[ $rc -eq 124 ]] || fail "/dev/zero: exit $rc after SIGTERM (137: only SIGKILL ended it)"
expect_grep "logs: 0 lines" "$T/out"
(( $(tail -n 1 "$T/rss") - base < 2 * 1024 )) || fail "/dev/zero: $(tail -n 1 "$T/rss") KiB resident"
echo "ok"
