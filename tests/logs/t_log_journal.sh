#!/usr/bin/env bash
# monitor --log journal:UNIT follows a unit's journal on this machine: journalctl (a stand-in on
# PATH here, which checks the command it got) gives the lines, diagnosed as the same file would
# be, evidence named journal:UNIT:LINE. journalctl failing is said (exit 2); a unit name that is
# not one is refused before anything runs.
. "$(dirname "$0")/../lib.sh"
cp "$PNB_TOP/tests/data/logs/tbt11-short-iso/journal.txt" "$T/journal.txt"
mkdir "$T/bin"
cat >"$T/bin/journalctl" <<SH
#!/bin/sh
printf '%s\n' "\$*" >"$T/got"
case "\$*" in
*"-u nosuch") echo "Failed to add match 'nosuch': no such unit" >&2; exit 1 ;;
esac
exec /bin/cat "$T/journal.txt"
SH
chmod 755 "$T/bin/journalctl"
expect_exit 1 env PATH="$T/bin:$PATH" "$PINETBOOT" monitor --log journal:dnsmasq --json -q
[[ $(cat "$T/got") == "--no-pager -n 2000 -f -o short-iso -u dnsmasq" ]] || fail "journalctl got: $(cat "$T/got")"
tail -n 1 "$T/out" >"$T/sum"
expect_grep '"mac":"b8:27:eb:81:0b:bc".*"failed":4,.*\[bootcode-missing\]' "$T/sum"
expect_grep '"refs":\["journal:dnsmasq:12"' "$T/sum"
expect_exit 2 env PATH="$T/bin:$PATH" "$PINETBOOT" monitor --log journal:nosuch -q
expect_grep "journal:nosuch: journalctl failed (exit 1): Failed to add match 'nosuch'" "$T/err"
for bad in 'journal:-x' 'journal:dnsmasq;id' 'journal:' 'journal:a b'; do
  expect_exit 2 "$PINETBOOT" monitor --log "$bad" -q
  expect_grep 'expected journal:UNIT' "$T/err"
done
expect_exit 2 env PATH="$T/empty" "$PINETBOOT" monitor --log journal:dnsmasq -q
expect_grep 'journal:dnsmasq: journalctl is not installed here' "$T/err"
exit 0
