#!/usr/bin/env bash
# The command line: help, version, unknown commands and options, the way Debian users expect:
# a missing argument says so, top-level options never blame `wizard`, a typo gets the nearest
# command, every error starts with "pinetboot CMD:", and SITE is taken the same two ways.
. "$(dirname "$0")/../lib.sh"
expect_exit 0 "$PINETBOOT" --help
expect_grep "Usage: pinetboot" "$T/out"
expect_exit 0 "$PINETBOOT" --version
expect_grep "^pinetboot [0-9]" "$T/out"
expect_exit 2 "$PINETBOOT" frobnicate
expect_grep "'frobnicate' is not a command" "$T/err"
expect_grep "Try 'pinetboot --help'" "$T/err"
# every listed command answers --help with exit 0 and a Usage line
for c in $("$PINETBOOT" --help | awk '/^Commands:/{f=1;next} /^$/{f=0} f{print $1}'); do
  [[ "$c" == wizard ]] && continue
  expect_exit 0 "$PINETBOOT" "$c" --help
  grep -qi "usage" "$T/out" || fail "$c --help has no usage line"
done
# a typo names the nearest command (git's "did you mean")
expect_exit 2 "$PINETBOOT" expotr
expect_grep "^pinetboot: 'expotr' is not a command. The most similar: export" "$T/err"
expect_exit 2 "$PINETBOOT" help moniter
expect_grep "The most similar: monitor" "$T/err"
# options before any command are the wizard's, but the user never typed "wizard"
expect_exit 2 "$PINETBOOT" --bogus
expect_grep "^pinetboot: unknown option '--bogus'" "$T/err"
expect_no_grep "wizard" "$T/err"
# a missing argument is a missing argument, not an unknown option
expect_exit 2 "$PINETBOOT" monitor -r
expect_grep "^pinetboot monitor: option '-r' needs an argument (FILE)" "$T/err"
expect_exit 2 "$PINETBOOT" export site.conf -o
expect_grep "^pinetboot export: option '-o' needs an argument (DIR)" "$T/err"
expect_exit 2 "$PINETBOOT" lint --root
expect_grep "^pinetboot lint: option '--root' needs an argument (DIR)" "$T/err"
expect_exit 2 "$PINETBOOT" apply site.conf --dry-run=yes
expect_grep "^pinetboot apply: option '--dry-run' takes no argument" "$T/err"
expect_exit 2 "$PINETBOOT" simulate --jsn
expect_grep "did you mean '--json'" "$T/err"
# every command's usage errors start with "pinetboot CMD:" (its own name, subcommand included)
for c in check devices flash provision export apply lint monitor iscsi-check simulate version \
	"eeprom show" "eeprom set" "eeprom bootstrap" "profile import-csv" "profile keys"; do
  # shellcheck disable=SC2086
  expect_exit 2 "$PINETBOOT" $c --no-such-option
  head -n 1 "$T/err" | grep -q "^pinetboot $c: unknown option '--no-such-option'" ||
    fail "$c: the error does not start with 'pinetboot $c:' ($(head -n 1 "$T/err"))"
done
# SITE: the operand or --site, the same for every command that takes a profile
sed -e "s/@IFACE@/lo/" -e "s,@ADDR@,192.168.20.1/24," "$PNB_TOP/tests/data/demo-site.conf.in" >"$T/site.conf" ||
  fail "no demo site"
for form in "$T/site.conf" "--site $T/site.conf"; do
  # shellcheck disable=SC2086
  expect_exit 0 "$PINETBOOT" lint $form
  # shellcheck disable=SC2086
  expect_exit 1 "$PINETBOOT" export $form -o "$T/none" --diff
  # shellcheck disable=SC2086
  expect_exit 0 "$PINETBOOT" apply $form --root "$T" --dry-run
done
# problems without a line of a file are the command's own errors too
mkdir "$T/notexp"; touch "$T/notexp/x"
expect_exit 2 "$PINETBOOT" export "$T/site.conf" -o "$T/notexp"
expect_grep "^pinetboot export: $T/notexp: exists and is not a pinetboot export" "$T/err"
# monitor takes it the same two ways, with the same result
pcap="$PNB_TOP/tests/data/pcaps/good-pi4-proxy-iscsi.pcap"
"$PINETBOOT" monitor -r "$pcap" -q --site "$T/site.conf" >"$T/m1" 2>&1
"$PINETBOOT" monitor -r "$pcap" -q "$T/site.conf" >"$T/m2" 2>&1
cmp -s "$T/m1" "$T/m2" || { diff "$T/m1" "$T/m2"; fail "monitor SITE and monitor --site SITE differ"; }
expect_exit 2 "$PINETBOOT" lint
expect_grep "^pinetboot lint: which site profile? (expected SITE or --site SITE" "$T/err"
exit 0
